"""The limiter behind pacing (`imagegen.limiter`): the account's create window and its
in-progress lease, in memory, in SQLite and in a real Redis, held to one contract on injected
time; chosen by `limiter=` or `IMAGEGEN_LIMITER_URL`; and used by pacing so that clients
sharing an account never run two generations at once nor exceed the window."""

from __future__ import annotations

import asyncio
import datetime
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from imagegen import (
    GenerationResult,
    InsufficientCreditsError,
    InvalidRequestError,
    LimiterError,
    Pacing,
)
from imagegen.limiter import (
    InProcessLimiter,
    Limiter,
    RedisLimiter,
    SQLiteLimiter,
    limiter_from_url,
)
from imagegen.testing import Sandbox

FAST = "sandbox:duration=5"
T0 = 1_800_000_000.0  # an epoch moment: the shared backends are given epoch seconds


@pytest.fixture(params=["memory", "sqlite", "redis"])
def limiter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Limiter]:
    if request.param == "memory":
        yield InProcessLimiter()
    elif request.param == "sqlite":
        backend = SQLiteLimiter(tmp_path / "limits.db")
        yield backend
        backend.close()
    else:
        backend_redis = RedisLimiter(request.getfixturevalue("redis_url"))
        yield backend_redis
        backend_redis.close()


# -- the contract, on every backend --------------------------------------------------------


def test_the_window_takes_places_up_to_its_limit_then_says_how_long(limiter: Limiter) -> None:
    for n in range(10):
        assert limiter.reserve("acct", limit=10, window=60.0, now=T0 + n) == 0.0
    # Full: the oldest (T0) leaves at T0 + 60; nothing is taken by a refusal.
    assert limiter.reserve("acct", limit=10, window=60.0, now=T0 + 10) == pytest.approx(50.0)
    assert limiter.reserve("acct", limit=10, window=60.0, now=T0 + 30) == pytest.approx(30.0)
    # At T0 + 60 the first has left: one place, and then it is full again until T0 + 61.
    assert limiter.reserve("acct", limit=10, window=60.0, now=T0 + 60) == 0.0
    assert limiter.reserve("acct", limit=10, window=60.0, now=T0 + 60) == pytest.approx(1.0)


def test_a_place_moved_to_its_answer_leaves_the_window_that_much_later(
    limiter: Limiter,
) -> None:
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0) == 0.0
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0 + 1) == 0.0
    # The first create's answer came 5 s after its place was taken (a slow network).
    limiter.move("acct", placed=T0, now=T0 + 5)
    # The oldest place is now the second's: room at T0 + 61, and the moved one leaves at T0 + 65.
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0 + 60) == pytest.approx(1.0)
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0 + 61) == 0.0
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0 + 62) == pytest.approx(3.0)
    # A place that is gone is not made again.
    limiter.move("acct", placed=T0 - 100, now=T0 + 62)
    assert limiter.reserve("acct", limit=2, window=60.0, now=T0 + 62) == pytest.approx(3.0)


def test_the_window_is_per_account(limiter: Limiter) -> None:
    assert limiter.reserve("a", limit=1, window=60.0, now=T0) == 0.0
    assert limiter.reserve("a", limit=1, window=60.0, now=T0) == pytest.approx(60.0)
    assert limiter.reserve("b", limit=1, window=60.0, now=T0) == 0.0


def test_a_lease_is_held_by_one_holder_until_released(limiter: Limiter) -> None:
    assert limiter.acquire("acct", "one", slots=1, ttl=30.0, now=T0) == 0.0
    # Another holder waits: the lease ends by its TTL at T0 + 30 at the latest.
    assert limiter.acquire("acct", "two", slots=1, ttl=30.0, now=T0 + 10) == pytest.approx(20.0)
    # Its holder asking again renews it.
    assert limiter.acquire("acct", "one", slots=1, ttl=30.0, now=T0 + 10) == 0.0
    assert limiter.acquire("acct", "two", slots=1, ttl=30.0, now=T0 + 15) == pytest.approx(25.0)
    limiter.release("acct", "one")
    assert limiter.acquire("acct", "two", slots=1, ttl=30.0, now=T0 + 15) == 0.0
    limiter.release("acct", "nobody")  # releasing what one does not hold does nothing
    assert limiter.acquire("acct", "one", slots=1, ttl=30.0, now=T0 + 16) > 0


