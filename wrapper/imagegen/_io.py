"""The one place `Client` and `AsyncClient` differ: how a plan's I/O is done.

Everything the SDK does (send a request and follow its redirects, retry, reconcile a lost
create, pace, poll, stream a download into a file, run a batch) is written once, as a *plan*:
a generator that yields the I/O it needs (the actions below) and receives each outcome, or has
the failure thrown in. This is the sans-I/O shape of h11 and of httpx's auth flows, extended to
every loop. A runner performs the actions: `SyncIO` with blocking calls, `AsyncIO` with
awaits. A runner decides nothing; the plans hold every decision.

Why not async source with a generated sync twin (httpcore's unasync)? It would keep two copies
of every loop in the package, identical but for `await`, and a drift gate to hold them equal.
Here there is one copy, and the only code written twice is the ten-line table of how each
action is done in each world, which is exactly what differs.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import types
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine, Generator, Iterator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeAlias, TypeVar, cast

import httpx

from ._clock import Clock

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "Action",
    "AsyncIO",
    "Chunks",
    "Close",
    "Emit",
    "NextChunk",
    "Offload",
    "Plan",
    "Read",
    "Sleep",
    "Stream",
    "SyncIO",
    "Transmit",
    "WithCreateLock",
    "awaitable",
    "awaitable_stream",
    "blocking",
    "blocking_stream",
]

T = TypeVar("T")
P = ParamSpec("P")

# The size of each piece of a streamed download.
CHUNK_BYTES = 64 * 1024


# The actions: plain slotted classes (not attrs: each attrs class costs about a millisecond of
# `import imagegen`, and nothing compares or hashes these). `__match_args__` lets the runners
# match on them.


class Transmit:
    """Send `request` (redirects not followed, body not read); the outcome is the response."""

    __slots__ = ("request",)
    __match_args__ = ("request",)

    def __init__(self, request: httpx.Request) -> None:
        self.request = request


class Read:
    """Read a transmitted response's whole body; the outcome is the bytes."""

    __slots__ = ("response",)
    __match_args__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


class Close:
    """Close a transmitted response (its connection goes back to the pool)."""

    __slots__ = ("response",)
    __match_args__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


class Chunks:
    """Start reading a transmitted response's body in pieces; the outcome is their iterator,
    for `NextChunk`."""

    __slots__ = ("response",)
    __match_args__ = ("response",)

    def __init__(self, response: httpx.Response) -> None:
        self.response = response


class NextChunk:
    """The next piece of a body (`Chunks`'s outcome); the outcome is None at its end."""

    __slots__ = ("chunks",)
    __match_args__ = ("chunks",)

    def __init__(self, chunks: Iterator[bytes] | AsyncIterator[bytes]) -> None:
        self.chunks = chunks


class Sleep:
    """Sleep on the client's clock."""

    __slots__ = ("seconds",)
    __match_args__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Offload:
    """Call `call`, which may block for a while (a shared limiter's step: a SQLite transaction
    that may wait for the file's lock, a Redis round trip); the outcome is what it returns. The
    async runner calls it in a worker thread, so its event loop never waits on it."""

    __slots__ = ("call",)
    __match_args__ = ("call",)

    def __init__(self, call: Callable[[], Any]) -> None:
        self.call = call


class WithCreateLock:
    """Run `plan` holding the client's create lock (one create at a time, so pacing sees them
    all); the outcome is what `plan` returns. The runner holds the lock in a `with` block, so
    no way out of the plan (Ctrl-C, a cancelled task) can leave it held."""

    __slots__ = ("plan",)
    __match_args__ = ("plan",)

    def __init__(self, plan: Plan[Any]) -> None:
        self.plan = plan


class Emit(Generic[T]):
    """Hand `value` to the caller now, while the plan goes on (a batch's results, each as it
    finishes); the outcome is None. Only a streaming method's runner sees it: `run` drops it."""

    __slots__ = ("value",)
    __match_args__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


Action: TypeAlias = (
    "Transmit | Read | Close | Chunks | NextChunk | Sleep | Offload | WithCreateLock"
)
Plan: TypeAlias = Generator[Action, Any, T]
# A plan that hands values to its caller as it goes (`Emit`), and returns nothing.
Stream: TypeAlias = Generator["Action | Emit[T]", Any, None]


