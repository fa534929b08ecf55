"""The runners: one plan, performed with blocking I/O or with awaits, to the same end.

Every method of both clients is made of one plan (`_calls`), so their signatures cannot differ;
the runners are the only code that differs, and they must leave nothing open however a plan
ends."""

from __future__ import annotations

import gc
import inspect
import weakref
from collections.abc import AsyncIterator, Iterator

import httpx
import imagegen
import pytest
from imagegen._clock import VirtualClock
from imagegen._io import AsyncIO, Close, Plan, Read, Sleep, SyncIO, Transmit

PAIRS = [
    (imagegen.Client, imagegen.AsyncClient),
    (imagegen.Images, imagegen.AsyncImages),
]


@pytest.mark.parametrize(("sync", "async_"), PAIRS)
def test_both_clients_have_the_same_methods_with_the_same_signatures(
    sync: type, async_: type
) -> None:
    public = {name for name in dir(sync) if not name.startswith("_")} - {"close"}
    twins = {name for name in dir(async_) if not name.startswith("_")} - {"aclose", "close"}
    assert public == twins
    for name in sorted(public):
        method, twin = getattr(sync, name), getattr(async_, name)
        if not callable(method):
            continue
        signature, twin_signature = inspect.signature(method), inspect.signature(twin)
        assert signature.parameters == twin_signature.parameters, name
        if name not in ("iter", "batch"):  # an Iterator there, an AsyncIterator here
            assert signature.return_annotation == twin_signature.return_annotation, name
        assert inspect.iscoroutinefunction(twin) or inspect.isasyncgenfunction(twin), name
        assert not inspect.iscoroutinefunction(method), name


def test_a_method_shows_what_it_returns_not_its_plan() -> None:
    assert inspect.signature(imagegen.Images.get).return_annotation == "Generation"
    assert inspect.signature(imagegen.AsyncClient.generate).return_annotation == "GenerationResult"
    assert "Returns the current status" in (imagegen.AsyncImages.get.__doc__ or "")


class Interrupted(VirtualClock):
    def sleep(self, seconds: float) -> None:
        raise KeyboardInterrupt

    async def asleep(self, seconds: float) -> None:
        raise KeyboardInterrupt


def _plan_that_stops_holding_a_response(log: list[str]) -> Plan[None]:
    try:
        response: httpx.Response = yield Transmit(httpx.Request("GET", "http://127.0.0.1/x"))
        log.append(f"open {response.is_closed}")
        yield Sleep(1.0)  # interrupted here: the plan never closes the response itself
    finally:
        log.append("plan closed")


class _Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body read as it streams (so a response stays open until read or closed)."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"x" * 10

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"x" * 10


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=_Body())


def test_a_plan_interrupted_holding_a_response_leaves_it_closed() -> None:
    log: list[str] = []
    with httpx.Client(transport=httpx.MockTransport(_answer)) as http:
        runner = SyncIO(http, Interrupted())
        seen: list[httpx.Response] = []
        original = http.send

        def send(request: httpx.Request, **kwargs: object) -> httpx.Response:
            seen.append(original(request, **kwargs))  # type: ignore[arg-type]
            return seen[-1]

        http.send = send  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            runner.run(_plan_that_stops_holding_a_response(log))
    assert log == ["open False", "plan closed"]
    assert [response.is_closed for response in seen] == [True]


async def test_the_async_runner_closes_it_too() -> None:
    log: list[str] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer)) as http:
        seen: list[httpx.Response] = []
        original = http.send

        async def send(request: httpx.Request, **kwargs: object) -> httpx.Response:
            seen.append(await original(request, **kwargs))  # type: ignore[arg-type]
            return seen[-1]

        http.send = send  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            await AsyncIO(http, Interrupted()).run(_plan_that_stops_holding_a_response(log))
    assert log == ["open False", "plan closed"]
    assert [response.is_closed for response in seen] == [True]


def _read_then_fail() -> Plan[bytes]:
    response: httpx.Response = yield Transmit(httpx.Request("GET", "http://127.0.0.1/x"))
    body: bytes = yield Read(response)
    yield Close(response)
    try:
        yield Transmit(httpx.Request("GET", "http://127.0.0.1/fail"))
    except httpx.ConnectError as exc:  # a failure of the I/O is thrown into the plan
        return body + str(exc).encode()
    raise AssertionError("the failure was not thrown in")


def _fail_the_second(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/fail":
        raise httpx.ConnectError("refused", request=request)
    return httpx.Response(200, content=b"body:")


async def test_both_runners_give_a_plan_the_same_outcomes_and_failures() -> None:
    with httpx.Client(transport=httpx.MockTransport(_fail_the_second)) as http:
        blocking = SyncIO(http, VirtualClock()).run(_read_then_fail())
    async with httpx.AsyncClient(transport=httpx.MockTransport(_fail_the_second)) as ahttp:
        awaited = await AsyncIO(ahttp, VirtualClock()).run(_read_then_fail())
    assert blocking == awaited == b"body:refused"


@pytest.mark.parametrize(
    "method",
    [imagegen.Images.create, imagegen.AsyncImages.create, imagegen.Client.generate],
)
def test_help_lists_every_create_option_the_signature_hides(method: object) -> None:
    from imagegen._spec.create import CREATE_OPTIONS

    doc = getattr(method, "__doc__", "") or ""
    for name in CREATE_OPTIONS:  # the signature shows only **options: Unpack[CreateOptions]
        assert f"- {name}: " in doc, name


def _many_reads(alive: list[int]) -> Plan[None]:
    """Twenty requests, each read to its end, as a batch's plan makes thousands: after each,
    how many of the responses read so far something still holds."""
    references: list[weakref.ref[httpx.Response]] = []
    for _ in range(20):
        response: httpx.Response = yield Transmit(httpx.Request("GET", "http://127.0.0.1/x"))
        yield Read(response)
        references.append(weakref.ref(response))
        del response
        gc.collect()
        alive.append(sum(reference() is not None for reference in references))


async def test_a_long_plan_holds_no_response_it_has_read() -> None:
    # The runner keeps the responses a plan leaves open, to close them if it stops early; one
    # read to its end is closed, and was kept anyway (about 20 KiB per item of a batch).
    alive: list[int] = []
    with httpx.Client(transport=httpx.MockTransport(_answer)) as http:
        SyncIO(http, VirtualClock()).run(_many_reads(alive))
    async_alive: list[int] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer)) as ahttp:
        await AsyncIO(ahttp, VirtualClock()).run(_many_reads(async_alive))
    # The last one may still be held by the runner's last action; none before it.
    assert len(alive) == len(async_alive) == 20
    assert max(alive) <= 1
    assert max(async_alive) <= 1
