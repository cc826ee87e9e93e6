import datetime

from agentd.v1 import agent_pb2 as _agent_pb2
from agentd.v1 import feedback_pb2 as _feedback_pb2
from agentd.v1 import run_pb2 as _run_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunEvent(_message.Message):
    __slots__ = ("run_id", "sequence", "time", "run_started", "worker_started", "worker_finished", "custom", "run_finished", "feedback_requested", "feedback_resolved")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    RUN_STARTED_FIELD_NUMBER: _ClassVar[int]
    WORKER_STARTED_FIELD_NUMBER: _ClassVar[int]
    WORKER_FINISHED_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELD_NUMBER: _ClassVar[int]
    RUN_FINISHED_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    sequence: int
    time: _timestamp_pb2.Timestamp
    run_started: RunStarted
    worker_started: WorkerStarted
    worker_finished: WorkerFinished
    custom: CustomEvent
    run_finished: RunFinished
    feedback_requested: _feedback_pb2.PendingFeedback
    feedback_resolved: _feedback_pb2.FeedbackResolved
    def __init__(self, run_id: _Optional[str] = ..., sequence: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., run_started: _Optional[_Union[RunStarted, _Mapping]] = ..., worker_started: _Optional[_Union[WorkerStarted, _Mapping]] = ..., worker_finished: _Optional[_Union[WorkerFinished, _Mapping]] = ..., custom: _Optional[_Union[CustomEvent, _Mapping]] = ..., run_finished: _Optional[_Union[RunFinished, _Mapping]] = ..., feedback_requested: _Optional[_Union[_feedback_pb2.PendingFeedback, _Mapping]] = ..., feedback_resolved: _Optional[_Union[_feedback_pb2.FeedbackResolved, _Mapping]] = ...) -> None: ...

class RunStarted(_message.Message):
    __slots__ = ("agent", "session_id", "input")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    agent: str
    session_id: str
    input: _struct_pb2.Value
    def __init__(self, agent: _Optional[str] = ..., session_id: _Optional[str] = ..., input: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class WorkerPlacement(_message.Message):
    __slots__ = ("mode", "thread_id", "pid")
    MODE_FIELD_NUMBER: _ClassVar[int]
    THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    mode: _agent_pb2.WorkerMode
    thread_id: int
    pid: int
    def __init__(self, mode: _Optional[_Union[_agent_pb2.WorkerMode, str]] = ..., thread_id: _Optional[int] = ..., pid: _Optional[int] = ...) -> None: ...

class WorkerStarted(_message.Message):
    __slots__ = ("worker", "superstep", "placement")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    SUPERSTEP_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    worker: str
    superstep: int
    placement: WorkerPlacement
    def __init__(self, worker: _Optional[str] = ..., superstep: _Optional[int] = ..., placement: _Optional[_Union[WorkerPlacement, _Mapping]] = ...) -> None: ...

class WorkerFinished(_message.Message):
    __slots__ = ("worker", "superstep", "placement", "output", "error", "duration_ms")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    SUPERSTEP_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    worker: str
    superstep: int
    placement: WorkerPlacement
    output: _struct_pb2.Value
    error: _run_pb2.RunError
    duration_ms: float
    def __init__(self, worker: _Optional[str] = ..., superstep: _Optional[int] = ..., placement: _Optional[_Union[WorkerPlacement, _Mapping]] = ..., output: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[_run_pb2.RunError, _Mapping]] = ..., duration_ms: _Optional[float] = ...) -> None: ...

class CustomEvent(_message.Message):
    __slots__ = ("worker", "name", "data")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    worker: str
    name: str
    data: _struct_pb2.Value
    def __init__(self, worker: _Optional[str] = ..., name: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class RunFinished(_message.Message):
    __slots__ = ("status", "output", "error")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    status: _run_pb2.RunStatus
    output: _struct_pb2.Value
    error: _run_pb2.RunError
    def __init__(self, status: _Optional[_Union[_run_pb2.RunStatus, str]] = ..., output: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[_run_pb2.RunError, _Mapping]] = ...) -> None: ...