def test_a_lease_nobody_renews_ends_by_its_ttl(limiter: Limiter) -> None:
    # Its holder died: it never renews, never releases.
    assert limiter.acquire("acct", "dead", slots=1, ttl=5.0, now=T0) == 0.0
    assert limiter.acquire("acct", "alive", slots=1, ttl=5.0, now=T0 + 4.9) > 0
    assert limiter.acquire("acct", "alive", slots=1, ttl=5.0, now=T0 + 5.0) == 0.0
    assert limiter.renew("acct", "dead", ttl=5.0, now=T0 + 5.1) is False


def test_renewal_moves_the_end_of_a_lease_on(limiter: Limiter) -> None:
    assert limiter.acquire("acct", "one", slots=1, ttl=5.0, now=T0) == 0.0
    assert limiter.renew("acct", "one", ttl=5.0, now=T0 + 4.0) is True
    assert limiter.acquire("acct", "two", slots=1, ttl=5.0, now=T0 + 8.0) == pytest.approx(1.0)
    assert limiter.renew("acct", "one", ttl=5.0, now=T0 + 8.0) is True
    assert limiter.acquire("acct", "two", slots=1, ttl=5.0, now=T0 + 13.0) == 0.0
    # Ended (at T0 + 13) and taken: renewing it now says so, and does not take it back.
    assert limiter.renew("acct", "one", ttl=5.0, now=T0 + 13.5) is False
    assert limiter.acquire("acct", "one", slots=1, ttl=5.0, now=T0 + 13.5) > 0


def test_a_lease_has_as_many_slots_as_asked(limiter: Limiter) -> None:
    assert limiter.acquire("acct", "one", slots=2, ttl=10.0, now=T0) == 0.0
    assert limiter.acquire("acct", "two", slots=2, ttl=10.0, now=T0 + 1) == 0.0
    assert limiter.acquire("acct", "three", slots=2, ttl=10.0, now=T0 + 2) == pytest.approx(8.0)
    assert limiter.acquire("other", "three", slots=2, ttl=10.0, now=T0 + 2) == 0.0


def test_the_shared_backends_see_each_others_state(tmp_path: Path, redis_url: str) -> None:
    # Two limiters on one store stand for two processes.
    for first, second in [
        (SQLiteLimiter(tmp_path / "l.db"), SQLiteLimiter(tmp_path / "l.db")),
        (RedisLimiter(redis_url), RedisLimiter(redis_url)),
    ]:
        assert first.acquire("acct", "one", slots=1, ttl=30.0, now=T0) == 0.0
        assert second.acquire("acct", "two", slots=1, ttl=30.0, now=T0) == pytest.approx(30.0)
        assert first.reserve("acct", limit=1, window=60.0, now=T0) == 0.0
        assert second.reserve("acct", limit=1, window=60.0, now=T0 + 1) == pytest.approx(59.0)
        first.close()
        second.close()


def test_a_sqlite_step_flushes_nothing_to_disk(tmp_path: Path) -> None:
    """Every step is a write, and a waiting client asks every `lease_poll`: with SQLite's
    default (FULL) each commit flushed the WAL to disk while holding the write lock, a
    millisecond or more for which a lease's release queued. WAL's NORMAL commits without a
    flush and loses nothing committed when a process is killed."""
    limiter = SQLiteLimiter(tmp_path / "l.db")
    limiter.acquire("acct", "one", slots=1, ttl=30.0, now=T0)
    connection = limiter._connect()
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    limiter.close()


# -- choosing one ------------------------------------------------------------------------


