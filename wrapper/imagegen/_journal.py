"""A batch's journal: each item's state, in a SQLite file, written before each step it names.

    queued --(about to send the create)--> sending --(answered)--> created --(saved)--> done
       \\                                    \\                        \\
        `----------------------------------- `------------------------ `--> failed (with code)

A step is recorded before it is taken, so a process killed at any moment leaves each item in a
state that says what to do next: `queued` (send it), `sending` (a create may have been made:
look for it in listImages before sending anything; `sent_at` bounds when), `created` (wait for
it by its id, on the account that made it), `done` (its `paths` are saved), `failed` (its
`code`; `retry_failed` puts it back in the state its failure said a retry starts from). Each
change is one SQLite statement, committed before the step: WAL mode, so a SIGKILL loses
nothing committed (a power cut may lose the last few: `synchronous=NORMAL`, traded for a write
per step without an fsync).

Items are kept as given (`encode_item`, JSON: paths as paths, bytes as base64), with the
SHA-256 of that text: the same command run again must give the same items in the same order,
else the journal is for another batch and nothing runs. One process at a time may run a journal:
it holds an exclusive lock on `<journal>.lock` (released by the system however the process
ends), so two runs cannot both send an item's create.

Constant memory: items go in as they are read, a few hundred per transaction; each next item
is one indexed query; SQLite's page cache is held to 256 KiB (its default, 2 MiB, would fill as
the journal grows).

`JournalView` reads a journal without its lock (read-only SQLite): how a batch stands, for a
program showing it (`imagegen batch`) before, after or while a run holds the journal.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from ._errors import InvalidRequestError

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "JOURNAL_NAME",
    "Journal",
    "JournalItem",
    "JournalView",
    "decode_item",
    "encode_item",
]

# The journal's file in the output directory, unless another is given.
JOURNAL_NAME = "imagegen-batch.sqlite3"
_INGEST_CHUNK = 500
# SQLite's page cache, in KiB (its default is 2,000).
_CACHE_KIB = 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    position INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    account TEXT,
    sent_at REAL,
    generation_id TEXT,
    credits INTEGER,
    paths TEXT,
    code TEXT,
    message TEXT,
    retry_from TEXT
);
CREATE INDEX IF NOT EXISTS items_by_state ON items (state, position);
CREATE INDEX IF NOT EXISTS items_by_account ON items (account, state, position);
CREATE INDEX IF NOT EXISTS items_by_generation ON items (generation_id);
CREATE TABLE IF NOT EXISTS batch (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class JournalItem(NamedTuple):
    """One item as the journal has it, when it is taken to work on."""

    position: int
    request: dict[str, Any]
    state: str
    generation_id: str | None
    sent_at: float | None
    credits: int


class Journal:
    """The journal at `path`, opened (and locked) for one run of its batch."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import sqlite3  # here: `import imagegen` does not pay for it

        self.path = Path(path)
        self._lock_file = _lock(self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            # A small page cache, so the journal's memory does not grow with the batch: the
            # ingest touches every page, and SQLite's default cache (2 MiB) keeps them, about
            # 180 KiB per 1,000 short items, up to its 2 MiB at some 11,000 (bench figure 7).
            # A step needs a few pages of the table and its indexes, not the whole file.
            self._db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            self._lock_file.close()
            raise InvalidRequestError(
                f"the batch journal {str(self.path)!r} cannot be opened as SQLite ({exc}): "
                "give another journal path, or move that file away",
                field="journal",
            ) from None

    # -- the items -----------------------------------------------------------------------

    def ingest(self, encoded: Iterable[str]) -> int:
        """Record the batch's items (each `encode_item`'s text) as queued, in order; items the
        journal has already must be the same. Returns how many there are."""
        count = 0
        chunk: list[tuple[int, str, str]] = []
        for text in encoded:
            chunk.append((count, hashlib.sha256(text.encode()).hexdigest(), text))
            count += 1
            if len(chunk) >= _INGEST_CHUNK:
                self._ingest_chunk(chunk)
                chunk = []
        if chunk:
            self._ingest_chunk(chunk)
        (held,) = self._db.execute("SELECT count(*) FROM items").fetchone()
        if held > count:
            raise self._other_batch(f"it holds {held} items and this batch has {count}")
        return count

    def _ingest_chunk(self, chunk: list[tuple[int, str, str]]) -> None:
        first, last = chunk[0][0], chunk[-1][0]
        with self._transaction():
            known = dict(
                self._db.execute(
                    "SELECT position, fingerprint FROM items WHERE position BETWEEN ? AND ?",
                    (first, last),
                ).fetchall()
            )
            for position, fingerprint, text in chunk:
                if position not in known:
                    self._db.execute(
                        "INSERT INTO items (position, fingerprint, request) VALUES (?, ?, ?)",
                        (position, fingerprint, text),
                    )
                elif known[position] != fingerprint:
                    raise self._other_batch(f"item {position + 1} differs")

    def _other_batch(self, why: str) -> InvalidRequestError:
        return InvalidRequestError(
            f"the batch journal {str(self.path)!r} is of another batch ({why}): run the same "
            "items in the same order to resume it, or give a new output directory (or journal)",
            field="journal",
        )

    def check_out(self, directory: Path) -> None:
        """The journal's batch saves into one directory: the first run records it, and a run
        saving elsewhere is refused (its done items' files are not there)."""
        mine = str(directory.resolve())
        self._db.execute("INSERT OR IGNORE INTO batch (name, value) VALUES ('out', ?)", (mine,))
        (recorded,) = self._db.execute("SELECT value FROM batch WHERE name = 'out'").fetchone()
        if recorded != mine:
            raise InvalidRequestError(
                f"the batch journal {str(self.path)!r} is of the batch saving into {recorded!r}, "
                f"not {mine!r}: give that output directory, or a new journal",
                field="journal",
            )

    def retry_failed(self) -> int:
        """Put each failed item back in the state its failure said a retry starts from
        (`failed`'s `retry_from`). Returns how many."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE items SET state = retry_from, "
                "generation_id = CASE WHEN retry_from = 'queued' THEN NULL ELSE generation_id END, "
                "code = NULL, message = NULL, retry_from = NULL "
                "WHERE state = 'failed'"
            )
        return cursor.rowcount

    def next_item(self, account: str) -> JournalItem | None:
        """The next item for the worker of `account`: its own unfinished creates first (their
        generations hold the account's one slot), oldest first; then the next queued item."""
        row = self._db.execute(
            "SELECT position, request, state, generation_id, sent_at, credits FROM items "
            "WHERE account = ? AND state IN ('created', 'sending') "
            "ORDER BY state = 'sending', position LIMIT 1",
            (account,),
        ).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT position, request, state, generation_id, sent_at, credits FROM items "
                "WHERE state = 'queued' ORDER BY position LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        position, request, state, generation_id, sent_at, credits = row
        return JournalItem(
            position, decode_item(request), state, generation_id, sent_at, credits or 0
        )

    def sent_since(self, account: str, since: float) -> list[float]:
        """When the creates `account` sent for this batch after `since` were sent (epoch)."""
        rows = self._db.execute(
            "SELECT sent_at FROM items WHERE account = ? AND sent_at > ?", (account, since)
        )
        return [float(row[0]) for row in rows]

    # -- the steps ----------------------------------------------------------------------

    def sending(self, position: int, account: str, sent_at: float) -> None:
        self._set(position, state="sending", account=account, sent_at=sent_at)

    def created(self, position: int, generation_id: str, credits: int) -> None:
        self._set(position, state="created", generation_id=generation_id, credits=credits)

    def done(self, position: int, paths: Collection[Path]) -> None:
        self._set(position, state="done", paths=json.dumps([str(path) for path in paths]))

    def failed(self, position: int, code: str, message: str, *, retry_from: str) -> None:
        """The item failed with `code`; a retry (`retry_failed`) starts again from `retry_from`:
        `created` (its generation may yet be saved: wait for it by id), `sending` (a create was
        sent and may have made one: look for it first) or `queued` (nothing to pick up)."""
        self._set(position, state="failed", code=code, message=message, retry_from=retry_from)

    def _set(self, position: int, **values: Any) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)
        self._db.execute(
            f"UPDATE items SET {columns} WHERE position = ?",  # noqa: S608 - our column names
            (*values.values(), position),
        )

    # -- what it says ---------------------------------------------------------------------

    def known(self, generation_ids: Collection[str]) -> set[str]:
        """Those of `generation_ids` that items of this journal made."""
        found: set[str] = set()
        ids = list(generation_ids)
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            found.update(
                row[0]
                for row in self._db.execute(
                    f"SELECT generation_id FROM items WHERE generation_id IN ({marks})",  # noqa: S608
                    part,
                )
            )
        return found

    def counts(self) -> dict[str, int]:
        """How many items are in each state (every state named, 0 if none)."""
        return _counts(self._db)

    def credits(self) -> int:
        """Credits the batch's generations cost (refunds of failed ones not counted off)."""
        return _credits(self._db)

    def waiting_on_other_accounts(self, accounts: Collection[str]) -> int:
        """Items made (or maybe made) by an account none of `accounts` is: a run without that
        account's key cannot finish them."""
        rows = self._db.execute(
            "SELECT account, count(*) FROM items WHERE state IN ('created', 'sending') "
            "GROUP BY account"
        )
        return sum(count for account, count in rows if account not in accounts)

    def close(self) -> None:
        self._db.close()
        self._lock_file.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class JournalView:
    """A look at a batch's journal that takes no lock and writes nothing (SQLite's `mode=ro`):
    how the batch stands, for a program that shows it before or after a run, or while one
    runs (WAL: a reader sees the last committed step and never blocks the writer).

    `JournalView.open(path)` is None when there is no journal there yet."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import sqlite3

        self.path = Path(path)
        try:
            self._db = sqlite3.connect(
                self.path.absolute().as_uri() + "?mode=ro", uri=True, timeout=30.0
            )
            (tables,) = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'items'"
            ).fetchone()
        except sqlite3.Error as exc:
            raise InvalidRequestError(
                f"the batch journal {str(self.path)!r} cannot be read as SQLite ({exc}): "
                "give another journal path, or move that file away",
                field="journal",
            ) from None
        self._empty = not tables  # made, but no item was ever recorded

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> JournalView | None:
        return cls(path) if Path(path).is_file() else None

    def counts(self) -> dict[str, int]:
        """How many items are in each state (every state named, 0 if none)."""
        return _counts(None if self._empty else self._db)

    def credits(self) -> int:
        """Credits the batch's generations cost (refunds of failed ones not counted off)."""
        return 0 if self._empty else _credits(self._db)

    def credits_by_state(self) -> dict[str, int]:
        """The credits of `credits()`, by the state of their items."""
        totals = dict.fromkeys(_STATES, 0)
        if not self._empty:
            totals.update(
                self._db.execute(
                    "SELECT state, coalesce(sum(credits), 0) FROM items GROUP BY state"
                )
            )
        return totals

    def failed_codes(self) -> dict[str, int]:
        """How many failed items there are with each code, most first."""
        if self._empty:
            return {}
        rows = self._db.execute(
            "SELECT coalesce(code, '?'), count(*) AS n FROM items WHERE state = 'failed' "
            "GROUP BY code ORDER BY n DESC, code"
        )
        return {str(code): int(count) for code, count in rows}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JournalView:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


_STATES = ("queued", "sending", "created", "done", "failed")


def _counts(db: sqlite3.Connection | None) -> dict[str, int]:
    counts = dict.fromkeys(_STATES, 0)
    if db is not None:
        counts.update(db.execute("SELECT state, count(*) FROM items GROUP BY state"))
    return counts


def _credits(db: sqlite3.Connection) -> int:
    (total,) = db.execute("SELECT coalesce(sum(credits), 0) FROM items").fetchone()
    return int(total)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def _lock(path: Path) -> IO[bytes]:
    """Hold `<path>.lock` exclusively, or say which batch holds it."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a+b")
    except OSError as exc:
        raise InvalidRequestError(
            f"the batch journal's lock {str(lock_path)!r} cannot be made ({exc.strerror}): "
            "give a journal path in a directory you may write",
            field="journal",
        ) from None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; one run at a time is up to you
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise InvalidRequestError(
            f"another run of this batch holds its journal {str(path)!r}: wait for it to end "
            "(two runs of one batch could both create an item), or give another journal",
            field="journal",
        ) from None
    return handle


# -- items as text ------------------------------------------------------------------------


def encode_item(kwargs: Mapping[str, Any]) -> str:
    """A `generate()` arguments dict as canonical JSON: local images by path (read when the item
    is sent), bytes as base64, enums by value."""
    encoded = dict(kwargs)
    images = encoded.get("images")
    if images is not None:
        encoded["images"] = [_encode_image(image) for image in images]
    return json.dumps(encoded, sort_keys=True, separators=(",", ":"), default=_plain)


def decode_item(text: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = json.loads(text)
    images = kwargs.get("images")
    if images is not None:
        kwargs["images"] = [_decode_image(image) for image in images]
    return kwargs


def _encode_image(image: Any) -> Any:
    if isinstance(image, str):
        return image
    if isinstance(image, os.PathLike):
        return {"path": os.fspath(image)}
    if isinstance(image, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(image)).decode("ascii")}
    return image  # refused by validation, which has run before


def _decode_image(image: Any) -> Any:
    if isinstance(image, dict) and "path" in image:
        return Path(image["path"])
    if isinstance(image, dict) and "base64" in image:
        return base64.b64decode(image["base64"])
    return image


def _plain(value: Any) -> Any:
    enum_value = getattr(value, "value", None)
    if isinstance(enum_value, str | int):
        return enum_value
    raise TypeError(f"{type(value).__name__} is not JSON")


def iter_partial_files(directory: Path) -> Iterator[tuple[Path, str]]:
    """The temporary files of downloads in `directory` (`.<id>-<index>-<random>.part`), with
    the generation id each is of: what a process killed mid-download leaves."""
    import re

    pattern = re.compile(r"\.([0-9a-fA-F-]{36})-\d+-[0-9a-f]+\.part")
    for path in directory.glob(".*.part"):
        match = pattern.fullmatch(path.name)
        if match:
            yield path, match.group(1)
