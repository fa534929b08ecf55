"""What `Client` and `AsyncClient` share: configuration, requests, answers and every decision.

The single API calls are written once, as *plans* (`_io`): generators that yield the I/O they
need (send this request, read that answer, sleep this long) and receive the outcome, or have the
failure thrown in. Here: sending with redirects followed by hand, retries, the create with its
reconciliation and pacing, the wait and the download. `_calls` composes them into the clients'
methods; `_io`'s runners only do the I/O.

Safety, by construction:
- The API key is added to each API request and nowhere else: never a default header of the
  http client (so downloads through it carry no key), never in a repr, a log record or an
  exception. It is sent over plain http only to loopback.
- Redirects of API requests are followed by hand: within the same origin with the key, across
  origins without `Authorization` or `X-API-Key`.
- A create is retried only where nothing was created; after a connection lost once the create
  was sent, the client looks in listImages for the generation it may have made before sending
  it again (never charge twice).
- Creates are paced to the API's limits (`Pacing`), so a batch sees no 429; with a shared
  `limiter`, so are those of every client of the account, in any process.
- Every API request (and every download) says who sends it: `User-Agent: imagegen-python/V
  httpx/V python/V`, then the caller's `app_info`, made once per client (`user_agent`);
  a User-Agent the caller's own http client sets is left as it is.

What only requests need is imported inside the functions that first need it, not at the top,
because each costs milliseconds against `make bench`'s budget for `import imagegen` (1.3x
`import httpx`; measured in a fresh interpreter after `import imagegen`, bytecode cached): a
generated operation module ~15 ms (it loads the generated client and the models it uses),
`imagegen._api.types` ~2 ms, `_validation` ~6 ms, `_polling` ~8 ms, `_download` ~7 ms, `_parsing`
under 1 ms (deferred all the same: `import imagegen` loads none of the answer readers).
`import imagegen` and building a client do not pay for them; the first request does. The
generated enums cost well under a millisecond and are imported at the top.
"""

from __future__ import annotations

import collections
import copy
import datetime
import email.utils
import functools
import logging
import os
import threading
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, Literal, Required, TypeAlias, TypeVar
from uuid import UUID

import httpx

from imagegen._api.models import GenerationStatus

from . import _params
from ._clock import Clock, SystemClock
from ._defaults import DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_WAIT_TIMEOUT
from ._errors import (
    UNEXPECTED_RESPONSE,
    APIConnectionError,
    APIError,
    APITimeoutError,
    ImagegenError,
    InvalidRequestError,
    UnexpectedResponseError,
    unexpected_body,
)
from ._io import Close, Offload, Plan, Read, Sleep, Transmit, WithCreateLock
from ._net import is_loopback_host
from ._observe import Observer, OnEvent
from ._operations import Operation
from ._pacing import OWN_ACCOUNT, CreatePacer, Pacing
from ._retry import Outcome, RetryPolicy, RetryState, decide, describe
from ._secrets import REDACTED, Secret, install_filter, scrub_error
from ._spec.calls import (
    create_image_operation,
    get_image_operation,
    get_status_operation,
    list_images_operation,
)
from ._spec.create import CreateOptions
from ._spec.operations import OPERATIONS as SPEC_OPERATIONS
from ._types import CreatedGeneration, Generation, GenerationPage
from .limiter import InProcessLimiter, Limiter, resolve_limiter

if TYPE_CHECKING:
    from imagegen._api.models import CreateImageRequest

    from . import _download, _polling
    from ._validation import ImageInput

__all__ = [
    "DEFAULT",
    "AuthHeader",
    "ClientCore",
    "GenerateItem",
    "OnUpdate",
    "Operation",
    "check_base_url",
]

logger = logging.getLogger("imagegen")
install_filter(logger)  # no record of this logger shows a key, whatever its arguments

T = TypeVar("T")

AuthHeader = Literal["bearer", "x-api-key"]


class GenerateArgs(CreateOptions, total=False):
    """One item of `generate_many` as a dict: the create arguments of `generate()`."""

    prompt: Required[str]
    images: Sequence[ImageInput] | None


# One item of `generate_many`: a prompt, or the create arguments of `generate()`.
GenerateItem: TypeAlias = str | GenerateArgs
OnUpdate: TypeAlias = Callable[["Generation"], object]

DEFAULT_TIMEOUT = 60.0
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The keys of a generated `_get_kwargs` result that `build` places itself.
_PLACED = frozenset({"method", "url", "headers"})
# How many recent generations reconciliation looks through, and how many ids this client
# remembers as its own (so a reconcile never mistakes an earlier create for the lost one).
_RECONCILE_PAGE = 20
_KNOWN_IDS = 1000