def test_urls_name_their_backend(tmp_path: Path) -> None:
    sqlite = limiter_from_url(f"sqlite:///{tmp_path}/limits.db")
    assert isinstance(sqlite, SQLiteLimiter)
    assert sqlite.path == tmp_path / "limits.db"
    relative = limiter_from_url("sqlite:///limits.db")
    assert isinstance(relative, SQLiteLimiter)
    assert relative.path == Path("limits.db")
    assert isinstance(limiter_from_url("redis://127.0.0.1:6379/0"), RedisLimiter)
    assert isinstance(limiter_from_url("rediss://cache.example:6380"), RedisLimiter)


@pytest.mark.parametrize(
    "url",
    [
        "postgres://db/limits",
        "sqlite://limits.db",  # two slashes: the file name would be read as a host
        "sqlite:///",
        "redis://",
        "redis://host:port/0",
        "redis://host:6379/zero",
        "limits.db",
    ],
)
def test_a_bad_url_says_what_to_write(url: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        limiter_from_url(url)
    message = str(caught.value)
    assert "sqlite:///PATH" in message
    assert "redis://HOST:PORT/DB" in message
    assert caught.value.field == "limiter"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("redis://host:port/0", "its port is not a number"),
        ("redis://host:6379/zero", "its database (the path) is not a number"),
    ],
)
def test_a_bad_redis_url_says_what_is_wrong_with_it(url: str, why: str) -> None:
    with pytest.raises(InvalidRequestError, match=re.escape(why)):
        limiter_from_url(url)


def test_a_redis_password_is_in_no_message_or_repr() -> None:
    limiter = limiter_from_url("redis://:hunter2secret@127.0.0.1:6379/0")
    assert "hunter2secret" not in repr(limiter)
    with pytest.raises(InvalidRequestError) as caught:
        limiter_from_url("redis://:hunter2secret@127.0.0.1:port/0")
    assert "hunter2secret" not in str(caught.value)


def test_the_client_takes_a_url_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(limiter=f"sqlite:///{tmp_path}/given.db")
        assert client._core.pacer is not None
        assert isinstance(client._core.pacer.limiter, SQLiteLimiter)
        assert client._core.pacer.account is None  # asked of getStatus before the first create

        monkeypatch.setenv("IMAGEGEN_LIMITER_URL", f"sqlite:///{tmp_path}/env.db")
        from_env = sandbox.client()
        assert from_env._core.pacer is not None
        limiter = from_env._core.pacer.limiter
        assert isinstance(limiter, SQLiteLimiter)
        assert limiter.path == tmp_path / "env.db"

        monkeypatch.setenv("IMAGEGEN_LIMITER_URL", "memcached://x")
        with pytest.raises(InvalidRequestError, match="sqlite:///PATH"):
            sandbox.client()
        with pytest.raises(InvalidRequestError, match="must be a Limiter or a URL"):
            sandbox.client(limiter=42)


def test_the_default_is_a_limiter_of_the_clients_own() -> None:
    with Sandbox() as sandbox:
        one, two = sandbox.client(), sandbox.client()
        assert one._core.pacer is not None
        assert two._core.pacer is not None
        assert isinstance(one._core.pacer.limiter, InProcessLimiter)
        assert one._core.pacer.limiter is not two._core.pacer.limiter
        one.images.create(f"p {FAST}")
        # No getStatus: the limits of a client's own need no account id.
        assert "getStatus" not in sandbox.control.request_counts()


