"""Serve a Python function as an agentd process worker over the line-delimited JSON protocol.

Run as ``python3 -m agentd.worker module:function``; the daemon starts it (see docs/worker-protocol.md).
The function is called as ``fn(input, ctx)`` and returns a JSON-serialisable value.
Everything the function prints goes to stderr, so it cannot corrupt the protocol on stdout.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback
from typing import Any, Callable

_protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
sys.stdout = sys.stderr  # user prints must not reach the protocol channel


def _send(message: dict) -> None:
    _protocol_out.write(json.dumps(message, separators=(",", ":")) + "\n")
    _protocol_out.flush()


def _read() -> dict | None:
    line = sys.stdin.readline()
    while line and not line.strip():
        line = sys.stdin.readline()
    return json.loads(line) if line else None


class RuntimeCallError(Exception):
    """The daemon refused a runtime call (its message says why)."""


class FeedbackTimeout(RuntimeCallError):
    """Nobody answered a feedback request before its timeout."""


class Context:
    """What a worker can ask of the runtime. Calls block until the daemon answers."""

    def __init__(self, task_id: int, context: dict) -> None:
        self.run_id: str = context["run_id"]
        self.session_id: str = context["session_id"]
        self.agent: str = context["agent"]
        self.worker: str = context["worker"]
        self.superstep: int = context["superstep"]
        self.config: dict = context.get("config") or {}
        self.state: dict = context.get("state") or {}
        self.history: list[dict] = context.get("history") or []
        self.ferried: list[dict] = []
        self.state_patch: dict | None = None
        self.store = Store(self)
        self._next_call = 1

    def _call(self, method: str, args: dict) -> Any:
        call_id = self._next_call
        self._next_call += 1
        _send({"type": "call", "id": call_id, "method": method, "args": args})
        while True:
            message = _read()
            if message is None:
                raise RuntimeCallError("the daemon closed the connection")
            if message.get("type") == "reply" and message.get("id") == call_id:
                if "error" in message and message["error"] is not None:
                    kind = FeedbackTimeout if message.get("errorName") == "FeedbackTimeoutError" else RuntimeCallError
                    raise kind(message["error"])
                return message.get("result")

    def emit(self, name: str, data: Any = None) -> None:
        """Emit a custom event on the run's stream."""
        self._call("emit", {"name": name, "data": data})

    def ferry_to(self, worker: str, input: Any = None) -> None:
        """Route the run: `worker` runs next with `input`, instead of this worker's successors."""
        self.ferried.append({"worker": worker, "input": input})

    def request_feedback(self, payload: Any, timeout_ms: int | None = None) -> Any:
        """Ask a human and wait for the answer (raises FeedbackTimeout after `timeout_ms`)."""
        return self._call("feedback.request", {"payload": payload, "timeoutMs": timeout_ms})

    def set_state(self, patch: dict) -> None:
        """Merge `patch` into the session state after this superstep."""
        self.state_patch = {**(self.state_patch or {}), **patch}


class Store:
    """Namespaced JSON items shared across sessions (blocking calls to the daemon)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def get(self, namespace: list[str], key: str) -> dict | None:
        return self._ctx._call("store.get", {"namespace": namespace, "key": key})

    def put(self, namespace: list[str], key: str, value: Any) -> dict:
        return self._ctx._call("store.put", {"namespace": namespace, "key": key, "value": value})

    def search(self, namespace_prefix: list[str], filter: dict | None = None, limit: int = 10) -> list[dict]:
        return self._ctx._call("store.search", {"namespacePrefix": namespace_prefix, "filter": filter, "limit": limit})

    def delete(self, namespace: list[str], key: str) -> bool:
        return self._ctx._call("store.delete", {"namespace": namespace, "key": key})


def serve(fn: Callable[[Any, Context], Any]) -> None:
    """Answer tasks from the daemon until stdin closes."""
    _send({"type": "ready", "pid": os.getpid()})
    while True:
        message = _read()
        if message is None:
            return
        if message.get("type") != "task":
            continue
        ctx = Context(message["id"], message["context"])
        try:
            output = fn(message.get("input"), ctx)
            _send({"type": "result", "id": message["id"], "output": output, "ferried": ctx.ferried, "state_patch": ctx.state_patch})
        except Exception as error:  # the worker's failure is reported to the run, the process lives on
            traceback.print_exc(file=sys.stderr)
            _send({"type": "error", "id": message["id"], "message": f"{type(error).__name__}: {error}"})


def _load(target: str) -> Callable[[Any, Context], Any]:
    module_name, _, function_name = target.partition(":")
    if not function_name:
        raise SystemExit(f"usage: python3 -m agentd.worker module:function (got {target!r})")
    sys.path.insert(0, os.getcwd())
    return getattr(importlib.import_module(module_name), function_name)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python3 -m agentd.worker module:function")
    serve(_load(sys.argv[1]))