class _Unset:
    def __repr__(self) -> str:
        return "<default>"


DEFAULT: Any = _Unset()


def check_base_url(value: str) -> httpx.URL:
    """The base URL, if it is one the key may be sent to: https, or plain http to loopback."""
    try:
        value.encode("utf-8")  # a lone surrogate (undecodable bytes of an environment variable)
        url = httpx.URL(value)
    except UnicodeEncodeError as exc:
        raise InvalidRequestError(
            f"base_url holds an undecodable character at position {exc.start} (a lone "
            "surrogate, as Python makes from bytes that are not UTF-8): set it as plain text",
            field="base_url",
        ) from None
    except (httpx.InvalidURL, TypeError, AttributeError) as exc:
        raise InvalidRequestError(f"base_url is not a URL: {exc}", field="base_url") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise InvalidRequestError(
            f"base_url must be an absolute https:// URL, got {value!r}", field="base_url"
        )
    if url.scheme == "http" and not is_loopback_host(url.host):
        raise InvalidRequestError(
            f"base_url {value!r} is plain http: the API key would travel unencrypted. Use "
            "https:// (plain http is allowed only to loopback: localhost, 127.0.0.0/8, ::1)",
            field="base_url",
        )
    if url.query or url.fragment:
        raise InvalidRequestError(
            f"base_url must not carry a query or fragment, got {value!r}", field="base_url"
        )
    return url.copy_with(path=url.path.rstrip("/"))


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"https": 443, "http": 80}.get(url.scheme)
    return (url.scheme, url.host, url.port if url.port is not None else default)


