"""Exceptions the client raises: one per gRPC status a caller may want to handle, and RunFailed."""

from __future__ import annotations

import grpc


class AgentdError(Exception):
    """A call to the daemon failed; `code` is the gRPC status and `details` the daemon's message."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code
        self.details = details


class NotFound(AgentdError):
    """Something named in the call does not exist (a run, session, checkpoint, item, feedback request)."""


class AgentNotFound(NotFound):
    """The agent is not registered; the message lists the known agents."""


class InvalidInput(AgentdError):
    """The request, or the agent's input, is not valid; the message says what to fix."""


class FailedPrecondition(AgentdError):
    """The call is valid but the current state forbids it (e.g. a feedback request already answered)."""


class ResourceExhausted(AgentdError):
    """Too large, or the daemon is too busy right now."""


class Unavailable(AgentdError):
    """The daemon (or its database) cannot be reached right now; retry later."""


class DeadlineExceeded(AgentdError):
    """The call's deadline passed; the daemon cancelled the run."""


class Cancelled(AgentdError):
    """The call was cancelled."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidInput,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.CANCELLED: Cancelled,
}


def from_rpc_error(error: grpc.RpcError) -> AgentdError:
    code = error.code()
    details = error.details() or ""
    if code == grpc.StatusCode.NOT_FOUND:
        return (AgentNotFound if "is not registered" in details else NotFound)(code, details)
    return _BY_CODE.get(code, AgentdError)(code, details)


class RunFailed(Exception):
    """The run ended FAILED or CANCELLED; `run` holds it (with `run["error"]`)."""

    def __init__(self, run: dict) -> None:
        error = run.get("error") or {}
        super().__init__(f"run {run.get('id')} of agent '{run.get('agent')}' {run.get('status', '').lower()}: {error.get('message', '')}")
        self.run = run
