"""Starts a real agentd daemon (bin/agentd serve on a free port, embedded database in a temp dir) for the tests."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def daemon_address() -> str:
    data_dir = tempfile.mkdtemp(prefix="agentd-py-")
    env = {**os.environ, "AGENTD_DATA_DIR": data_dir, "DATABASE_URL": "", "AGENTD_LOG_LEVEL": "warn"}
    process = subprocess.Popen(
        [str(ROOT / "bin" / "agentd"), "serve", "--port", "0", "--agents", str(ROOT / "examples" / "agents"), "--agents", str(ROOT / "test" / "fixtures" / "agents")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    deadline = time.time() + 60
    address = None
    while time.time() < deadline and address is None:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise RuntimeError("agentd exited before it was listening")
        match = re.search(r"agentd listening on (\S+)", line)
        if match:
            address = match.group(1)
    if address is None:
        process.kill()
        raise RuntimeError("agentd did not start within 60 s")
    yield address
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture(scope="session")
def scenarios() -> list[dict]:
    import json

    return json.loads((ROOT / "test" / "conformance" / "scenarios.json").read_text())["scenarios"]
