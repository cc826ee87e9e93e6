"""agentd from Python: invoke, stream, and answer a human-in-the-loop request with a handler.

    pip install ./clients/python && python examples/clients/python/quickstart.py localhost:50051
"""

import sys

from agentd import Client

with Client(sys.argv[1] if len(sys.argv) > 1 else "localhost:50051") as client:
    print("invoke:", client.invoke("diamond", {"x": 1})["output"])
    print("stream:", " ".join(event["kind"] for event in client.stream("diamond", {"x": 1})))
    approver = client.handle_feedback(lambda request: {"approved": True}, agents=["approval"])
    print("approval:", client.invoke("approval", {"topic": "the refund"})["output"]["status"])
    approver.stop()
