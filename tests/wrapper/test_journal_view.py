"""`JournalView`: a batch's journal read without its lock, and without writing to it."""

from __future__ import annotations

import pytest
from imagegen._errors import InvalidRequestError
from imagegen._journal import Journal, JournalView, encode_item


def _journal_with_states(path):
    journal = Journal(path)
    journal.ingest(encode_item({"prompt": f"fox {n}"}) for n in range(5))
    journal.sending(0, "acct", 1.0)
    journal.created(0, "00000000-0000-4000-8000-000000000000", 2)
    journal.done(0, [])
    journal.sending(1, "acct", 2.0)
    journal.created(1, "00000000-0000-4000-8000-000000000001", 1)
    journal.failed(1, "INVALID_IMAGE", "bad", retry_from="queued")
    journal.failed(2, "INSUFFICIENT_CREDITS", "short", retry_from="queued")
    journal.failed(3, "INVALID_IMAGE", "bad", retry_from="queued")
    return journal


def test_it_reads_while_a_run_holds_the_journal_and_takes_no_lock(tmp_path):
    path = tmp_path / "batch.sqlite3"
    journal = _journal_with_states(path)
    try:
        with JournalView(path) as view:
            assert view.counts() == {
                "queued": 1,
                "sending": 0,
                "created": 0,
                "done": 1,
                "failed": 3,
            }
            assert view.credits() == 3
            assert view.credits_by_state()["done"] == 2
            assert view.credits_by_state()["failed"] == 1
            assert view.failed_codes() == {"INVALID_IMAGE": 2, "INSUFFICIENT_CREDITS": 1}
            # A step the run takes now is seen by the open view (WAL: the last commit).
            journal.done(4, [])
            assert view.counts()["done"] == 2
    finally:
        journal.close()
    # The view held no lock: the next run opens the journal while a view is open.
    with JournalView(path) as view:
        again = Journal(path)
        again.close()
        assert view.counts()["done"] == 2


def test_it_writes_nothing(tmp_path):
    path = tmp_path / "batch.sqlite3"
    _journal_with_states(path).close()
    before = path.read_bytes()
    with JournalView(path) as view:
        view.counts()
        with pytest.raises(Exception, match="readonly"):
            view._db.execute("DELETE FROM items")
    assert path.read_bytes() == before


def test_no_journal_yet_is_none_and_an_empty_database_has_no_items(tmp_path):
    import sqlite3

    assert JournalView.open(tmp_path / "missing.sqlite3") is None
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE other (x)").connection.close()
    view = JournalView.open(empty)
    assert view is not None
    with view:
        assert sum(view.counts().values()) == 0
        assert view.credits() == 0
        assert view.failed_codes() == {}


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to have a header of sorts\n" * 10)
    with pytest.raises(InvalidRequestError, match="cannot be read as SQLite") as caught:
        JournalView(path)
    assert caught.value.field == "journal"
