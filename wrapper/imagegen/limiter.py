"""Limits shared by every client of one account: the create rate window and the lease.

The API allows, per account, 10 creates in any 60 seconds and one generation in progress at a
time. A client paces its own creates to that (`_pacing`), but several clients on one account
(worker processes, machines) each see only their own. A `Limiter` holds the account's state
where all of them see it:

- the rate window: `reserve` takes one create's place in the account's sliding window, or says
  how long until there is room (checking and taking in one step, so two processes cannot both
  take the last place); `move` puts the place at the moment the create was answered, which is
  no earlier than the server counted it, so no delay of a request on its way (a slow network, a
  loaded server) can make the server see more creates in a window than the client did;
- the lease: `acquire` takes one of the account's in-progress slots for a holder until a
  moment `ttl` seconds ahead, `renew` moves that moment on, `release` gives the slot back. A
  lease whose holder died is never renewed, so it ends by itself `ttl` after its last renewal:
  no lease is held forever.

Three backends, keyed by account id (getStatus's `accountId`), not by key, since the limits
are the account's and several keys can share one:

- `InProcessLimiter`: in memory, for the clients of one process (every client gets its own
  unless given one, which is how pacing always worked);
- `SQLiteLimiter`: a file on one machine, no server: stdlib `sqlite3`, each step one
  `BEGIN IMMEDIATE` transaction (the write lock is taken before the state is read);
- `RedisLimiter`: a Redis server, for several machines: each step one Lua script, which Redis
  runs atomically. Needs redis-py: `pip install 'imagegen-sdk[redis]'`.

`limiter_from_url` makes one from `sqlite:///PATH` or `redis://HOST:PORT/DB` (the value of
`limiter=` given as text, or of `IMAGEGEN_LIMITER_URL`).

Times are seconds given by the caller (`now`), never read here, so tests drive every backend
on a virtual clock. The shared backends are given the client's `Clock.time()` (epoch seconds,
comparable between processes and, with NTP, between machines; the pacing margin absorbs a
small skew), the in-process one its `monotonic()`.

The SQLite and Redis calls block. Each is one short transaction or one round trip (bounded by
a timeout: `busy_timeout` / `socket_timeout`), made before a create is sent and when a
generation's state is seen, so an `AsyncClient` makes them on its event loop: a few
milliseconds at most per create, against creates at most every 6 seconds. Waiting is never done
here: the pacing plans sleep on the client's clock between calls.

`import imagegen` imports none of this module's backends' libraries (sqlite3, redis): each is
imported when its limiter first connects.
"""

from __future__ import annotations

import collections
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from ._errors import InvalidRequestError, LimiterError

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "InProcessLimiter",
    "Limiter",
    "RedisLimiter",
    "SQLiteLimiter",
    "limiter_from_url",
]

LIMITER_URL_ENV = "IMAGEGEN_LIMITER_URL"
_URL_FORMS = (
    "sqlite:///PATH (a file on this machine, e.g. sqlite:////var/lib/app/imagegen.db) or "
    "redis://HOST:PORT/DB (e.g. redis://127.0.0.1:6379/0)"
)


@runtime_checkable
class Limiter(Protocol):
    """An account's create window and in-progress lease, wherever they are kept."""

    @property
    def shared(self) -> bool:
        """True when other processes see this state (then `now` is epoch seconds)."""
        ...

    def reserve(self, account: str, *, limit: int, window: float, now: float) -> float:
        """Take one create's place in `account`'s window of `window` seconds, if fewer than
        `limit` were taken in the last `window` seconds: 0.0. Else take nothing and return the
        seconds until the oldest place leaves the window."""
        ...

    def move(self, account: str, *, placed: float, now: float) -> None:
        """Move the place `reserve` took at `placed` to `now` (nothing if it is gone)."""
        ...

    def acquire(self, account: str, holder: str, *, slots: int, ttl: float, now: float) -> float:
        """Hold one of `account`'s `slots` in-progress slots for `holder` until `now + ttl`:
        0.0 once held (renewed if `holder` held it already). Else the seconds until the
        soonest lease of another holder ends by its TTL (it may be released sooner)."""
        ...

    def renew(self, account: str, holder: str, *, ttl: float, now: float) -> bool:
        """Move `holder`'s lease on to `now + ttl`; False if it had ended (expired or taken)."""
        ...

    def release(self, account: str, holder: str) -> None:
        """End `holder`'s lease (nothing if it holds none)."""
        ...


