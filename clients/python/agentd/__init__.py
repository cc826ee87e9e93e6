"""agentd: Python helpers for the agentd agent-runtime daemon.

`agentd.worker` turns a Python function into an agentd process worker (docs/worker-protocol.md).
"""
