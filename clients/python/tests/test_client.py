"""The Python client as a user writes it: sync and async calls, sessions, the store, feedback, errors."""

from __future__ import annotations

import pytest

from agentd import AgentNotFound, Client, FailedPrecondition, InvalidInput, NotFound
from agentd.aio import AsyncClient


def test_invoke_stream_and_sessions(daemon_address: str) -> None:
    with Client(daemon_address) as client:
        assert client.invoke("diamond", {"x": 1})["output"] == "w1=4, w2=6, total=10"
        kinds = [e["kind"] for e in client.stream("diamond", {"x": 1})]
        assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
        assert kinds.count("worker_finished") == 4
        client.invoke("chat", "hello", session_id="py-chat")
        second = client.invoke("chat", "again", session_id="py-chat")
        assert second["output"]["earlier"] == ["hello"]
        assert client.get_session("py-chat")["run_count"] == 2
        checkpoints = client.list_checkpoints(run_id=second["id"])["checkpoints"]
        assert [c["superstep"] for c in checkpoints] == [1]


def test_store(daemon_address: str) -> None:
    with Client(daemon_address) as client:
        client.put_item(["py", "users"], "ada", {"likes": "tea"})
        assert client.get_item(["py", "users"], "ada")["value"] == {"likes": "tea"}
        assert [i["key"] for i in client.search_items(["py"], filter={"likes": "tea"})["items"]] == ["ada"]
        client.delete_item(["py", "users"], "ada")
        with pytest.raises(NotFound):
            client.get_item(["py", "users"], "ada")


def test_errors_are_typed(daemon_address: str) -> None:
    with Client(daemon_address) as client:
        with pytest.raises(AgentNotFound, match="known agents"):
            client.invoke("nope")
        with pytest.raises(InvalidInput, match="session_id"):
            client.invoke("echo", 1, session_id="bad id!")


def test_feedback_handler_and_double_answer(daemon_address: str) -> None:
    with Client(daemon_address) as client:
        handler = client.handle_feedback(lambda request: {"approved": False, "notes": request["payload"]["question"]}, agents=["approval"])
        try:
            run = client.invoke("approval", {"topic": "python"}, timeout=30)
        finally:
            handler.stop()
        assert run["output"]["status"] == "revised"
        assert run["output"]["text"].endswith("(revised: Approve this draft?)")
        with pytest.raises(FailedPrecondition, match="already answered"):
            client.answer_feedback(handler.answered[0], {"approved": True})


async def test_async_client(daemon_address: str) -> None:
    async with AsyncClient(daemon_address) as client:
        run = await client.ainvoke("diamond", {"x": 2})
        assert run["output"] == "w1=6, w2=9, total=15"
        kinds = [e["kind"] async for e in client.astream("emitter", {"n": 1})]
        assert kinds == ["run_started", "worker_started", "custom", "worker_finished", "run_finished"]
        submitted = await client.asubmit("echo", {"async": True})
        assert (await client.await_run(submitted["id"]))["output"] == {"async": True}


def test_quickstart_example_runs(daemon_address: str) -> None:
    """examples/clients/python/quickstart.py, using only the package: invoke, stream, answer via a handler."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "examples" / "clients" / "python" / "quickstart.py"
    out = subprocess.run([sys.executable, str(script), daemon_address], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "invoke: w1=4, w2=6, total=10" in out
    assert out.count("worker_finished") == 4
    assert "approval: published" in out