# -- in one process -----------------------------------------------------------------------


class InProcessLimiter:
    """The limits in memory: shared by the clients of this process that are given this one."""

    shared = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._creates: dict[str, collections.deque[float]] = {}
        self._leases: dict[str, dict[str, float]] = {}

    def reserve(self, account: str, *, limit: int, window: float, now: float) -> float:
        with self._lock:
            recent = self._creates.setdefault(account, collections.deque())
            while recent and now - recent[0] >= window:
                recent.popleft()
            if len(recent) < limit:
                recent.append(now)
                return 0.0
            return max(0.0, recent[0] + window - now)

    def move(self, account: str, *, placed: float, now: float) -> None:
        with self._lock:
            recent = self._creates.get(account)
            if recent is None or placed not in recent:
                return
            recent.remove(placed)
            # Kept in order: the oldest place is the first to leave the window.
            index = next((i for i, at in enumerate(recent) if at > now), len(recent))
            recent.insert(index, now)

    def acquire(self, account: str, holder: str, *, slots: int, ttl: float, now: float) -> float:
        with self._lock:
            leases = self._live(account, now)
            if holder in leases or len(leases) < slots:
                leases[holder] = now + ttl
                return 0.0
            return max(0.0, min(leases.values()) - now)

    def renew(self, account: str, holder: str, *, ttl: float, now: float) -> bool:
        with self._lock:
            leases = self._live(account, now)
            if holder not in leases:
                return False
            leases[holder] = now + ttl
            return True

    def release(self, account: str, holder: str) -> None:
        with self._lock:
            self._leases.get(account, {}).pop(holder, None)

    def _live(self, account: str, now: float) -> dict[str, float]:
        leases = self._leases.setdefault(account, {})
        for holder in [h for h, ends in leases.items() if ends <= now]:
            del leases[holder]
        return leases

    def __repr__(self) -> str:
        return "InProcessLimiter()"


# -- on one machine: SQLite ---------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS creates (account TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS creates_by_account ON creates (account, at);
CREATE TABLE IF NOT EXISTS leases (
    account TEXT NOT NULL,
    holder TEXT NOT NULL,
    ends REAL NOT NULL,
    PRIMARY KEY (account, holder)
);
"""


class SQLiteLimiter:
    """The limits in a SQLite file, for the processes of one machine (no server).

    Each step is one `BEGIN IMMEDIATE` transaction: the file's write lock is taken before the
    state is read, so no two processes decide on the same state. A process waits for the lock
    up to `busy_timeout` seconds. Not for a network file system (SQLite's locks are not
    reliable there): use Redis across machines.
    """

    shared = True

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        # A connection is not carried into a forked child: each process opens its own.
        if self._connection is None or self._pid != os.getpid():
            import sqlite3  # here: `import imagegen` does not pay for it

            connection = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout,
                isolation_level=None,  # autocommit: transactions are begun by hand
                check_same_thread=False,  # guarded by self._lock
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # No fsync per commit (WAL's NORMAL): every step is a write, and waiting clients
            # ask often, so with FULL each one held the write lock for a disk flush (a
            # millisecond or more) and a lease's release queued behind them. A process killed
            # loses nothing committed; a power cut may lose the last steps, which restarts
            # every process of the machine anyway.
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _transaction(self, steps: Any) -> Any:
        """Run `steps(connection)` in one BEGIN IMMEDIATE transaction; its result. SQLite's
        errors (a file that cannot be opened, a lock held past `busy_timeout`) are a
        `LimiterError`."""
        import sqlite3

        try:
            with self._lock:
                connection = self._connect()
                connection.execute("BEGIN IMMEDIATE")
                try:
                    result = steps(connection)
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                return result
        except sqlite3.Error as exc:
            raise LimiterError(f"the SQLite limiter {str(self.path)!r} failed: {exc}") from None

    def reserve(self, account: str, *, limit: int, window: float, now: float) -> float:
        def steps(db: sqlite3.Connection) -> float:
            db.execute("DELETE FROM creates WHERE account = ? AND at <= ?", (account, now - window))
            count, oldest = db.execute(
                "SELECT count(*), min(at) FROM creates WHERE account = ?", (account,)
            ).fetchone()
            if count < limit:
                db.execute("INSERT INTO creates (account, at) VALUES (?, ?)", (account, now))
                return 0.0
            return max(0.0, float(oldest) + window - now)

        result: float = self._transaction(steps)
        return result

    def move(self, account: str, *, placed: float, now: float) -> None:
        self._transaction(
            lambda db: db.execute(
                "UPDATE creates SET at = ? WHERE rowid = "
                "(SELECT rowid FROM creates WHERE account = ? AND at = ? LIMIT 1)",
                (now, account, placed),
            )
        )

    def acquire(self, account: str, holder: str, *, slots: int, ttl: float, now: float) -> float:
        def steps(db: sqlite3.Connection) -> float:
            db.execute("DELETE FROM leases WHERE account = ? AND ends <= ?", (account, now))
            rows = db.execute(
                "SELECT holder, ends FROM leases WHERE account = ?", (account,)
            ).fetchall()
            holders = {row[0]: float(row[1]) for row in rows}
            if holder in holders or len(holders) < slots:
                db.execute(
                    "INSERT OR REPLACE INTO leases (account, holder, ends) VALUES (?, ?, ?)",
                    (account, holder, now + ttl),
                )
                return 0.0
            return max(0.0, min(holders.values()) - now)

        result: float = self._transaction(steps)
        return result

    def renew(self, account: str, holder: str, *, ttl: float, now: float) -> bool:
        def steps(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE leases SET ends = ? WHERE account = ? AND holder = ? AND ends > ?",
                (now + ttl, account, holder, now),
            )
            return cursor.rowcount == 1

        result: bool = self._transaction(steps)
        return result

    def release(self, account: str, holder: str) -> None:
        self._transaction(
            lambda db: db.execute(
                "DELETE FROM leases WHERE account = ? AND holder = ?", (account, holder)
            )
        )

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __repr__(self) -> str:
        return f"SQLiteLimiter({str(self.path)!r})"


# -- across machines: Redis ---------------------------------------------------------------

# KEYS[1]: the account's window (a sorted set: member per create, score its moment).
# ARGV: limit, window, now, a member unique to this create.
_RESERVE = """
local limit, window, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
    return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""