def _as_utc(moment: datetime.datetime) -> datetime.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def _http_date(value: str | None) -> float | None:
    """An HTTP `Date` header as epoch seconds, or None when absent or not a date."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


_IN_PROGRESS = frozenset({GenerationStatus.STARTING, GenerationStatus.PROCESSING})


class ClientCore:
    """What `Client` and `AsyncClient` share: configuration, requests, answers and decisions."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        auth_header: AuthHeader,
        max_retries: int,
        retry: RetryPolicy | None,
        pacing: Pacing | None,
        clock: Clock | None,
        limiter: Limiter | str | None,
        http_client: httpx.Client | httpx.AsyncClient | None,
        http_type: type[httpx.Client] | type[httpx.AsyncClient],
        timeout: Any,
        on_event: OnEvent | None = None,
        app_info: str | None = None,
    ) -> None:
        key = _checked_key(api_key if api_key is not None else os.environ.get("IMAGEGEN_API_KEY"))
        url = base_url if base_url is not None else os.environ.get("IMAGEGEN_BASE_URL")
        if not url:
            raise InvalidRequestError(
                "No base URL: pass base_url= or set IMAGEGEN_BASE_URL (the API's host is not "
                "published in its docs; the sandbox's is printed by `imagegen sandbox`)",
                field="base_url",
            )
        if auth_header not in ("bearer", "x-api-key"):
            raise InvalidRequestError(
                f"auth_header must be 'bearer' or 'x-api-key', got {auth_header!r}",
                field="auth_header",
            )
        self.base_url = check_base_url(url)
        # Each request's URL is this text plus the operation's path, parsed once by httpx as it
        # builds the request (URL.copy_with per request would parse and check it twice).
        self._url_prefix = str(self.base_url).rstrip("/")
        self.auth_header: AuthHeader = auth_header
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.retry = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self.pacer = _pacer(pacing, self.clock, limiter)
        self.observer = Observer(on_event)
        self._key = Secret(key)
        self._known: collections.deque[str] = collections.deque(maxlen=_KNOWN_IDS)
        self._known_set: set[str] = set()
        self._known_lock = threading.Lock()
        if http_client is not None and not isinstance(http_client, http_type):
            other = "AsyncClient" if http_type is httpx.Client else "Client"
            raise InvalidRequestError(
                f"http_client must be an httpx.{http_type.__name__} (use {other} for an "
                f"httpx.{type(http_client).__name__})",
                field="http_client",
            )
        self.owns_http = http_client is None
        # The User-Agent of every request, made once; None where the caller's http client
        # sets its own, which is then sent as it is.
        self.user_agent = user_agent(app_info, http_client)
        self.timeout = timeout_for(timeout, self.owns_http)
        # One we make gets the client's timeout as its default too, so the requests it sends
        # that are not API calls (downloads of outputs) wait no longer and no shorter; a
        # caller's http client keeps its own. It has the User-Agent as a default header (free
        # per request); a caller's, whose defaults are theirs, gets it on each request instead
        # (`_request_agent`), set on the request built (cheaper than merged into it by httpx).
        self._request_agent: str | None
        if http_client is None:
            assert self.user_agent is not None
            self.http = http_type(timeout=self.timeout, headers={"User-Agent": self.user_agent})
            self._request_agent = None
        else:
            self.http = http_client
            self._request_agent = self.user_agent

    # -- requests ------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        if self.auth_header == "x-api-key":
            return {"X-API-Key": self._key.reveal()}
        return {"Authorization": f"Bearer {self._key.reveal()}"}

    def build(self, operation: Operation) -> httpx.Request:
        kwargs = operation.kwargs
        headers = self.auth_headers()
        if "headers" in kwargs:
            headers = {**kwargs["headers"], **headers}
        extra = {name: value for name, value in kwargs.items() if name not in _PLACED}
        if self.timeout is not None:
            extra["timeout"] = self.timeout
        request = self.http.build_request(
            kwargs["method"].upper(), self._url_prefix + kwargs["url"], headers=headers, **extra
        )
        if self._request_agent is not None:
            request.headers["User-Agent"] = self._request_agent
        return request

    def follow(self, request: httpx.Request, response: httpx.Response) -> httpx.Request | None:
        """The request that follows a redirect answer, or None when the answer is final.

        Within the origin, the request goes as it was; across origins, without either auth
        header (httpx strips `Authorization` there, but not `X-API-Key`, so it is done here).
        """
        if response.status_code not in _REDIRECT_STATUSES:
            return None
        location = response.headers.get("location")
        if not location:
            return None
        try:
            url = request.url.join(location)
        except httpx.InvalidURL:
            return None
        headers = httpx.Headers(request.headers)
        headers.pop("host", None)
        if _origin(url) != _origin(request.url):
            headers.pop("authorization", None)
            headers.pop("x-api-key", None)
            logger.debug("redirect to another origin (%s): auth headers dropped", url.host)
        method, content = request.method, request.content
        if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
            method, content = "GET", b""
            for name in ("content-type", "content-length"):
                headers.pop(name, None)
        return httpx.Request(
            method, url, headers=headers, content=content or None, extensions=request.extensions
        )

    def connection_error(self, exc: httpx.RequestError) -> APIConnectionError:
        """The SDK's exception for a request that got no usable answer.

        Every `httpx.RequestError` comes here, not only transport errors: a body whose
        Content-Encoding lies (`DecodingError`) is an answer nobody can read, too many
        redirects is no answer. `request_sent` says whether the server may have received the
        request: a failure to connect (or to get a pooled connection) means it never left;
        anything later is ambiguous.
        """
        not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.DecodingError):
            detail = f"the answer's body could not be decoded as its headers say ({detail})"
        # httpcore's words for a connection closed before a byte of answer: what a server does
        # to a pooled keep-alive connection that sat idle past its keep-alive timeout.
        stale = isinstance(exc, httpx.RemoteProtocolError) and "without sending" in detail
        error: APIConnectionError
        if isinstance(exc, httpx.TimeoutException):
            error = APITimeoutError(f"No answer in time: {detail}", request_sent=not not_sent)
        else:
            error = APIConnectionError(
                f"No answer from the API: {detail}",
                request_sent=not not_sent,
                stale_connection=stale,
            )
        self._forget_key(exc)
        scrub_error(error)
        return error

    def broken_answer(
        self, operation: Operation, response: httpx.Response, exc: httpx.RequestError
    ) -> ImagegenError:
        """The SDK's exception for an answer whose status line came but whose body broke off.

        For a create answered with its success status in the spec (201) that is not a lost
        connection: the server said it created the generation, so it must never be sent again
        (`_retry.decide` gives a 2xx `LOOK`). Anything else, another 2xx included (no answer
        the API gives a create), is no usable answer, as a connection lost before it would be.
        """
        documented = SPEC_OPERATIONS[operation.operation_id]["success"]
        if not (operation.creates and response.status_code in documented):
            return self.connection_error(exc)
        error = unexpected_body(response, f"the body broke off ({str(exc) or type(exc).__name__})")
        error.retryable = decide(error, creates=True).sends_again
        self._forget_key(exc)
        return scrub_error(error)  # type: ignore[return-value]

    def _forget_key(self, exc: httpx.RequestError) -> None:
        """Take the key out of the request an httpx exception holds: the SDK's exception is
        chained to it, and whoever inspects the chain must not find the key there."""
        try:
            headers = exc.request.headers
        except RuntimeError:  # raised without a request
            return
        for name in ("authorization", "x-api-key"):
            if name in headers:
                headers[name] = "<redacted>"

    def parse(self, operation: Operation, response: httpx.Response) -> Any:
        if logger.isEnabledFor(logging.DEBUG):  # its arguments cost more than the check
            logger.debug(
                "%s %s -> %d (request id %s)",
                response.request.method,
                response.request.url,
                response.status_code,
                response.headers.get("x-request-id"),
            )
        try:
            result = _parse_response()(operation.operation_id, response, now=self.clock.time())
        except APIError as exc:
            exc.retryable = decide(exc, creates=operation.creates).sends_again
            raise scrub_error(exc) from None
        request_id = result.response.request_id
        if request_id is not None and self._key.reveal() in request_id:
            result = _without_key(result, self._key)  # a server that echoes the key
        return result

    def retry_state(self, operation: Operation, deadline: float | None = None) -> RetryState:
        return RetryState(
            self.retry,
            self.clock,
            operation=operation.operation_id,
            creates=operation.creates,
            deadline=deadline,
        )

    # -- generations this client made ----------------------------------------------------

    def created(self, created: CreatedGeneration) -> None:
        with self._known_lock:
            if created.id not in self._known_set:
                if len(self._known) == self._known.maxlen:
                    self._known_set.discard(self._known[0])
                self._known.append(created.id)
                self._known_set.add(created.id)
        if self.pacer is not None:
            self.pacer.record_create(created.id)
        logger.info(
            "created generation %s (%s, %d credits); wait for it with images.wait(%r)",
            created.id,
            created.status,
            created.credit_cost,
            created.id,
        )

    def observed(self, generation: Generation) -> Generation:
        if self.pacer is not None:
            self.pacer.observe(generation)
        return generation

    def match_lost_create(
        self,
        page: GenerationPage,
        body: CreateImageRequest,
        window: tuple[float, float],
        taken: Callable[[Collection[str]], Collection[str]] | None = None,
    ) -> Generation | None:
        """The listed generation a lost create made, if any: newest first, not one this client
        already knows, with the prompt and every other field it was sent with that the list
        shows, and either created within `window` (epoch seconds, on the clock `lost_create_window`
        chose) or the newest generation of the account and still in progress.

        The second test needs no clock at all: the account runs one generation at a time, so
        while the one a lost create made is in progress nothing newer can exist. It keeps the
        match right when the server's `Date` and `createdAt` disagree, or it sends no `Date`.
        """
        from imagegen._api.types import Unset

        expected: dict[str, object] = {"prompt": body.prompt}
        for field in ("name", "num_outputs", "is_public"):
            value = getattr(body, field)
            if not isinstance(value, Unset):
                expected["output_number" if field == "num_outputs" else field] = value
        if not isinstance(body.aspect_ratio, Unset):
            expected["aspect_ratio"] = body.aspect_ratio.value
        with self._known_lock:
            known = set(self._known_set)
        if taken is not None:
            known.update(taken([generation.id for generation in page.generations]))
        earliest, latest = window
        for index, generation in enumerate(page.generations):
            if generation.id in known:
                continue
            if any(getattr(generation, f) not in (v, None) for f, v in expected.items()):
                continue
            if index == 0 and generation.status in _IN_PROGRESS:
                return generation
            created = _as_utc(generation.created_at).timestamp()
            if earliest <= created <= latest:
                return generation
        return None

    def lost_create_window(
        self, list_answer: httpx.Response, sent_at: float, sent_mono: float
    ) -> tuple[float, float]:
        """When (epoch seconds, on the server's clock where it can be known) a generation made
        by a create sent at `sent_at` (client epoch) / `sent_mono` (client monotonic) can have
        been created, as seen from the listImages answer that reconciles it.

        The server's clock is what `createdAt` is written on, and it may differ from ours by any
        amount (a machine whose clock is a day off, a sandbox whose clock runs fast). Its `Date`
        header says what time it was there when it answered the list: the create was sent the
        time we waited since before that, by our clock. Without a `Date`, our own clock is all
        there is. Either way `RetryPolicy.clock_skew` is the slack on both ends.
        """
        slack = self.retry.clock_skew
        server_now = _http_date(list_answer.headers.get("date"))
        if server_now is None:
            return sent_at - slack, self.clock.time() + slack
        waited = max(self.clock.monotonic() - sent_mono, 0.0)
        return server_now - waited - slack, server_now + slack

    def recovered(self, generation: Generation, why: str) -> CreatedGeneration:
        logger.warning(
            "the create's outcome was unknown (%s); generation %s, listed as made by it, is "
            "returned instead of sending the create again",
            why,
            generation.id,
        )
        created = CreatedGeneration(
            id=generation.id,
            status=generation.status,
            credit_cost=generation.credit_cost,
        )
        self.created(created)
        self.observed(generation)
        return created

    def for_key(self, api_key: str) -> ClientCore:
        """This configuration with another key (of another account: a batch's pool of keys).
        It shares the http client and the clock; its pacing is its own account's, on the same
        limiter if that is shared (keyed by account), else on one of its own."""
        other = copy.copy(self)
        other._key = Secret(_checked_key(api_key))
        other._known = collections.deque(maxlen=_KNOWN_IDS)
        other._known_set = set()
        other._known_lock = threading.Lock()
        if self.pacer is not None:
            shared = self.pacer.account != OWN_ACCOUNT
            limiter = self.pacer.limiter if shared else InProcessLimiter()
            other.pacer = CreatePacer(
                self.pacer.pacing, self.clock, limiter, account=None if shared else OWN_ACCOUNT
            )
        # Its http client is this one's, which this one closes.
        other.owns_http = False
        return other

    def summary(self) -> str:
        return f"base_url={str(self.base_url)!r}, auth_header={self.auth_header!r}"

    # -- plans: every call, written once -------------------------------------------------

    def exchange_plan(self, operation: Operation) -> Plan[httpx.Response]:
        """Send an API request and read its answer, following redirects by hand (`follow`).
        Every failure to get an answer is the SDK's exception here, as the retries expect."""
        request = self.build(operation)
        observer = self.observer
        for _ in range(MAX_REDIRECTS + 1):
            started = self.clock.monotonic() if observer.hook is not None else 0.0
            try:
                response: httpx.Response = yield Transmit(request)
            except httpx.RequestError as exc:
                error = self.connection_error(exc)
                self._observe_request(operation, request, started, None, error)
                raise error from exc
            following = self.follow(request, response)
            if following is None:
                try:
                    yield Read(response)
                except httpx.RequestError as exc:
                    yield Close(response)
                    broken = self.broken_answer(operation, response, exc)
                    self._observe_request(operation, request, started, response, broken)
                    raise broken from exc
                if observer.hook is not None:
                    self._observe_request(operation, request, started, response, None)
                return response
            self._observe_request(operation, request, started, response, None)
            yield Close(response)
            request = following
        # Still a redirect after as many as a browser follows: an answer no call can use.
        raise UnexpectedResponseError(
            f"HTTP {response.status_code}: more than {MAX_REDIRECTS} redirects (the last to "
            f"{request.url.host}); is the base URL the API's?",
            status_code=response.status_code,
            code=UNEXPECTED_RESPONSE,
            request_id=response.headers.get("x-request-id"),
            headers=response.headers,
        )

    def _observe_request(
        self,
        operation: Operation,
        request: httpx.Request,
        started: float,
        response: httpx.Response | None,
        error: ImagegenError | None,
    ) -> None:
        if self.observer.hook is None:
            return
        self.observer.emit(
            "request",
            operation=operation.operation_id,
            method=request.method,
            status=None if response is None else response.status_code,
            request_id=None if response is None else response.headers.get("x-request-id"),
            elapsed=max(self.clock.monotonic() - started, 0.0),
            error=None if error is None else describe(error),
        )

    def _observe_retry(self, operation: str, state: RetryState, delay: float, cause: Any) -> None:
        self.observer.emit(
            "retry", operation=operation, attempt=state.retries, delay=delay, cause=describe(cause)
        )

    def call_plan(self, operation: Operation, deadline: float | None = None) -> Plan[Any]:
        """A read (or any call that creates nothing): sent, parsed, retried by the policy.

        `deadline` (the clock's monotonic time) is that of a wait the call serves: no retry
        sleeps past it."""
        result, _ = yield from self.answered_plan(operation, deadline)
        return result

    def answered_plan(
        self, operation: Operation, deadline: float | None = None
    ) -> Plan[tuple[Any, httpx.Response]]:
        """`call_plan`, returning the answer it parsed too (for its headers)."""
        state = self.retry_state(operation, deadline)  # now: the budget runs from the first send
        while True:
            try:
                response = yield from self.exchange_plan(operation)
                result = self.parse(operation, response)
            except (APIError, APIConnectionError) as exc:
                delay = state.next_delay(exc)
                if delay is None:
                    given_up(exc, operation)
                    raise exc
                self._observe_retry(operation.operation_id, state, delay, exc)
                yield Sleep(delay)
                continue
            if isinstance(result, Generation):
                yield from self.limits_plan(functools.partial(self.observed, result))
            return result, response

    def create_plan(self, body: CreateImageRequest) -> Plan[CreatedGeneration]:
        """A create: paced, then sent; sent again only where nothing was created, and where it
        may have been created only once listImages shows it was not (`_retry.decide`).

        One create at a time per client (its create lock), so pacing sees them all."""
        created: CreatedGeneration = yield WithCreateLock(self._create_plan(body))
        return created

    def _create_plan(self, body: CreateImageRequest) -> Plan[CreatedGeneration]:
        try:
            return (yield from self._paced_create_plan(body))
        finally:
            # The lease pacing took goes back unless a generation now holds it (recorded by
            # `created`): the create failed, or the plan was stopped.
            if self.pacer is not None:
                self.pacer.abandon()

    def _paced_create_plan(self, body: CreateImageRequest) -> Plan[CreatedGeneration]:
        yield from self.pace_plan()
        operation = create_image_operation(body)
        state = self.retry_state(operation)
        while True:
            sent_at, sent_mono = self.clock.time(), self.clock.monotonic()
            try:
                response = yield from self.exchange_plan(operation)
                created: CreatedGeneration = self.parse(operation, response)
            except (APIError, APIConnectionError) as exc:
                outcome = decide(exc, creates=True)
                if outcome in (Outcome.RETRY, Outcome.NEVER):
                    delay = state.next_delay(exc)
                    if delay is None:
                        given_up(exc, operation)
                        raise exc
                    self._observe_retry(operation.operation_id, state, delay, exc)
                    yield Sleep(delay)
                    continue
                # It may exist. Unless the server said it was created (a 2xx we could not
                # read), wait as for a retry first: the server may still be committing it.
                delay = state.next_delay(exc) if outcome is Outcome.LOOK_THEN_RETRY else None
                if delay is not None:
                    self._observe_retry(operation.operation_id, state, delay, exc)
                    yield Sleep(delay)
                found = yield from self.reconcile_plan(body, sent_at, sent_mono, exc)
                if found is not None:
                    return found
                if delay is None:
                    given_up(exc, operation)
                    raise exc
                logger.warning(
                    "the create is not in listImages: nothing was created, sending it again"
                )
                continue
            yield from self.limits_plan(functools.partial(self.created, created))
            return created

    def reconcile_plan(
        self, body: CreateImageRequest, sent_at: float, sent_mono: float, cause: ImagegenError
    ) -> Plan[CreatedGeneration | None]:
        """Look in listImages for the generation a lost create made. If the list cannot be
        read, the create's own failure is raised: sending again could charge twice."""
        try:
            page, answer = yield from self.answered_plan(
                list_images_operation(limit=_RECONCILE_PAGE)
            )
        except (APIError, APIConnectionError) as exc:
            logger.warning("could not look for the lost create in listImages: %s", describe(exc))
            # Not sent again, and not to be: it may have been made, and nothing says it was not.
            if isinstance(cause, APIError | APIConnectionError):
                cause.retryable = False
            raise cause from exc
        window = self.lost_create_window(answer, sent_at, sent_mono)
        found = self.match_lost_create(page, body, window)
        self.observer.emit(
            "reconcile", found=found is not None, generation_id=found.id if found else None
        )
        if found is None:
            return None
        why = describe(cause)
        return (yield from self.limits_plan(lambda: self.recovered(found, why)))

    def find_lost_plan(
        self,
        body: CreateImageRequest,
        sent_at: float,
        taken: Callable[[Collection[str]], Collection[str]],
    ) -> Plan[CreatedGeneration | None]:
        """The generation a create recorded as sent at `sent_at` (epoch seconds, this clock)
        made, if listImages shows one: the create of a process that stopped before it heard the
        answer (a batch's journal says `sending`). `taken(ids)` says which of the listed ids are
        known to be others' (made by other items of the batch)."""
        page, answer = yield from self.answered_plan(list_images_operation(limit=_RECONCILE_PAGE))
        # The monotonic moment of the send, as if this process had made it (for the window).
        sent_mono = self.clock.monotonic() - max(self.clock.time() - sent_at, 0.0)
        window = self.lost_create_window(answer, sent_at, sent_mono)
        found = self.match_lost_create(page, body, window, taken)
        self.observer.emit(
            "reconcile", found=found is not None, generation_id=found.id if found else None
        )
        if found is None:
            return None
        why = "its process stopped before it was answered"
        return (yield from self.limits_plan(lambda: self.recovered(found, why)))

    def limits_plan(self, call: Callable[[], T]) -> Plan[T]:
        """Do `call`, a step of pacing that may ask the limiter. A shared limiter's step (a
        SQLite transaction that may wait for the file's lock, a Redis round trip) is offloaded:
        the async client does it in a worker thread, so its event loop never waits on it. The
        one step not offloaded is giving back the lease of a create that failed (`abandon`, in a
        `finally` that cannot wait)."""
        if self.pacer is not None and self.pacer.limiter.shared:
            done: T = yield Offload(call)
            return done
        return call()

    def pace_plan(self) -> Plan[None]:
        """Wait until a create fits the pacing: this client's generations in progress waited
        out, the account's in-progress lease held, and room in the account's window.

        The lease is taken before the window is asked (so the window's place is taken only
        just before the create is sent) and held while waiting for the window, renewed at each
        turn: the sleeps are shorter than its TTL."""
        pacer = self.pacer
        if pacer is None:
            return
        if pacer.account is None:
            # A shared limiter keys the limits by account, which getStatus names (keys of one
            # account share its limits). Asked once per client.
            status = yield from self.call_plan(get_status_operation())
            pacer.account = str(status.account_id)
        while True:
            blocking = pacer.blocking()
            if blocking:
                generation_id = blocking[0]
                logger.info("pacing: waiting for generation %s to finish first", generation_id)
                self.observer.emit(
                    "pacing", limit="in_progress", seconds=None, generation_id=generation_id
                )
                try:
                    yield from self.wait_plan(generation_id, timeout=pacer.pacing.max_wait)
                except ImagegenError as exc:
                    logger.info("pacing: stopped waiting for %s: %s", generation_id, exc)
                # Done with it, or given up on (the server decides then). Not on the way out of
                # a cancelled or interrupted create: the generation is still in progress, and the
                # next create must wait for it as this one did.
                yield from self.limits_plan(functools.partial(pacer.forget, generation_id))
                continue
            delay = yield from self.limits_plan(pacer.lease_wait)
            if delay > 0:
                logger.info(
                    "pacing: another client of the account has a generation in progress; "
                    "asking again in %.1f s",
                    delay,
                )
                self.observer.emit("pacing", limit="lease", seconds=delay)
                yield Sleep(delay)
                continue
            delay = yield from self.limits_plan(pacer.window_wait)
            if delay <= 0:
                return
            logger.info("pacing: waiting %.1f s for room in the create rate window", delay)
            self.observer.emit("pacing", limit="window", seconds=delay)
            yield Sleep(min(delay, pacer.pacing.lease_ttl / 3))

    def wait_plan(
        self,
        generation_id: object,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        on_update: OnUpdate | None = None,
        schedule: _polling.PollSchedule | None = None,
    ) -> Plan[Generation]:
        """Poll the generation until it succeeds (`_polling` chooses when to look)."""
        from ._polling import wait_plan

        def look(generation_id: str, deadline: float | None) -> Plan[Generation]:
            generation: Generation = yield from self.call_plan(
                get_image_operation(generation_id), deadline
            )
            return generation

        return (
            yield from wait_plan(
                look,
                generation_id=str(_params.uuid(generation_id, "generation_id")),
                clock=self.clock,
                timeout=timeout,
                on_update=on_update,
                schedule=schedule,
                observer=self.observer,
            )
        )

    def download_plan(
        self,
        generation: Generation | str | UUID,
        directory: str | os.PathLike[str],
        *,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        strict: bool = True,
    ) -> Plan[_download.DownloadedFiles]:
        """Save the generation's outputs (`_download`); a generation given by id is got first."""
        if not isinstance(generation, Generation):
            got: Generation = yield from self.call_plan(get_image_operation(generation))
            generation = got
        from ._download import download_plan

        return (
            yield from download_plan(
                self.http,
                generation,
                directory,
                max_bytes=max_bytes,
                strict=strict,
                retry=self.retry,
                clock=self.clock,
                observer=self.observer,
                user_agent=self._request_agent,
            )
        )


