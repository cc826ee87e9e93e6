"""Load from the Python client: `python_load.py ADDRESS AGENT CONCURRENCY TOTAL` prints invokes per second."""

import asyncio
import sys
import time

from agentd.aio import AsyncClient


async def main(address: str, agent: str, concurrency: int, total: int) -> None:
    async with AsyncClient(address) as client:
        payload = {"hello": "world", "n": 1}
        for _ in range(200):
            await client.ainvoke(agent, payload)
        remaining = total

        async def caller() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await client.ainvoke(agent, payload)

        start = time.perf_counter()
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        print(f"{total / (time.perf_counter() - start):.1f}")


asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