def test_import_imagegen_loads_neither_sqlite3_nor_redis() -> None:
    code = (
        "import sys, imagegen\n"
        "imagegen.Client(api_key='k', base_url='https://api.example/v1')\n"
        "imagegen.Client(api_key='k', base_url='https://api.example/v1', "
        "limiter='sqlite:///x.db')\n"
        "imagegen.Client(api_key='k', base_url='https://api.example/v1', "
        "limiter='redis://127.0.0.1:1/0')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite3', 'redis')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"


# -- pacing on a shared limiter ----------------------------------------------------------


def _created_moments(sandbox: Sandbox) -> list[float]:
    return sorted(
        datetime.datetime.fromisoformat(g["createdAt"]).timestamp()
        for g in sandbox.control.generations()
    )


def _all_429s(sandbox: Sandbox) -> int:
    return sum(by_status.get("429", 0) for by_status in sandbox.control.request_counts().values())


@pytest.mark.parametrize("backend", ["memory", "sqlite", "redis"])
async def test_four_clients_sharing_an_account_never_collide(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # The case: 4 clients of one account, 3 generations each. Each client alone
    # ended 5 of 12 in ConcurrentGenerationError; sharing a limiter, none.
    shared: Limiter | str = (
        InProcessLimiter()
        if backend == "memory"
        else f"sqlite:///{tmp_path}/l.db"
        if backend == "sqlite"
        else request.getfixturevalue("redis_url")
    )
    with Sandbox() as sandbox:
        clients = [sandbox.async_client(max_retries=0, limiter=shared) for _ in range(4)]
        batches = await asyncio.gather(
            *(
                client.generate_many([f"c{c} p{n} {FAST}" for n in range(3)])
                for c, client in enumerate(clients)
            )
        )
        results = [r for batch in batches for r in batch]
        assert all(isinstance(r, GenerationResult) for r in results), results
        assert sandbox.control.request_counts()["createImage"] == {"201": 12}
        assert _all_429s(sandbox) == 0
        moments = _created_moments(sandbox)
        assert max(sum(1 for m in moments if s <= m < s + 60) for s in moments) <= 10


def test_the_lease_is_released_when_the_generation_is_seen_terminal(tmp_path: Path) -> None:
    limiter = SQLiteLimiter(tmp_path / "l.db")
    with Sandbox() as sandbox:
        one = sandbox.client(max_retries=0, limiter=limiter)
        two = sandbox.client(max_retries=0, limiter=limiter)
        first = one.images.create(f"first {FAST}")
        account = sandbox.control.default_account_id
        now = sandbox.clock.time()
        # Held for the generation, under the account's id (not the key's).
        assert limiter.acquire(account, "probe", slots=1, ttl=1.0, now=now) > 0
        one.images.wait(first.id)
        assert limiter.acquire(account, "probe", slots=1, ttl=1.0, now=now) == 0.0
        limiter.release(account, "probe")
        before = sandbox.clock.monotonic()
        two.images.create(f"second {FAST}")
        assert sandbox.clock.monotonic() == before  # it went at once: nothing held the lease
        assert _all_429s(sandbox) == 0


def test_a_lease_nobody_releases_lets_the_others_go_after_its_ttl(tmp_path: Path) -> None:
    limiter = SQLiteLimiter(tmp_path / "l.db")
    pacing = Pacing(lease_ttl=20.0, lease_poll=1.0)
    with Sandbox() as sandbox:
        one = sandbox.client(max_retries=0, limiter=limiter, pacing=pacing)
        two = sandbox.client(max_retries=0, limiter=limiter, pacing=pacing)
        one.images.create(f"never waited for {FAST}")  # nobody looks at it again
        started = sandbox.clock.monotonic()
        two.images.create(f"second {FAST}")
        waited = sandbox.clock.monotonic() - started
        assert 19.0 <= waited <= 21.0  # the TTL, asked again each lease_poll (virtual time)
        assert sandbox.control.request_counts()["createImage"] == {"201": 2}


def test_a_failed_create_gives_its_lease_back(tmp_path: Path) -> None:
    limiter = SQLiteLimiter(tmp_path / "l.db")
    with Sandbox() as sandbox:
        broke = sandbox.control.add_account(credits=0)
        client = sandbox.client(api_key=broke.api_key, max_retries=0, limiter=limiter)
        with pytest.raises(InsufficientCreditsError):
            client.images.create(f"p {FAST}")
        # The create made nothing: the lease it took is free again, at once.
        now = sandbox.clock.time()
        assert limiter.acquire(broke.account_id, "probe", slots=1, ttl=1.0, now=now) == 0.0


def test_the_lease_is_renewed_while_the_generation_is_waited_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = SQLiteLimiter(tmp_path / "l.db")
    # A TTL longer than the polls' longest interval (30 s), far shorter than the generation.
    pacing = Pacing(lease_ttl=40.0)
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0, limiter=limiter, pacing=pacing)
        created = client.images.create("slow sandbox:duration=150")
        account = sandbox.control.default_account_id
        ends = sandbox.clock.monotonic() + 150
        held: list[bool] = []

        def probe(now: float) -> None:
            # Each move of the clock is a poll's sleep ending: is the lease still held?
            if now < ends - 1:
                wait = limiter.acquire(account, "probe", slots=1, ttl=0.5, now=sandbox.clock.time())
                held.append(wait > 0)

        sandbox.clock.add_listener(probe)
        generation = client.images.wait(created.id)
        assert generation.succeeded
        assert len(held) >= 5  # looked at many times, over more than three TTLs
        assert all(held)
        assert "had ended by its TTL" not in caplog.text
        assert limiter.acquire(account, "probe", slots=1, ttl=1, now=sandbox.clock.time()) == 0


class _ThreadsSeen(SQLiteLimiter):
    """A SQLite limiter that notes the thread of each step."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.threads: list[int] = []

    def reserve(self, account: str, **kwargs: float) -> float:  # type: ignore[override]
        self.threads.append(threading.get_ident())
        return super().reserve(account, **kwargs)  # type: ignore[arg-type]

    def acquire(self, account: str, holder: str, **kwargs: float) -> float:  # type: ignore[override]
        self.threads.append(threading.get_ident())
        return super().acquire(account, holder, **kwargs)  # type: ignore[arg-type]

    def renew(self, account: str, holder: str, **kwargs: float) -> bool:  # type: ignore[override]
        self.threads.append(threading.get_ident())
        return super().renew(account, holder, **kwargs)

    def release(self, account: str, holder: str) -> None:
        self.threads.append(threading.get_ident())
        super().release(account, holder)


def test_the_async_client_never_waits_on_a_shared_limiter_in_its_event_loop(
    tmp_path: Path,
) -> None:
    limiter = _ThreadsSeen(tmp_path / "l.db")
    with Sandbox() as sandbox:

        async def main() -> int:
            async with sandbox.async_client(limiter=limiter) as client:
                await client.generate(f"p {FAST}")
            return threading.get_ident()

        loop_thread = asyncio.run(main())
    assert len(limiter.threads) >= 3  # the lease, the window, a renewal or the release
    assert loop_thread not in limiter.threads
    # The blocking client does them in its caller's thread, as every other call.
    limiter.threads.clear()
    with Sandbox() as sandbox:
        sandbox.client(limiter=limiter).generate(f"p {FAST}")
    assert set(limiter.threads) == {threading.get_ident()}


def test_a_limiter_that_cannot_be_reached_stops_the_create_before_it_is_sent() -> None:
    from imagegen import LimiterError

    # Nothing listens on port 1; the URL's password is in no message.
    url = "redis://:hunter2-secret@127.0.0.1:1/0"
    with Sandbox() as sandbox:
        client = sandbox.client(limiter=RedisLimiter(url, socket_timeout=0.5))
        # The account id comes from getStatus first; the limiter's first step fails.
        with pytest.raises(LimiterError, match=r"the Redis limiter .*127\.0\.0\.1:1") as caught:
            client.images.create(f"p {FAST}")
        assert "hunter2" not in str(caught.value)
        assert "createImage" not in sandbox.control.request_counts()


def test_a_limiter_failing_after_the_create_was_sent_loses_no_generation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = SQLiteLimiter(tmp_path / "l.db")
    with Sandbox() as sandbox:
        client = sandbox.client(limiter=limiter)
        original = limiter.move

        def broken_move(account: str, *, placed: float, now: float) -> None:
            raise LimiterError("the SQLite limiter 'l.db' failed: disk I/O error")

        limiter.move = broken_move  # type: ignore[method-assign]
        created = client.images.create(f"p {FAST}")  # answered: returned, not lost
        limiter.move = original  # type: ignore[method-assign]
        assert sandbox.control.request_counts()["createImage"] == {"201": 1}
        assert created.id
        assert "disk I/O error" in caplog.text
