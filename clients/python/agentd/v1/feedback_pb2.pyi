import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FeedbackOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FEEDBACK_OUTCOME_UNSPECIFIED: _ClassVar[FeedbackOutcome]
    FEEDBACK_OUTCOME_ANSWERED: _ClassVar[FeedbackOutcome]
    FEEDBACK_OUTCOME_EXPIRED: _ClassVar[FeedbackOutcome]
    FEEDBACK_OUTCOME_WITHDRAWN: _ClassVar[FeedbackOutcome]
FEEDBACK_OUTCOME_UNSPECIFIED: FeedbackOutcome
FEEDBACK_OUTCOME_ANSWERED: FeedbackOutcome
FEEDBACK_OUTCOME_EXPIRED: FeedbackOutcome
FEEDBACK_OUTCOME_WITHDRAWN: FeedbackOutcome

class PendingFeedback(_message.Message):
    __slots__ = ("request_id", "run_id", "session_id", "agent", "worker", "payload", "deadline", "created_at")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    run_id: str
    session_id: str
    agent: str
    worker: str
    payload: _struct_pb2.Value
    deadline: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., run_id: _Optional[str] = ..., session_id: _Optional[str] = ..., agent: _Optional[str] = ..., worker: _Optional[str] = ..., payload: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FeedbackResolved(_message.Message):
    __slots__ = ("request_id", "run_id", "outcome", "answered_by")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    run_id: str
    outcome: FeedbackOutcome
    answered_by: str
    def __init__(self, request_id: _Optional[str] = ..., run_id: _Optional[str] = ..., outcome: _Optional[_Union[FeedbackOutcome, str]] = ..., answered_by: _Optional[str] = ...) -> None: ...

class FeedbackSubscription(_message.Message):
    __slots__ = ("session_ids", "run_ids", "agents", "client_name")
    SESSION_IDS_FIELD_NUMBER: _ClassVar[int]
    RUN_IDS_FIELD_NUMBER: _ClassVar[int]
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    session_ids: _containers.RepeatedScalarFieldContainer[str]
    run_ids: _containers.RepeatedScalarFieldContainer[str]
    agents: _containers.RepeatedScalarFieldContainer[str]
    client_name: str
    def __init__(self, session_ids: _Optional[_Iterable[str]] = ..., run_ids: _Optional[_Iterable[str]] = ..., agents: _Optional[_Iterable[str]] = ..., client_name: _Optional[str] = ...) -> None: ...

class FeedbackAnswer(_message.Message):
    __slots__ = ("request_id", "data")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    data: _struct_pb2.Value
    def __init__(self, request_id: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
