import json
from dataclasses import dataclass

from grootboek.client.checkpoint import FileCheckpointer, InMemoryCheckpointer
from grootboek.client.protocol import seek


@dataclass
class Event:
    block_number: int
    transaction_id: str


def test_block_checkpoint_resumes_at_the_next_block():
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(41)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (42, "")
    position, after = seek.start_position(checkpoint=checkpointer)
    assert position.specified.number == 42 and after == ""


def test_event_checkpoint_resumes_in_the_same_block_after_the_transaction():
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_chaincode_event(Event(7, "tx-a"))
    position, after = seek.start_position(start_block=3, checkpoint=checkpointer)
    assert position.specified.number == 7 and after == "tx-a"


def test_empty_checkpoint_falls_back_to_start_block_then_next_commit():
    empty = InMemoryCheckpointer()
    position, _ = seek.start_position(start_block=5, checkpoint=empty)
    assert position.specified.number == 5
    position, _ = seek.start_position(checkpoint=empty)
    assert position.WhichOneof("Type") == "next_commit"


def test_file_checkpointer_survives_a_restart_in_the_go_clients_format(tmp_path):
    path = tmp_path / "listener.json"
    first = FileCheckpointer(path)
    assert (first.block_number, first.transaction_id) == (0, "")
    first.checkpoint_chaincode_event(Event(12, "tx-b"))
    assert json.loads(path.read_text()) == {"blockNumber": 12, "transactionId": "tx-b"}

    restarted = FileCheckpointer(path)
    assert (restarted.block_number, restarted.transaction_id) == (12, "tx-b")
    restarted.checkpoint_block(12)
    assert (FileCheckpointer(path).block_number, FileCheckpointer(path).transaction_id) == (13, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["listener.json"]


def test_file_checkpointer_reads_files_written_by_the_go_client(tmp_path):
    path = tmp_path / "go.json"
    path.write_text('{"blockNumber":3,"transactionId":"abc"}')
    checkpointer = FileCheckpointer(path)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (3, "abc")
