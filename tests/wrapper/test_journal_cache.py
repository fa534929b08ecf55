"""The batch journal's SQLite page cache stays small: SQLite's default (2 MiB) keeps every page
an ingest touched, so a batch's memory grew with its queue, up to 2 MiB (bench figure 7)."""

from __future__ import annotations

from pathlib import Path

from imagegen._journal import Journal, encode_item


def test_the_journal_caches_at_most_256_kib_whatever_the_queue(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        journal.ingest(encode_item({"prompt": f"study {index}"}) for index in range(2000))
        (cache,) = journal._db.execute("PRAGMA cache_size").fetchone()
        # Negative: KiB (positive would be pages).
        assert cache == -256
        assert journal.counts()["queued"] == 2000
    finally:
        journal.close()