# KEYS[1]: the account's window. ARGV: the moment a place was taken, the moment to move it to.
_MOVE = """
local taken = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if taken[1] then
    redis.call('ZADD', KEYS[1], ARGV[2], taken[1])
end
return 0
"""

# KEYS[1]: the account's leases (a sorted set: member per holder, score when its lease ends).
# ARGV: holder, slots, ttl, now.
_ACQUIRE = """
local slots, ttl, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < slots then
    redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
    redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000) + 1000)
    return '0'
end
local soonest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(soonest[2]) - now)
"""

# ARGV: holder, ttl, now.
_RENEW = """
local ttl, now = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000) + 1000)
return 1
"""


class RedisLimiter:
    """The limits in Redis, for processes on several machines.

    Each step is one Lua script, which Redis runs atomically. Keys are under `prefix`, one
    pair per account (`{account}` is a hash tag: both of an account's keys are in one slot of
    a cluster), each expiring on its own once unused. `url` is redis-py's
    (`redis://HOST:PORT/DB`, `rediss://` for TLS, a password as `redis://:PASSWORD@HOST`);
    each call gives up after `socket_timeout` seconds.
    """

    shared = True

    def __init__(
        self, url: str, *, prefix: str = "imagegen:limiter", socket_timeout: float = 5.0
    ) -> None:
        self._url = url
        self.prefix = prefix
        self.socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._scripts: dict[str, Any] | None = None

    def _script(self, name: str) -> Any:
        with self._lock:
            if self._scripts is None:
                redis = _import_redis()
                connection = redis.Redis.from_url(
                    self._url,
                    socket_timeout=self.socket_timeout,
                    socket_connect_timeout=self.socket_timeout,
                )
                self._connection = connection
                self._scripts = {
                    "reserve": connection.register_script(_RESERVE),
                    "move": connection.register_script(_MOVE),
                    "acquire": connection.register_script(_ACQUIRE),
                    "renew": connection.register_script(_RENEW),
                }
            return self._scripts[name]

    def _key(self, account: str, what: str) -> str:
        return f"{self.prefix}:{{{account}}}:{what}"

    def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        """Run one of the scripts; redis-py's errors (no server, a timeout, a refused password)
        are a `LimiterError` that names the server as the repr does (never the URL: it may
        hold a password)."""
        redis = _import_redis()
        try:
            return self._script(name)(keys=keys, args=args)
        except redis.RedisError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: Exception) -> LimiterError:
        words = str(exc)
        password = urlsplit(self._url).password
        if password:
            words = words.replace(password, "***")
        return LimiterError(f"the Redis limiter {self!r} failed: {type(exc).__name__}: {words}")

    def reserve(self, account: str, *, limit: int, window: float, now: float) -> float:
        import uuid

        member = f"{now!r}:{uuid.uuid4().hex}"
        answer = self._run(
            "reserve", [self._key(account, "window")], [limit, repr(window), repr(now), member]
        )
        return max(0.0, float(answer))

    def move(self, account: str, *, placed: float, now: float) -> None:
        self._run("move", [self._key(account, "window")], [repr(placed), repr(now)])

    def acquire(self, account: str, holder: str, *, slots: int, ttl: float, now: float) -> float:
        answer = self._run(
            "acquire", [self._key(account, "lease")], [holder, slots, repr(ttl), repr(now)]
        )
        return max(0.0, float(answer))

    def renew(self, account: str, holder: str, *, ttl: float, now: float) -> bool:
        answer = self._run("renew", [self._key(account, "lease")], [holder, repr(ttl), repr(now)])
        return int(answer) == 1

    def release(self, account: str, holder: str) -> None:
        redis = _import_redis()
        try:
            self._script("renew")  # connects, if this is the first call
            self._connection.zrem(self._key(account, "lease"), holder)
        except redis.RedisError as exc:
            raise self._failed(exc) from None

    def ping(self) -> None:
        """Reach the server once (connect, PING), as the first create would: a `LimiterError`
        if it cannot be reached."""
        redis = _import_redis()
        try:
            self._script("renew")  # connects, if this is the first call
            self._connection.ping()
        except redis.RedisError as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        with self._lock:
            if self._scripts is not None:
                self._connection.close()
                self._scripts = None

    def __repr__(self) -> str:
        # The URL may hold a password: show only where it points.
        parts = urlsplit(self._url)
        return f"RedisLimiter('{parts.scheme}://{parts.hostname}:{parts.port or 6379}')"