class Steps(Generic[T]):
    """A plan being run: iterating it gives each action, after `outcome` or `failure` has said
    how the one before went; `result` is what the plan returned.

    On the way out (`with`), the plan is closed, so its own `finally` blocks run when a runner
    stops early (Ctrl-C, a cancelled task, a bug); `unclosed` then holds the responses it left
    open, for the runner to close the way its world closes them. A response leaves `unclosed`
    once closed: by a `Close`, or by a `Read` to its end (httpx closes it then). A long plan (a
    batch of thousands of generations) so holds only the responses open now, not every
    response it ever had.
    """

    __slots__ = ("_failure", "_outcome", "_plan", "_reading", "result", "unclosed")

    def __init__(self, plan: Generator[Action | Emit[Any], Any, T]) -> None:
        self._plan = plan
        self._outcome: Any = None
        self._failure: BaseException | None = None
        self.unclosed: dict[int, httpx.Response] = {}
        # The response of the `Read` being performed, if any: closed once read to its end.
        self._reading: httpx.Response | None = None
        self.result: T

    def __iter__(self) -> Steps[T]:
        return self

    def __next__(self) -> Action | Emit[Any]:
        outcome, failure = self._outcome, self._failure
        self._outcome = self._failure = None
        try:
            action = self._plan.send(outcome) if failure is None else self._plan.throw(failure)
        except StopIteration as done:
            self.result = done.value
            raise StopIteration from None
        if isinstance(action, Close):
            self.unclosed.pop(id(action.response), None)
        self._reading = action.response if isinstance(action, Read) else None
        return action

    def outcome(self, value: Any) -> None:
        reading, self._reading = self._reading, None
        if reading is not None and reading.is_closed:
            self.unclosed.pop(id(reading), None)
        if isinstance(value, httpx.Response):
            self.unclosed[id(value)] = value
        self._outcome = value

    def failure(self, exc: Exception) -> None:
        self._reading = None  # a read that failed may have left it open: the runner closes it
        self._failure = exc

    def __enter__(self) -> Steps[T]:
        return self

    def __exit__(self, *_: object) -> None:
        self._plan.close()


class SyncIO:
    """Runs plans with blocking I/O: an `httpx.Client`, `Clock.sleep`, a thread lock."""

    def __init__(self, http: httpx.Client, clock: Clock) -> None:
        self.http = http
        self.clock = clock
        self._create_lock = threading.Lock()

    def run(self, plan: Plan[T]) -> T:
        steps = Steps(plan)
        for _ in self._drive(steps):
            pass  # nobody to hand an emitted value to
        return steps.result

    def stream(self, plan: Stream[T]) -> Generator[T, None, None]:
        """Run a streaming plan, giving each value it emits as it comes."""
        yield from self._drive(Steps(plan))

    def _drive(self, steps: Steps[Any]) -> Iterator[Any]:
        try:
            with steps:
                for action in steps:
                    if isinstance(action, Emit):
                        yield action.value
                        continue
                    try:
                        steps.outcome(self._perform(action))
                    except Exception as exc:  # the plan decides what it means
                        steps.failure(exc)
        finally:
            for response in steps.unclosed.values():
                response.close()

    def _perform(self, action: Action) -> Any:
        match action:
            case Transmit(request):
                return self.http.send(request, stream=True, follow_redirects=False)
            case Read(response):
                return response.read()
            case Close(response):
                return response.close()
            case Chunks(response):
                return response.iter_bytes(CHUNK_BYTES)
            case NextChunk(chunks):
                return next(cast(Iterator[bytes], chunks), None)
            case Sleep(seconds):
                return self.clock.sleep(seconds)
            case Offload(call):
                return call()
            case WithCreateLock(plan):
                with self._create_lock:
                    return self.run(plan)


class AsyncIO:
    """Runs plans with awaits: an `httpx.AsyncClient`, `Clock.asleep`, an asyncio lock."""

    def __init__(self, http: httpx.AsyncClient, clock: Clock) -> None:
        self.http = http
        self.clock = clock
        # Made at the first create: an AsyncClient may be built outside any event loop.
        self._create_lock: asyncio.Lock | None = None

    async def run(self, plan: Plan[T]) -> T:
        steps = Steps(plan)
        async for _ in self._drive(steps):
            pass  # nobody to hand an emitted value to
        return steps.result

    async def stream(self, plan: Stream[T]) -> AsyncGenerator[T, None]:
        """Run a streaming plan, giving each value it emits as it comes. Stop early with
        `contextlib.aclosing` (or run it to its end), so the plan's own cleanup runs then."""
        async with contextlib.aclosing(self._drive(Steps(plan))) as values:
            async for value in values:
                yield value

    async def _drive(self, steps: Steps[Any]) -> AsyncGenerator[Any, None]:
        try:
            with steps:
                for action in steps:
                    if isinstance(action, Emit):
                        yield action.value
                        continue
                    try:
                        steps.outcome(await self._perform(action))
                    except Exception as exc:  # the plan decides what it means
                        steps.failure(exc)
        finally:
            for response in steps.unclosed.values():
                await response.aclose()

    async def _perform(self, action: Action) -> Any:
        match action:
            case Transmit(request):
                return await self.http.send(request, stream=True, follow_redirects=False)
            case Read(response):
                return await response.aread()
            case Close(response):
                return await response.aclose()
            case Chunks(response):
                return response.aiter_bytes(CHUNK_BYTES)
            case NextChunk(chunks):
                return await anext(cast(AsyncIterator[bytes], chunks), None)
            case Sleep(seconds):
                return await self.clock.asleep(seconds)
            case Offload(call):
                import asyncio  # here: running in asyncio by now

                return await asyncio.to_thread(call)
            case WithCreateLock(plan):
                if self._create_lock is None:
                    import asyncio  # here: an AsyncClient is running in asyncio by now

                    self._create_lock = asyncio.Lock()
                async with self._create_lock:
                    return await self.run(plan)