# -- helpers shared by both resources -------------------------------------------------------


def given_up(error: APIError | APIConnectionError, operation: Operation) -> None:
    """Before `error` is raised after the retries: its `.retryable` says what the one retry
    rule says of it, for an answer (set as it was parsed) and for no answer alike."""
    error.retryable = decide(error, creates=operation.creates).sends_again


@functools.cache
def _parse_response() -> Callable[..., Any]:
    # Loaded at the first answer (`_parsing` costs milliseconds to import); on the hot path a
    # cached call costs less than an import statement.
    from ._parsing import parse_response

    return parse_response


def _without_key(result: Any, key: Secret) -> Any:
    """`result` with the key taken out of its answer's request id (its repr shows it)."""
    import attrs

    request_id = result.response.request_id.replace(key.reveal(), REDACTED)
    return attrs.evolve(result, response=attrs.evolve(result.response, request_id=request_id))


def _pacer(
    pacing: Pacing | None, clock: Clock, limiter: Limiter | str | None
) -> CreatePacer | None:
    """The client's pacer, on the limiter chosen (`limiter=`, else `IMAGEGEN_LIMITER_URL`, else
    one in memory of its own); None when pacing is off (and any limiter is unused)."""
    chosen, shared = resolve_limiter(limiter)
    if pacing is None:
        return None
    return CreatePacer(pacing, clock, chosen, account=None if shared else OWN_ACCOUNT)


