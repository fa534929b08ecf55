"""What a result knows of the answer it was read from: `ResponseInfo`.

Every result an operation returns (`Generation` from getImage, `GenerationPage`,
`CreatedGeneration`, `Account`, `ConnectionStatus`, and any class a new operation of the spec
answers with) has a `response` attribute, generated with the classes (`tools/gen_surface.py`):
the `ResponseInfo` of its answer, filled in by `_parsing` from the answer's headers, or None
where the result came from no answer of its own (the generations inside a page, a create
recovered from listImages, a result built by hand). It takes no part in equality, hashing or
repr: two equal generations read from different answers are still equal.

Loaded with the first answer (by `_parsing`) or the first `imagegen.ResponseInfo`, not by
`import imagegen`: an attrs class costs about a millisecond to define.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ._errors import _number

__all__ = ["ResponseInfo", "response_info"]


@attrs.frozen(kw_only=True)
class ResponseInfo:
    """The answer a result was read from, as its headers describe it.

    `request_id` is its `X-Request-ID` (every answer of the API carries one; quote it to
    support). The rate-limit fields are the `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
    `X-RateLimit-Reset` headers where the answer had them, else None; a header that is not a
    number is None too. The docs name only `X-RateLimit-Reset`, on rate-limit errors, and do
    not say in which unit: `rate_limit_reset` is the number as sent (a Unix time in seconds
    when above 10^9, else seconds from the answer, as the client reads it on errors).
    """

    request_id: str | None = None
    rate_limit_limit: int | None = None
    rate_limit_remaining: int | None = None
    rate_limit_reset: float | None = None


def _count(value: str | None) -> int | None:
    """A header's whole, non-negative number; None when absent or anything else."""
    number = _number(value)
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)


def response_info(headers: Mapping[str, str]) -> ResponseInfo:
    """The `ResponseInfo` of an answer with these headers (an `httpx.Headers`: names are
    matched whatever their case). Never raises on a header's value.

    On every answer, so written for speed: an `httpx.Headers` is read in one pass over its
    lower-cased names, which usually finds the request id and no rate-limit header (a lookup
    by name costs a pass of its own, and this was four); anything else is read by name.
    """
    items = getattr(headers, "_list", None)  # httpx.Headers: (name, lower-case name, value)
    if items is None:
        return _by_name(headers)
    found = None
    for _name, name, value in items:
        if name == b"x-request-id" and found is None:
            found = value
        elif name[:12] == b"x-ratelimit-" or name == b"x-request-id":  # or a second id
            return _by_name(headers)
    if found is None:
        return ResponseInfo()
    try:
        return ResponseInfo(request_id=found.decode("ascii"))
    except (UnicodeDecodeError, AttributeError):  # as httpx decodes it, whatever it holds
        return _by_name(headers)


def _by_name(headers: Mapping[str, str]) -> ResponseInfo:
    get = headers.get
    return ResponseInfo(
        request_id=get("x-request-id"),
        rate_limit_limit=_count(get("x-ratelimit-limit")),
        rate_limit_remaining=_count(get("x-ratelimit-remaining")),
        rate_limit_reset=_number(get("x-ratelimit-reset")),
    )