# -- methods made of plans ---------------------------------------------------------------------
#
# A method of the clients is written once, as a function that returns its plan; these make the
# blocking and the awaitable method of it, with its very signature (ParamSpec: type checkers
# see the plan's parameters, defaults and typed keyword arguments on both). The instance it is
# called on has the runner as `_io`.


def blocking(plan: Callable[Concatenate[Any, P], Plan[T]]) -> Callable[Concatenate[Any, P], T]:
    """The blocking method of `plan`: runs it on the instance's `SyncIO`."""

    @functools.wraps(plan)
    def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        io: SyncIO = self._io
        return io.run(plan(self, *args, **kwargs))

    _unwrap_plan_annotation(method)
    return method


def awaitable(
    plan: Callable[Concatenate[Any, P], Plan[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The awaitable method of `plan`: runs it on the instance's `AsyncIO`."""

    @functools.wraps(plan)
    async def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        io: AsyncIO = self._io
        return await io.run(plan(self, *args, **kwargs))

    _unwrap_plan_annotation(method)
    return method


def blocking_stream(
    plan: Callable[Concatenate[Any, P], Stream[T]],
) -> Callable[Concatenate[Any, P], Generator[T, None, None]]:
    """The blocking method of a streaming plan: a generator of the values it emits (its
    `close()` stops the plan, whose own cleanup then runs)."""

    @functools.wraps(plan)
    def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> Generator[T, None, None]:
        io: SyncIO = self._io
        return io.stream(plan(self, *args, **kwargs))

    _unwrap_plan_annotation(method)
    return method


def awaitable_stream(
    plan: Callable[Concatenate[Any, P], Stream[T]],
) -> Callable[Concatenate[Any, P], AsyncGenerator[T, None]]:
    """The asynchronous method of a streaming plan: an async generator of the values it emits
    (its `aclose()` stops the plan, whose own cleanup then runs)."""

    @functools.wraps(plan)
    async def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> AsyncGenerator[T, None]:
        io: AsyncIO = self._io
        async with contextlib.aclosing(io.stream(plan(self, *args, **kwargs))) as values:
            async for value in values:
                yield value

    _unwrap_plan_annotation(method, "AsyncGenerator[{}, None]")
    return method


def _unwrap_plan_annotation(
    method: Callable[..., Any], streamed: str = "Generator[{}, None, None]"
) -> None:
    """`help()` and `inspect.signature` show what the method returns, not its plan's type.

    `functools.wraps` points them at the plan function (`__wrapped__`), whose return annotation
    is `Plan[X]` (a string, under `from __future__ import annotations`). They are pointed instead
    at a twin of the plan function (the same code, defaults and names) annotated to return `X`.
    """
    plan: Any = method.__wrapped__  # type: ignore[attr-defined]
    annotations = dict(plan.__annotations__)
    returned = annotations.get("return")
    if isinstance(returned, str) and returned.startswith("Plan[") and returned.endswith("]"):
        annotations["return"] = returned[len("Plan[") : -1]
    elif isinstance(returned, str) and returned.startswith("Stream[") and returned.endswith("]"):
        annotations["return"] = streamed.format(returned[len("Stream[") : -1])
    shown = types.FunctionType(
        plan.__code__, plan.__globals__, plan.__name__, plan.__defaults__, plan.__closure__
    )
    shown.__kwdefaults__ = plan.__kwdefaults__
    shown.__annotations__ = annotations
    method.__wrapped__ = shown  # type: ignore[attr-defined]
    method.__annotations__ = annotations