def _checked_key(key: str | None) -> str:
    """The API key, once it is one a header can carry; never quoted in the error."""
    if not key:
        raise InvalidRequestError(
            "No API key: pass api_key= or set IMAGEGEN_API_KEY", field="api_key"
        )
    if not key.isascii():
        # Never quote the key: say where it is wrong. Headers are ASCII; no key is not.
        position = next(i for i, char in enumerate(key) if not char.isascii())
        raise InvalidRequestError(
            f"api_key holds a character that is not ASCII at position {position} (a key "
            "copied through a word processor or read with the wrong encoding?); API keys "
            "are plain ASCII: pass the key as issued",
            field="api_key",
        )
    if any(char.isspace() or not char.isprintable() for char in key):
        # Never quote the key: say what is wrong with it.
        raise InvalidRequestError(
            "api_key contains whitespace or control characters (a stray newline from a file "
            "or an environment variable?); pass the key alone",
            field="api_key",
        )
    return key


def user_agent(
    app_info: str | None, http_client: httpx.Client | httpx.AsyncClient | None
) -> str | None:
    """The User-Agent of a client's requests: `imagegen-python/V httpx/V python/V`, then
    `app_info` (checked: printable ASCII) after a space. None when the caller's `http_client`
    sets a User-Agent of its own (one other than httpx's default `python-httpx/V`): never
    overridden. `app_info` is checked either way, so a bad one fails the same everywhere."""
    import platform

    from . import __version__

    if app_info is not None:
        app_info = _checked_app_info(app_info)
    if http_client is not None:
        theirs = http_client.headers.get("user-agent")
        if theirs is not None and theirs != f"python-httpx/{httpx.__version__}":
            if app_info is not None:
                logger.warning(
                    "app_info is not sent: the http_client given sets its own User-Agent, "
                    "which is sent as it is"
                )
            return None
    ours = (
        f"imagegen-python/{__version__} httpx/{httpx.__version__} "
        f"python/{platform.python_version()}"
    )
    return f"{ours} {app_info}" if app_info is not None else ours


