"""Synchronous client: invoke, stream, submit/wait/cancel, sessions, checkpoints, store and feedback."""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterator

import grpc

from agentd._convert import status_name, to_dict, to_struct, to_value
from agentd._metadata import call_metadata
from agentd.errors import RunFailed, from_rpc_error
from agentd.v1 import feedback_pb2, runtime_service_pb2 as pb, runtime_service_pb2_grpc as rpc


def _run(message: Any) -> dict:
    run = to_dict(message.run)
    run["status"] = status_name(run["status"])
    return run


def _event(message: Any) -> dict:
    """A run event as a dict whose `kind` says which one it is (run_started, worker_finished, ...)."""
    event = to_dict(message.event)
    event["kind"] = message.event.WhichOneof("kind")
    return event


class Client:
    """A connection to an agentd daemon. Methods raise agentd.errors exceptions; invoke raises RunFailed."""

    def __init__(self, address: str = "localhost:50051", *, channel: grpc.Channel | None = None, metadata: dict[str, str] | None = None) -> None:
        self._channel = channel or grpc.insecure_channel(address)
        self._stub = rpc.AgentRuntimeStub(self._channel)
        self._metadata = metadata

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        try:
            return getattr(self._stub, method)(request, timeout=timeout, metadata=call_metadata(self._metadata))
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    # runs

    def invoke(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, timeout: float | None = None) -> dict:
        """Runs the agent to completion and returns the run; its result is run["output"]."""
        run = _run(self._call("Invoke", pb.InvokeRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config)), timeout))
        if run["status"] != "SUCCEEDED":
            raise RunFailed(run)
        return run

    def stream(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, timeout: float | None = None) -> Iterator[dict]:
        """Yields the run's events as they happen; closing the iterator cancels the run."""
        call = self._stub.Stream(pb.StreamRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config)), timeout=timeout, metadata=call_metadata(self._metadata))
        try:
            for message in call:
                yield _event(message)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        finally:
            call.cancel()

    def submit(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, idempotency_key: str = "") -> dict:
        request = pb.SubmitRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config), idempotency_key=idempotency_key)
        return _run(self._call("Submit", request))

    def wait(self, run_id: str, timeout_ms: int = 0) -> dict:
        return _run(self._call("WaitRun", pb.WaitRunRequest(run_id=run_id, timeout_ms=timeout_ms)))

    def get_run(self, run_id: str) -> dict:
        return _run(self._call("GetRun", pb.GetRunRequest(run_id=run_id)))

    def cancel(self, run_id: str, reason: str = "") -> dict:
        return _run(self._call("CancelRun", pb.CancelRunRequest(run_id=run_id, reason=reason)))

    def list_runs(self, *, session_id: str = "", agent: str = "", page_size: int = 0, page_token: str = "") -> dict:
        response = self._call("ListRuns", pb.ListRunsRequest(session_id=session_id, agent=agent, page_size=page_size, page_token=page_token))
        runs = [dict(to_dict(r), status=status_name(to_dict(r)["status"])) for r in response.runs]
        return {"runs": runs, "next_page_token": response.next_page_token}

    def list_agents(self) -> list[dict]:
        return [to_dict(a) for a in self._call("ListAgents", pb.ListAgentsRequest()).agents]

    # sessions and checkpoints

    def get_session(self, session_id: str) -> dict:
        return to_dict(self._call("GetSession", pb.GetSessionRequest(session_id=session_id)).session)

    def list_sessions(self, *, page_size: int = 0, page_token: str = "") -> dict:
        response = self._call("ListSessions", pb.ListSessionsRequest(page_size=page_size, page_token=page_token))
        return {"sessions": [to_dict(s) for s in response.sessions], "next_page_token": response.next_page_token}

    def delete_session(self, session_id: str) -> int:
        return self._call("DeleteSession", pb.DeleteSessionRequest(session_id=session_id)).cancelled_runs

    def get_state(self, *, session_id: str = "", checkpoint_id: str = "") -> dict:
        return to_dict(self._call("GetState", pb.GetStateRequest(session_id=session_id, checkpoint_id=checkpoint_id)).checkpoint)

    def list_checkpoints(self, *, session_id: str = "", run_id: str = "", page_size: int = 0, page_token: str = "") -> dict:
        response = self._call("ListCheckpoints", pb.ListCheckpointsRequest(session_id=session_id, run_id=run_id, page_size=page_size, page_token=page_token))
        return {"checkpoints": [to_dict(c) for c in response.checkpoints], "next_page_token": response.next_page_token}

    def fork(self, checkpoint_id: str, *, state_patch: dict | None = None, session_id: str = "") -> dict:
        return _run(self._call("ForkFromCheckpoint", pb.ForkFromCheckpointRequest(checkpoint_id=checkpoint_id, state_patch=to_struct(state_patch), session_id=session_id)))

    # store

    def put_item(self, namespace: list[str], key: str, value: Any) -> dict:
        return to_dict(self._call("PutItem", pb.PutItemRequest(namespace=namespace, key=key, value=to_value(value))).item)

    def get_item(self, namespace: list[str], key: str) -> dict:
        return to_dict(self._call("GetItem", pb.GetItemRequest(namespace=namespace, key=key)).item)

    def search_items(self, namespace_prefix: list[str], *, filter: dict | None = None, page_size: int = 0, page_token: str = "") -> dict:
        request = pb.SearchItemsRequest(namespace_prefix=namespace_prefix, filter=to_struct(filter), page_size=page_size, page_token=page_token)
        response = self._call("SearchItems", request)
        return {"items": [to_dict(i) for i in response.items], "next_page_token": response.next_page_token}

    def delete_item(self, namespace: list[str], key: str) -> None:
        self._call("DeleteItem", pb.DeleteItemRequest(namespace=namespace, key=key))

    # human in the loop

    def answer_feedback(self, request_id: str, data: Any, answered_by: str = "") -> None:
        self._call("AnswerFeedback", pb.AnswerFeedbackRequest(request_id=request_id, data=to_value(data), answered_by=answered_by))

    def handle_feedback(self, handler: Callable[[dict], Any], *, agents: list[str] | None = None, session_ids: list[str] | None = None, run_ids: list[str] | None = None, client_name: str = "python") -> "FeedbackHandler":
        """Keeps a Feedback stream open in a background thread and answers each request with handler(request).
        Returning None leaves a request unanswered. Call .stop() when done."""
        subscription = feedback_pb2.FeedbackSubscription(agents=agents or [], session_ids=session_ids or [], run_ids=run_ids or [], client_name=client_name)
        return FeedbackHandler(self._stub, subscription, handler, call_metadata(self._metadata))

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FeedbackHandler:
    """A background Feedback stream answering requests with a handler function."""

    def __init__(self, stub: rpc.AgentRuntimeStub, subscription: Any, handler: Callable[[dict], Any], metadata: list) -> None:
        self._outgoing: list[Any] = [pb.FeedbackRequest(subscribe=subscription)]
        self._ready = threading.Condition()
        self._stopped = False
        self._handler = handler
        self.answered: list[str] = []
        self._call = stub.Feedback(self._requests(), metadata=metadata)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _requests(self) -> Iterator[Any]:
        while True:
            with self._ready:
                while not self._outgoing and not self._stopped:
                    self._ready.wait()
                if self._stopped and not self._outgoing:
                    return
                message = self._outgoing.pop(0)
            yield message

    def _send(self, message: Any) -> None:
        with self._ready:
            self._outgoing.append(message)
            self._ready.notify()

    def _serve(self) -> None:
        try:
            for message in self._call:
                if message.WhichOneof("kind") != "request":
                    continue
                request = to_dict(message.request)
                answer = self._handler(request)
                if answer is not None:
                    self._send(pb.FeedbackRequest(answer=feedback_pb2.FeedbackAnswer(request_id=request["request_id"], data=to_value(answer))))
                    self.answered.append(request["request_id"])
        except grpc.RpcError:
            pass  # stopped, or the daemon went away

    def stop(self) -> None:
        with self._ready:
            self._stopped = True
            self._ready.notify()
        self._call.cancel()
        self._thread.join(timeout=5)
