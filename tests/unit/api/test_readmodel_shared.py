"""Several gateway instances ingesting into one PostgreSQL read model (api/readmodel/): two stores
taking the same blocks at the same moment count each block once. The race is made to happen: the
test holds the checkpoint's row lock while both instances ask for the same block, sees both of them
waiting on it in the server's own activity view, and lets them go. A store whose connection the
server ends takes the next block on a new one."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from grootboek.api.readmodel.backends import APPLICATION_NAME, DatabaseUnavailable, Postgres
from grootboek.api.readmodel.reports import Reports
from grootboek.api.readmodel.store import READERS, Store
from grootboek.network.nodes.readiness import wait_for

from tests import readmodel_blocks as built
from .test_readmodel import EXPECTED, ledger, totals


@pytest.fixture
def database(postgres_server) -> tuple[Postgres, str]:
    name = postgres_server.new_database()
    return Postgres(postgres_server.url(name), postgres_server.password()), name


def waiting_on_a_lock(server, name: str) -> int:
    """How many of the read model's connections to the database wait for a lock now."""
    with server.connect() as admin:
        return admin.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s "
                             "AND wait_event_type = 'Lock'", (name, APPLICATION_NAME)).fetchone()[0]


def test_two_instances_asking_for_the_same_block_at_once_take_it_once(postgres_server, database):
    backend, name = database
    blocks, _ = ledger()
    instances = [Store(backend, built.CHAINCODE), Store(backend, built.CHAINCODE)]
    for block in blocks[:2]:
        instances[0].apply(block)
    holder = postgres_server.connect(name)
    holder.execute("BEGIN")
    holder.execute("SELECT next_block FROM checkpoint FOR UPDATE")  # what an instance taking a block holds
    with ThreadPoolExecutor(2) as pool:
        applied = [pool.submit(instance.apply, blocks[2]) for instance in instances]
        # Both are inside their transaction, at the checkpoint's lock, for the same block.
        wait_for(lambda: waiting_on_a_lock(postgres_server, name) == 2, "both instances waiting on the checkpoint")
        holder.execute("ROLLBACK")
        outcomes = sorted(future.result(timeout=30) for future in applied)
    holder.close()
    assert outcomes == [False, True]  # the second found the checkpoint moved when the lock was its turn
    assert instances[1].query("SELECT COUNT(*) FROM transactions WHERE block = 2") == [(3,)]
    for block in blocks[3:]:
        instances[1].apply(block)
    assert totals(Reports(instances[0], min_budgets=1)) == EXPECTED
    for instance in instances:
        instance.close()


def test_two_instances_racing_through_a_ledger_count_what_one_counts(database):
    backend, _ = database
    blocks, _ = ledger()
    instances = [Store(backend, built.CHAINCODE), Store(backend, built.CHAINCODE)]
    start = threading.Barrier(2)
    taken: list[list[bool]] = [[], []]

    def ingest(index: int) -> None:
        for block in blocks:
            start.wait(timeout=30)  # both at the same block each time
            taken[index].append(instances[index].apply(block))

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(ingest, index) for index in range(2)]:
            done.result(timeout=60)
    assert [a + b for a, b in zip(*taken)] == [1] * len(blocks)  # each block taken by exactly one of them
    assert totals(Reports(instances[1], min_budgets=1)) == EXPECTED
    assert instances[0].query("SELECT id FROM transactions GROUP BY id HAVING COUNT(*) > 1") == []
    for instance in instances:
        instance.close()


def test_a_store_whose_connection_the_server_ended_goes_on_with_a_new_one(postgres_server, database):
    backend, name = database
    blocks, _ = ledger()
    store = Store(backend, built.CHAINCODE)
    store.apply(blocks[0])
    with postgres_server.connect() as admin:  # as a server restart or an administrator does
        ended = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                              "AND application_name = %s", (name, APPLICATION_NAME)).fetchall()
    assert ended == [(True,)]
    with pytest.raises(DatabaseUnavailable, match="lost its connection"):
        store.apply(blocks[1])  # the block the cut connection was taking: not taken
    for block in blocks[1:]:
        store.apply(block)
    assert totals(Reports(store, min_budgets=1)) == EXPECTED
    with postgres_server.connect() as admin:  # ended while idle: a read is made again on a new one
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                      "AND application_name = %s", (name, APPLICATION_NAME))
    assert store.next_block() == len(blocks)
    store.close()


def test_a_database_that_stops_answering_holds_only_the_readers(postgres_server, database):
    """Reads wait on a lock somebody holds, as on a database that stopped answering: READERS of them
    wait, the next is refused (503 DATABASE_UNAVAILABLE) instead of taking another of the gateway's
    threads, and the waiting ones go on once the lock is let go. The server itself ends a lock wait
    after the session's lock_timeout."""
    backend, name = database
    store = Store(backend, built.CHAINCODE)
    assert store.query("SHOW lock_timeout") == [("10s",)]
    holder = postgres_server.connect(name)
    holder.execute("BEGIN")
    holder.execute("LOCK TABLE checkpoint IN ACCESS EXCLUSIVE MODE")
    with ThreadPoolExecutor(READERS) as pool:
        waiting = [pool.submit(store.next_block) for _ in range(READERS)]
        wait_for(lambda: waiting_on_a_lock(postgres_server, name) == READERS, "every reader waiting on the lock")
        with pytest.raises(DatabaseUnavailable, match=f"{READERS} reads of the read model at postgresql://"):
            store.next_block()
        holder.execute("ROLLBACK")
        assert [read.result(timeout=30) for read in waiting] == [0] * READERS
    holder.close()
    store.close()


def test_a_store_made_while_its_server_is_down_takes_the_blocks_once_it_is_up(postgres_server, database):
    """A gateway starts while its PostgreSQL server is down: the store connects at first use. Until the
    server is up, using it raises DatabaseUnavailable (503 DATABASE_UNAVAILABLE); an outage later costs
    the block it cut, which is taken again after it."""
    backend, _ = database
    blocks, _ = ledger()
    with postgres_server.down():
        store = Store(backend, built.CHAINCODE)
        with pytest.raises(DatabaseUnavailable, match=f"connecting to the read model's database at {backend.where}"):
            store.next_block()
    store.apply(blocks[0])
    with postgres_server.down():
        with pytest.raises(DatabaseUnavailable, match="lost its connection"):
            store.apply(blocks[1])
    assert store.next_block() == 1
    for block in blocks[1:]:
        store.apply(block)
    assert totals(Reports(store, min_budgets=1)) == EXPECTED
    store.close()
