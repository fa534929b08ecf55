"""Where a retry is decided: which failures may be tried again, and after how long.

Two kinds of request, two rules:

- Reads (getStatus, getAccount, listImages, getImage) change nothing, so they are retried on
  anything transient: no answer (connection error or timeout), 429, 500, 502, 503 and 504.
- Creates cost credits, so a create is retried only where the API guarantees nothing was
  created: 429 (RATE_LIMIT_ERROR, CONCURRENT_GENERATION_ERROR), GENERATION_START_FAILED,
  GENERATION_INIT_FAILED, 503, and a connection that failed before the request went out. A
  connection lost *after* sending is ambiguous: the client reconciles against listImages before
  it sends again (see `_client`); this module only says the failure is ambiguous.

INSUFFICIENT_CREDITS, NSFW, authentication and validation errors are never retried: sending the
same request again cannot change the answer.

The delay is jittered exponential backoff (as stamina and tenacity do it), or what the server
asked for (`X-RateLimit-Reset`, `Retry-After`) when it said, within a total time budget. The
loops that sleep live in the client (one sync, one async); every decision is made here, once.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
import time
from collections.abc import Mapping

import attrs

from ._clock import Clock
from ._errors import APIConnectionError, APIError, ImagegenError

__all__ = [
    "RetryPolicy",
    "RetryState",
    "answer_is_retryable",
    "create_outcome_unknown",
    "delay_requested",
]

logger = logging.getLogger("imagegen")

# Values of X-RateLimit-Reset above this are a moment (Unix seconds), below it a delay.
_EPOCH_THRESHOLD = 1e9

_READ_STATUSES = frozenset({429, 500, 502, 503, 504})
_GATEWAY_STATUSES = frozenset({502, 504})


@functools.cache
def _code_rules() -> tuple[frozenset[str], frozenset[str]]:
    """(codes never retried, codes with which the API says a create made nothing and may be
    sent again). Built on first use: the generated `ErrorCode` is loaded only when an error
    needs deciding, not by `import imagegen` (importing it builds every generated model)."""
    from imagegen_api.models import ErrorCode

    never = frozenset(
        {
            ErrorCode.INSUFFICIENT_CREDITS,
            ErrorCode.NSFW_CONTENT_DETECTED,
            ErrorCode.AUTHENTICATION_FAILED,
            ErrorCode.MISSING_API_TOKEN,
            ErrorCode.INVALID_API_TOKEN,
            ErrorCode.VALIDATION_ERROR,
            ErrorCode.INVALID_JSON,
            ErrorCode.INVALID_IMAGE,
            ErrorCode.IMAGE_INACCESSIBLE,
            ErrorCode.IMAGE_DOWNLOAD_FAILED,
            ErrorCode.IMAGE_SIZE_LIMIT_EXCEEDED,
            ErrorCode.GENERATION_NOT_FOUND,
            ErrorCode.INVALID_GENERATION_ID,
            ErrorCode.ACCOUNT_NOT_FOUND,
        }
    )
    creates = frozenset(
        {
            ErrorCode.RATE_LIMIT_ERROR,
            ErrorCode.CONCURRENT_GENERATION_ERROR,
            ErrorCode.GENERATION_START_FAILED,
            ErrorCode.GENERATION_INIT_FAILED,
        }
    )
    return never, creates


def answer_is_retryable(status: int, code: str, *, creates: bool) -> bool:
    """Whether an error answer may be retried: by a read, or (`creates`) by a create."""
    never_retried, create_codes = _code_rules()
    if code in never_retried:
        return False
    if creates:
        return code in create_codes or status == 503
    return status in _READ_STATUSES


def delay_requested(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from `X-RateLimit-Reset` and `Retry-After`.

    `X-RateLimit-Reset` is read as a Unix time when above 10^9, else as seconds from now (the
    docs do not say which). `Retry-After` is seconds or an HTTP date. The longer of the two wins;
    None when neither is there (or neither parses).
    """
    current = time.time() if now is None else now
    delays: list[float] = []
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is not None:
        delays.append(reset - current if reset > _EPOCH_THRESHOLD else reset)
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        seconds = _number(retry_after)
        if seconds is None:
            seconds = _http_date_delay(retry_after, current)
        if seconds is not None:
            delays.append(seconds)
    if not delays:
        return None
    return max(0.0, *delays)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _http_date_delay(value: str, now: float) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp() - now


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How hard to try again. `max_retries=0` disables retries.

    The n-th retry waits `min(max_delay, initial_delay * multiplier**(n-1)) + uniform(0, jitter)`
    seconds, or what the server asked for when it said (up to `max_server_delay`). No retry
    starts once `budget` seconds have passed since the first attempt, nor one whose wait would
    end past it.
    """

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1))
    jitter: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    budget: float = attrs.field(default=180.0, validator=attrs.validators.ge(0))
    max_server_delay: float = attrs.field(default=120.0, validator=attrs.validators.ge(0))
    # Reconciling an ambiguous create: how far apart the client's and the server's clocks may
    # be when matching a listed generation's createdAt against the moment the create was sent.
    clock_skew: float = attrs.field(default=120.0, validator=attrs.validators.ge(0))

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """The wait before retry number `retry_number` (1-based) when the server named none."""
        exponent = max(retry_number - 1, 0)
        base = min(self.max_delay, self.initial_delay * self.multiplier**exponent)
        spread = (rng or random).uniform(0.0, self.jitter) if self.jitter else 0.0
        return base + spread


def failure_is_retryable(error: ImagegenError, *, creates: bool) -> bool:
    """Whether this failure of a read or a create may be retried as it is.

    For a create, a connection error is retryable only when the request was never sent; an
    ambiguous one (`request_sent`) needs reconciling first and is not retryable here.
    """
    if isinstance(error, APIError):
        return answer_is_retryable(error.status_code, error.code, creates=creates)
    if isinstance(error, APIConnectionError):
        return not creates or not error.request_sent
    return False


def create_outcome_unknown(error: ImagegenError) -> bool:
    """Whether a create that failed this way may nonetheless have created a generation.

    - the connection broke, or the answer timed out, after the request was sent;
    - a gateway answered 502 or 504 (the API documents neither: a proxy in front of it did,
      and the API behind it may have taken the request);
    - a 2xx arrived whose body could not be read (created, but the id is lost).
    """
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIError):
        return error.status_code in _GATEWAY_STATUSES or 200 <= error.status_code <= 299
    return False


class RetryState:
    """The retries of one call: counts them, chooses each wait, logs each retry."""

    def __init__(
        self,
        policy: RetryPolicy,
        clock: Clock,
        *,
        operation: str,
        creates: bool,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.operation = operation
        self.creates = creates
        self.retries = 0
        self._rng = rng
        self._started = clock.monotonic()

    def next_delay(self, error: ImagegenError, *, ambiguous_ok: bool = False) -> float | None:
        """The seconds to wait before trying again, or None to give up and raise `error`.

        `ambiguous_ok`: the caller reconciles an ambiguous create failure before it sends the
        create again, so a connection lost after sending counts as retryable.
        """
        ambiguous = ambiguous_ok and self.creates and create_outcome_unknown(error)
        retryable = ambiguous or failure_is_retryable(error, creates=self.creates)
        if not retryable or self.retries >= self.policy.max_retries:
            return None
        requested = error.retry_after if isinstance(error, APIError) else None
        if requested is not None:
            delay = min(requested, self.policy.max_server_delay)
        else:
            delay = self.policy.backoff(self.retries + 1, self._rng)
        elapsed = self.clock.monotonic() - self._started
        if elapsed + delay > self.policy.budget:
            logger.info(
                "not retrying %s: waiting %.1f s would pass the %.0f s retry budget (%s)",
                self.operation,
                delay,
                self.policy.budget,
                describe(error),
            )
            return None
        self.retries += 1
        template = (
            "%s may have taken effect: looking for it in listImages in %.2f s, sending it again "
            "only if absent (retry %d of %d): %s"
            if ambiguous
            else "retrying %s in %.2f s (retry %d of %d): %s"
        )
        logger.warning(
            template,
            self.operation,
            delay,
            self.retries,
            self.policy.max_retries,
            describe(error),
        )
        return delay


def describe(error: ImagegenError) -> str:
    """One line for a log: what failed, with the request id when there was an answer."""
    if isinstance(error, APIError):
        rid = error.request_id or "none"
        return f"HTTP {error.status_code} {error.code}, request id {rid}"
    rid = getattr(error, "request_id", None) or "none (no answer)"
    return f"{type(error).__name__}: {error}, request id {rid}"
