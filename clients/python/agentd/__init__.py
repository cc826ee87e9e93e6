"""agentd: Python client for the agentd agent-runtime daemon.

    from agentd import Client
    with Client("localhost:50051") as client:
        print(client.invoke("diamond", {"x": 1})["output"])

`agentd.aio.AsyncClient` is the asyncio twin; `agentd.worker` turns a Python function into a process worker.
Exports load lazily, so `python3 -m agentd.worker` needs only the standard library.
"""

from importlib import import_module

_EXPORTS = {
    "Client": "agentd.client",
    "FeedbackHandler": "agentd.client",
    "AsyncClient": "agentd.aio",
    "AgentdError": "agentd.errors",
    "AgentNotFound": "agentd.errors",
    "Cancelled": "agentd.errors",
    "DeadlineExceeded": "agentd.errors",
    "FailedPrecondition": "agentd.errors",
    "InvalidInput": "agentd.errors",
    "NotFound": "agentd.errors",
    "ResourceExhausted": "agentd.errors",
    "RunFailed": "agentd.errors",
    "Unavailable": "agentd.errors",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'agentd' has no attribute {name!r}")
