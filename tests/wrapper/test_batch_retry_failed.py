"""`client.batch(..., retry_failed=True)` sends an item whose generation ended failed again
(waiting for that generation once more could only fail again), and keeps waiting by id for
one that may still succeed."""

from __future__ import annotations

import sqlite3

from imagegen._journal import Journal, encode_item


def test_a_failed_generation_is_sent_again(imagegen_sandbox, tmp_path):
    client = imagegen_sandbox.client()
    # The first look at the first generation says it failed (it goes on at the server).
    imagegen_sandbox.control.add_fault("getImage", "status_value", value="failed", times=1)
    first = list(client.batch(["a fox", "a cat"], out=tmp_path))
    assert [item.status for item in first] == ["failed", "done"]
    failed_id = first[0].generation_id
    assert failed_id is not None

    assert list(client.batch(["a fox", "a cat"], out=tmp_path)) == []  # failed stays failed
    [retried] = client.batch(["a fox", "a cat"], out=tmp_path, retry_failed=True)
    assert retried.ok
    assert retried.generation_id != failed_id  # a new create, not a wait for the failed one
    assert len(imagegen_sandbox.control.generations()) == 3


def test_retry_failed_by_how_each_item_failed(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    try:
        journal.ingest(encode_item({"prompt": f"item {n}"}) for n in range(4))
        ids = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(4)]
        # 0: the generation ended failed; 1: the wait timed out (it may still succeed);
        # 2: the create failed with no answer (it may have been made); 3: refused at create.
        for position in range(3):
            journal.sending(position, "acct", 1.0)
        journal.created(0, ids[0], 1)
        journal.failed(0, "INVALID_IMAGE", "failed", generation_failed=True)
        journal.created(1, ids[1], 1)
        journal.failed(1, "WaitTimeoutError", "timed out")
        journal.failed(2, "APIConnectionError", "no answer")
        journal.failed(3, "INSUFFICIENT_CREDITS", "short")
        assert journal.retry_failed() == 4
    finally:
        journal.close()
    rows = sqlite3.connect(path).execute(
        "SELECT state, generation_id, code, generation_failed FROM items ORDER BY position"
    )
    assert list(rows) == [
        ("queued", None, None, 0),
        ("created", ids[1], None, 0),
        ("sending", None, None, 0),
        ("queued", None, None, 0),
    ]


def test_a_journal_of_the_first_version_gains_the_column(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE items (position INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, "
        "request TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued', account TEXT, "
        "sent_at REAL, generation_id TEXT, credits INTEGER, paths TEXT, code TEXT, "
        "message TEXT);"
    )
    db.close()
    journal = Journal(path)
    try:
        journal.ingest([encode_item({"prompt": "a fox"})])
        journal.failed(0, "INVALID_IMAGE", "failed", generation_failed=True)
        assert journal.counts()["failed"] == 1
    finally:
        journal.close()
