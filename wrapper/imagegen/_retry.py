"""Where a retry is decided: which failures may be tried again, and after how long.

`decide` is the one rule. The client's retry loops follow it, and `APIError.retryable` is what
it says of that answer on that request (the client sets it on every error it raises), so the
two always agree. Two kinds of request:

- Reads (getStatus, getAccount, listImages, getImage) change nothing, so they are retried on
  anything transient: no answer (connection error or timeout), 429, 500, 502, 503 and 504.
- Creates cost credits, so a create is sent again only where nothing was created: 429,
  GENERATION_START_FAILED and GENERATION_INIT_FAILED (500s the docs say created nothing), 503,
  and a connection that failed before the request went out. Where the create may have taken
  effect (the connection broke after sending, a gateway's 502/504), the client first looks in
  listImages for it (`LOOK_THEN_RETRY`); after a 2xx it could not read, it only looks (`LOOK`):
  the server said it created something.

A code counts only with a status the docs give it (`_errors.code_fits_status`): a 503 whose body
says INVALID_API_TOKEN is a 503, retried as one. With its documented status, a code that
sending again cannot change (INSUFFICIENT_CREDITS, NSFW, authentication, validation, image
input, not found) is never retried.

The delay is jittered exponential backoff (as stamina and tenacity do it), or what the server
asked for (`X-RateLimit-Reset`, `Retry-After`) when it said, within a total time budget and
within the deadline of a wait the request serves.
"""

from __future__ import annotations

import enum
import logging
import random

import attrs

from imagegen._api.models import ErrorCode

from ._clock import Clock
from ._errors import (
    APIConnectionError,
    APIError,
    ImagegenError,
    code_fits_status,
    delay_requested,
)

__all__ = [
    "Outcome",
    "RetryPolicy",
    "RetryState",
    "decide",
    "delay_requested",
]

logger = logging.getLogger("imagegen")

_READ_STATUSES = frozenset({429, 500, 502, 503, 504})
# A create answered so was certainly not made: the API refused it before creating anything.
_CREATE_STATUSES = frozenset({429, 503})
# Statuses the API documents for none of its answers: a proxy in front of it sent them, and the
# API behind it may have taken a create.
_GATEWAY_STATUSES = frozenset({502, 504})


class Outcome(enum.Enum):
    """What the client does after a failure (`decide`)."""

    RETRY = "retry"
    """Send the same request again, after a delay."""
    LOOK_THEN_RETRY = "look-then-retry"
    """A create that may have taken effect: look for it in listImages; send it again (after a
    delay) only if it is not there."""
    LOOK = "look"
    """A create that took effect but whose answer could not be read: look for it in
    listImages, and never send it again."""
    NEVER = "never"
    """Raise: sending the same request again cannot help, or could charge twice."""

    @property
    def sends_again(self) -> bool:
        return self in (Outcome.RETRY, Outcome.LOOK_THEN_RETRY)


# Codes never retried: the same request would get the same answer.
_NEVER_RETRIED = frozenset(
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
# Codes with which the API says a create made nothing, so it may be sent again.
_CREATE_CODES = frozenset(
    {
        ErrorCode.RATE_LIMIT_ERROR,
        ErrorCode.CONCURRENT_GENERATION_ERROR,
        ErrorCode.GENERATION_START_FAILED,
        ErrorCode.GENERATION_INIT_FAILED,
    }
)


def decide(error: ImagegenError, *, creates: bool) -> Outcome:
    """What to do after `error` ended a read, or (`creates`) a create: the one retry rule."""
    if isinstance(error, APIConnectionError):
        if not creates or not error.request_sent:
            return Outcome.RETRY
        return Outcome.LOOK_THEN_RETRY
    if not isinstance(error, APIError):
        return Outcome.NEVER
    status = error.status_code
    if 200 <= status <= 299:
        # A 2xx we could not read (or one that reports a failure): for a create, made.
        return Outcome.LOOK if creates else Outcome.NEVER
    code = error.code if code_fits_status(error.code, status) else None
    if code in _NEVER_RETRIED:
        return Outcome.NEVER
    if creates:
        if code in _CREATE_CODES or status in _CREATE_STATUSES:
            return Outcome.RETRY
        if status in _GATEWAY_STATUSES:
            return Outcome.LOOK_THEN_RETRY
        return Outcome.NEVER
    return Outcome.RETRY if status in _READ_STATUSES else Outcome.NEVER


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
    # Reconciling a create that may have taken effect: the slack, in seconds, of the window in
    # which a listed generation's createdAt must lie. The window is on the server's own clock
    # (its `Date` header) where the server sends one, so the two clocks may disagree by any
    # amount; the slack covers whole-second timestamps and a server clock that runs fast.
    clock_skew: float = attrs.field(default=120.0, validator=attrs.validators.ge(0))

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """The wait before retry number `retry_number` (1-based) when the server named none."""
        exponent = max(retry_number - 1, 0)
        base = min(self.max_delay, self.initial_delay * self.multiplier**exponent)
        spread = (rng or random).uniform(0.0, self.jitter) if self.jitter else 0.0
        return base + spread


class RetryState:
    """The retries of one call: counts them, chooses each wait, logs each retry.

    `deadline` (on the clock's monotonic time) is that of a wait the call serves: no sleep runs
    past it, and no retry starts after it.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        clock: Clock,
        *,
        operation: str,
        creates: bool,
        deadline: float | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.operation = operation
        self.creates = creates
        self.deadline = deadline
        self.retries = 0
        self._rng = rng
        self._started = clock.monotonic()
        self._stale_retried = False

    def next_delay(self, error: ImagegenError) -> float | None:
        """The seconds to wait before sending again, or None to give up and raise `error`.

        For a create that may have taken effect (`LOOK_THEN_RETRY`) the caller looks in
        listImages after this wait, before it sends anything.
        """
        outcome = decide(error, creates=self.creates)
        if not outcome.sends_again:
            return None
        if self.retries >= self.policy.max_retries:
            return None
        if (
            not self.creates
            and isinstance(error, APIConnectionError)
            and error.stale_connection
            and not self._stale_retried
        ):
            # Most often a pooled keep-alive connection the server closed while it sat idle,
            # just as it was reused: the read never reached the server. Sent again at once (a
            # new connection), logged only at DEBUG: nothing failed that a user needs to hear
            # of. Once per call: a server that keeps hanging up is reported as usual.
            self._stale_retried = True
            self.retries += 1
            logger.debug("%s met a closed connection; sending it again", self.operation)
            return 0.0
        requested = error.retry_after if isinstance(error, APIError) else None
        if requested is not None:
            delay = min(requested, self.policy.max_server_delay)
        else:
            delay = self.policy.backoff(self.retries + 1, self._rng)
        now = self.clock.monotonic()
        if self.deadline is not None:
            if now >= self.deadline:
                return None
            # Sleep no later than the wait's deadline; the wait then ends there.
            delay = min(delay, self.deadline - now)
        if now - self._started + delay > self.policy.budget:
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
            if outcome is Outcome.LOOK_THEN_RETRY
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
