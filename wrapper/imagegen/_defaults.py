"""The defaults the clients' signatures show, each defined once.

Here, in a module that imports nothing, so that defining `Images.wait(timeout=)` and
`Images.download(max_bytes=)` does not import `_polling` and `_download` (which import the
parser, validation and generated models: milliseconds that `import imagegen` does not pay).
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_DOWNLOAD_BYTES", "DEFAULT_WAIT_TIMEOUT"]

# The docs: "If exceeds 5 minutes: check status endpoint or wait for webhook".
DEFAULT_WAIT_TIMEOUT = 300.0
# A 4096 x 4096 RGBA PNG is at most ~64 MB uncompressed; twice that leaves room, and stops a
# host that streams forever.
DEFAULT_MAX_DOWNLOAD_BYTES = 128 * 1024 * 1024
