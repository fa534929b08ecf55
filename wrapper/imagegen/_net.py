"""Which hosts count as this machine: the one rule the client (plain http, downloads) and the
sandbox (what it fetches, posts to and serves on) all follow."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["is_loopback_host", "is_loopback_url"]


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 (bracketed or not) or `localhost`, in any case, with or without the
    trailing dot of a fully qualified name."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """An http(s) URL whose host is loopback."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host is not None and is_loopback_host(host)
