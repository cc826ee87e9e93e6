"""The shared conformance scenarios (test/conformance/scenarios.json), run with the Python client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentd import AgentdError, Client, RunFailed

SCENARIOS = json.loads((Path(__file__).resolve().parents[3] / "test" / "conformance" / "scenarios.json").read_text())["scenarios"]


def run_scenario(client: Client, scenario: dict) -> dict:
    """Performs the scenario's call and returns what the client saw: status, output, error, events."""
    call, agent, data = scenario["call"], scenario.get("agent", ""), scenario.get("input")
    timeout = scenario["timeout_ms"] / 1000 if "timeout_ms" in scenario else None
    try:
        if call == "invoke":
            run = client.invoke(agent, data, timeout=timeout)
        elif call == "stream":
            events = list(client.stream(agent, data, timeout=timeout))
            finished = events[-1]["run_finished"]
            return {"events": [e["kind"] for e in events], "status": finished["status"].replace("RUN_STATUS_", ""), "output": finished.get("output")}
        elif call == "submit_wait":
            run = client.wait(client.submit(agent, data)["id"])
        elif call == "submit_cancel":
            submitted = client.submit(agent, data)
            client.cancel(submitted["id"], "conformance")
            run = client.wait(submitted["id"], 10_000)
        elif call == "get_run":
            run = client.get_run(scenario["run_id"])
        elif call == "feedback":
            handler = client.handle_feedback(lambda request: scenario["answer"], agents=[agent], client_name="python-conformance")
            try:
                run = client.invoke(agent, data, timeout=30)
            finally:
                handler.stop()
        else:
            raise AssertionError(f"unknown call {call}")
    except RunFailed as failed:
        run = failed.run
    except AgentdError as error:
        return {"error": error.code.name, "message": error.details}
    return {"status": run["status"], "output": run.get("output"), "message": (run.get("error") or {}).get("message", "")}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_conformance(daemon_address: str, scenario: dict) -> None:
    with Client(daemon_address) as client:
        seen = run_scenario(client, scenario)
    expect = scenario["expect"]
    if "error" in expect:
        assert seen.get("error") == expect["error"], seen
    else:
        assert seen.get("status") == expect["status"], seen
    if "output" in expect:
        assert seen["output"] == expect["output"]
    if "events" in expect:
        assert seen["events"] == expect["events"]
    if "error_contains" in expect:
        assert expect["error_contains"] in seen.get("message", ""), seen