def _checked_app_info(app_info: object) -> str:
    """`app_info` as a User-Agent can carry it (its ends' spaces dropped); says what to change."""
    example = 'app_info="myapp/1.2 (+https://example.com)"'
    if not isinstance(app_info, str):
        raise InvalidRequestError(
            f"app_info must be a string, such as {example}; got {type(app_info).__name__}",
            field="app_info",
        )
    for position, char in enumerate(app_info):
        if char in "\r\n":
            raise InvalidRequestError(
                f"app_info holds a line break at position {position}: a header is one line; "
                f"pass the name and version alone, such as {example}",
                field="app_info",
            )
        if not " " <= char <= "~":
            raise InvalidRequestError(
                f"app_info holds {char!r} at position {position}, which a User-Agent cannot "
                "carry: use printable ASCII only (letters, digits, spaces and punctuation), "
                f"such as {example}",
                field="app_info",
            )
    stripped = app_info.strip()
    if not stripped:
        raise InvalidRequestError(
            f"app_info is empty: give your application's name and version, such as {example}, "
            "or leave app_info out",
            field="app_info",
        )
    return stripped


def timeout_for(timeout: Any, owned: bool) -> httpx.Timeout | None:
    """The per-request timeout: ours when given (or when the http client is ours), else none,
    so a caller's http client keeps its own."""
    if timeout is DEFAULT:
        return httpx.Timeout(DEFAULT_TIMEOUT) if owned else None
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if timeout is None:
        raise InvalidRequestError(
            "timeout=None would let a request hang forever; give a number of seconds",
            field="timeout",
        )
    return httpx.Timeout(float(timeout))
