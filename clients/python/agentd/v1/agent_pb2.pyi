from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkerMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORKER_MODE_UNSPECIFIED: _ClassVar[WorkerMode]
    WORKER_MODE_ASYNC: _ClassVar[WorkerMode]
    WORKER_MODE_THREAD: _ClassVar[WorkerMode]
    WORKER_MODE_PROCESS: _ClassVar[WorkerMode]
WORKER_MODE_UNSPECIFIED: WorkerMode
WORKER_MODE_ASYNC: WorkerMode
WORKER_MODE_THREAD: WorkerMode
WORKER_MODE_PROCESS: WorkerMode

class WorkerInfo(_message.Message):
    __slots__ = ("name", "mode", "after", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    mode: WorkerMode
    after: _containers.RepeatedScalarFieldContainer[str]
    description: str
    def __init__(self, name: _Optional[str] = ..., mode: _Optional[_Union[WorkerMode, str]] = ..., after: _Optional[_Iterable[str]] = ..., description: _Optional[str] = ...) -> None: ...

class AgentInfo(_message.Message):
    __slots__ = ("name", "description", "workers", "start_workers", "output_worker")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    START_WORKERS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_WORKER_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    workers: _containers.RepeatedCompositeFieldContainer[WorkerInfo]
    start_workers: _containers.RepeatedScalarFieldContainer[str]
    output_worker: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., workers: _Optional[_Iterable[_Union[WorkerInfo, _Mapping]]] = ..., start_workers: _Optional[_Iterable[str]] = ..., output_worker: _Optional[str] = ...) -> None: ...
