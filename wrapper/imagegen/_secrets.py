"""Where the API key is kept secret: the one holder of it, and the scrubbing of anything that
might show it.

A server may echo the key back anywhere: in a message, an error code, a header such as
`X-Request-ID`, a failure reason. So rather than scrub the fields we expect it in, everything an
exception carries is scrubbed as the client raises it (`scrub_error`), and every record of the
`imagegen` logger is scrubbed as it is emitted (`RedactingFilter`), whatever its arguments are.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Mapping

import attrs
import httpx

__all__ = ["REDACTED", "RedactingFilter", "Secret", "redact", "scrub_error"]

REDACTED = "<redacted>"

# Keys shorter than this are not scrubbed from text: replacing every "a" of a message would
# make it unreadable, and such a key is refused by any real API anyway.
_MIN_SCRUBBED = 6


class Secret:
    """Holds the API key so that no repr, str or format of anything shows it.

    Every live `Secret` is known to `redact`, so log records and errors from any client are
    scrubbed of every key in use in the process.
    """

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        with _lock:
            _live.add(self)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


_lock = threading.Lock()
_live: weakref.WeakSet[Secret] = weakref.WeakSet()


def _values() -> list[str]:
    with _lock:
        return [s._value for s in _live if len(s._value) >= _MIN_SCRUBBED]


def redact(text: str, secrets: list[str] | None = None) -> str:
    """`text` with every live key replaced by `<redacted>`."""
    for value in _values() if secrets is None else secrets:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def _scrubbed(value: object, secrets: list[str]) -> object:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, httpx.Headers):
        # As raw bytes: a server may send bytes no text encoding round-trips (b"\xff").
        raw = [(k, v) for k, v in value.raw]
        encoded = [secret.encode() for secret in secrets]
        if not any(secret in k or secret in v for k, v in raw for secret in encoded):
            return value
        return httpx.Headers(
            [(_redact_bytes(k, encoded), _redact_bytes(v, encoded)) for k, v in raw]
        )
    if isinstance(value, tuple):
        return tuple(_scrubbed(item, secrets) for item in value)
    if isinstance(value, list) and not vars_of(value):
        return [_scrubbed(item, secrets) for item in value]
    if isinstance(value, Mapping):
        return {_scrubbed(k, secrets): _scrubbed(v, secrets) for k, v in value.items()}
    cls = type(value)
    if attrs.has(cls):  # a result carried by the error (GenerationFailedError.generation)
        changes = {}
        for field in attrs.fields(cls):
            current = getattr(value, field.name)
            if isinstance(current, str | tuple) and _scrubbed(current, secrets) != current:
                changes[field.name] = _scrubbed(current, secrets)
        return attrs.evolve(value, **changes) if changes else value  # type: ignore[misc]
    return value


def _redact_bytes(value: bytes, secrets: list[bytes]) -> bytes:
    for secret in secrets:
        value = value.replace(secret, REDACTED.encode())
    return value


def vars_of(value: object) -> dict[str, object]:
    """The attributes of an object that carries some (a list subclass with a report on it)."""
    return getattr(value, "__dict__", None) or {}


def _scrub_attributes(holder: object, secrets: list[str]) -> None:
    """Scrub the attributes of `holder` in place, and of the objects they hold that carry
    attributes of their own (`DownloadError.files`, a list with its `.errors`)."""
    for name, value in list(vars_of(holder).items()):
        if isinstance(value, list) and vars_of(value):
            _scrub_attributes(value, secrets)
            value[:] = [_scrubbed(item, secrets) for item in value]
            continue
        scrubbed = _scrubbed(value, secrets)
        if scrubbed is not value:
            setattr(holder, name, scrubbed)


def scrub_error(error: BaseException) -> BaseException:
    """`error` with every live key scrubbed from its args and its attributes (message, code,
    body, request id, headers, ...), and so the exceptions chained to it (a traceback prints
    them too), in place; returned for `raise scrub_error(exc)`."""
    secrets = _values()
    seen: set[int] = set()
    current: BaseException | None = error
    while secrets and current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(_scrubbed(arg, secrets) for arg in current.args)
        _scrub_attributes(current, secrets)
        current = current.__cause__ or current.__context__
    return error


class RedactingFilter(logging.Filter):
    """Scrubs every live key from a record's message and arguments (installed on the `imagegen`
    logger, so it applies however the application configures its handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = _values()
        if not secrets:
            return True
        text = record.getMessage()
        scrubbed = redact(text, secrets)
        if scrubbed != text:
            record.msg, record.args = scrubbed, None
        return True


def install_filter(logger: logging.Logger) -> None:
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
