"""Asynchronous client on grpc.aio: ainvoke, astream, asubmit, await_run, acancel, and the rest of the surface."""

from __future__ import annotations

from typing import Any, AsyncIterator

import grpc

from agentd._convert import status_name, to_dict, to_struct, to_value
from agentd._metadata import call_metadata
from agentd.client import _event, _run
from agentd.errors import RunFailed, from_rpc_error
from agentd.v1 import runtime_service_pb2 as pb, runtime_service_pb2_grpc as rpc


class AsyncClient:
    def __init__(self, address: str = "localhost:50051", *, metadata: dict[str, str] | None = None) -> None:
        self._channel = grpc.aio.insecure_channel(address)
        self._stub = rpc.AgentRuntimeStub(self._channel)
        self._metadata = metadata

    async def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        try:
            return await getattr(self._stub, method)(request, timeout=timeout, metadata=call_metadata(self._metadata))
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None

    async def ainvoke(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, timeout: float | None = None) -> dict:
        run = _run(await self._call("Invoke", pb.InvokeRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config)), timeout))
        if run["status"] != "SUCCEEDED":
            raise RunFailed(run)
        return run

    async def astream(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, timeout: float | None = None) -> AsyncIterator[dict]:
        call = self._stub.Stream(pb.StreamRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config)), timeout=timeout, metadata=call_metadata(self._metadata))
        try:
            async for message in call:
                yield _event(message)
        except grpc.aio.AioRpcError as error:
            raise from_rpc_error(error) from None
        finally:
            call.cancel()

    async def asubmit(self, agent: str, input: Any = None, *, session_id: str = "", config: dict | None = None, idempotency_key: str = "") -> dict:
        return _run(await self._call("Submit", pb.SubmitRequest(agent=agent, session_id=session_id, input=to_value(input), config=to_struct(config), idempotency_key=idempotency_key)))

    async def await_run(self, run_id: str, timeout_ms: int = 0) -> dict:
        return _run(await self._call("WaitRun", pb.WaitRunRequest(run_id=run_id, timeout_ms=timeout_ms)))

    async def aget_run(self, run_id: str) -> dict:
        return _run(await self._call("GetRun", pb.GetRunRequest(run_id=run_id)))

    async def acancel(self, run_id: str, reason: str = "") -> dict:
        return _run(await self._call("CancelRun", pb.CancelRunRequest(run_id=run_id, reason=reason)))

    async def alist_agents(self) -> list[dict]:
        return [to_dict(a) for a in (await self._call("ListAgents", pb.ListAgentsRequest())).agents]

    async def aget_session(self, session_id: str) -> dict:
        return to_dict((await self._call("GetSession", pb.GetSessionRequest(session_id=session_id))).session)

    async def aput_item(self, namespace: list[str], key: str, value: Any) -> dict:
        return to_dict((await self._call("PutItem", pb.PutItemRequest(namespace=namespace, key=key, value=to_value(value)))).item)

    async def aget_item(self, namespace: list[str], key: str) -> dict:
        return to_dict((await self._call("GetItem", pb.GetItemRequest(namespace=namespace, key=key))).item)

    async def aanswer_feedback(self, request_id: str, data: Any, answered_by: str = "") -> None:
        await self._call("AnswerFeedback", pb.AnswerFeedbackRequest(request_id=request_id, data=to_value(data), answered_by=answered_by))

    async def close(self) -> None:
        await self._channel.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


__all__ = ["AsyncClient", "status_name"]