def _import_redis() -> Any:
    try:
        import redis
    except ImportError:
        raise InvalidRequestError(
            "the Redis limiter needs redis-py: pip install 'imagegen-sdk[redis]'",
            field="limiter",
        ) from None
    return redis


# -- choosing one -------------------------------------------------------------------------


def limiter_from_url(url: str) -> SQLiteLimiter | RedisLimiter:
    """The limiter a URL names: `sqlite:///PATH` or `redis://HOST:PORT/DB` (or `rediss://`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them.
        if parts.netloc or not parts.path.startswith("/") or len(parts.path) < 2:
            raise _bad_url(url, "a sqlite URL has three slashes and a file path after them")
        return SQLiteLimiter(parts.path[1:])
    if parts is not None and parts.scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise _bad_url(url, "a redis URL names a host")
        try:
            parts.port  # noqa: B018 - reading it checks it
        except ValueError:
            raise _bad_url(url, "its port is not a number") from None
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise _bad_url(url, "its database (the path) is not a number")
        return RedisLimiter(url)
    raise _bad_url(url, "it is neither sqlite:// nor redis://")


def _bad_url(url: str, why: str) -> InvalidRequestError:
    # Only the scheme is quoted: a redis URL may hold a password.
    scheme = url.split(":", 1)[0] if ":" in url else url[:20]
    return InvalidRequestError(
        f"limiter URL {scheme!r}...: {why}. Write {_URL_FORMS}", field="limiter"
    )


def resolve_limiter(limiter: Limiter | str | None) -> tuple[Limiter, bool]:
    """The limiter a client uses, and whether it is shared by account (False only for the
    default: a fresh in-process limiter of the client's own, which needs no account id).

    `limiter` is a `Limiter`, a URL, or None: then `IMAGEGEN_LIMITER_URL`, if set."""
    if limiter is None:
        limiter = os.environ.get(LIMITER_URL_ENV) or None
        if limiter is None:
            return InProcessLimiter(), False
    if isinstance(limiter, str):
        return limiter_from_url(limiter), True
    if not isinstance(limiter, Limiter):
        raise InvalidRequestError(
            f"limiter must be a Limiter or a URL ({_URL_FORMS}), not {type(limiter).__name__}",
            field="limiter",
        )
    return limiter, True
