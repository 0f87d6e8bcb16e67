"""The compute pool's affinity: a client's requests go back to the process that ran its last one."""

from __future__ import annotations

import asyncio

from pathgrad.api.models import GraphRequest
from pathgrad.api.pool import Pool
from pathgrad.settings import Settings


def _served(pool: Pool) -> dict[str | None, list[int]]:
    """For each client, the pids of the idle processes whose last task was its own."""
    out: dict[str | None, list[int]] = {}
    for child in pool._idle:
        out.setdefault(child.last_client, []).append(child.pid)
    return out


def test_a_client_gets_back_the_process_that_ran_its_last_task() -> None:
    async def scenario() -> None:
        pool = Pool(Settings(), "compute", 2, 1, "compute_processes", "compute_processes")
        try:
            await pool.warm(2)
            request = GraphRequest(source="x = 1; y = x*x")
            assert (await pool.call("alice", "graph", request))[0] == 200
            (alice,) = _served(pool)["alice"]
            assert (await pool.call("bob", "graph", request))[0] == 200
            (bob,) = _served(pool)["bob"]
            assert bob != alice  # bob got the process that kept nothing of alice's
            for client in ("alice", "alice", "bob", "alice", "bob", "bob"):
                assert (await pool.call(client, "graph", request))[0] == 200
                assert _served(pool) == {"alice": [alice], "bob": [bob]}
        finally:
            pool.close()

    asyncio.run(scenario())


def test_without_its_own_process_idle_a_client_takes_another() -> None:
    """Affinity chooses among idle processes; it never makes a client wait for its own."""

    async def scenario() -> None:
        pool = Pool(Settings(), "compute", 3, 2, "compute_processes", "compute_processes")
        try:
            await pool.warm(1)  # one process, kept started
            request = GraphRequest(source="x = 1; y = x*x")
            await pool.call("alice", "graph", request)
            (alice,) = _served(pool)["alice"]
            held = await pool.lease("bob", wait=1.0)  # the only idle one: alice's
            assert held.pid == alice
            assert (await pool.call("alice", "graph", request))[0] == 200  # alice is served at once,
            assert len(pool.pids()) == 2  # by a second process
            pool.give_back(held, "bob")
        finally:
            pool.close()

    asyncio.run(scenario())
