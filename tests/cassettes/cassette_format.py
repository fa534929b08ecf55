"""How cassettes are written and read: one readable JSON file per scenario, secrets scrubbed.

Shared by the recorder (`python -m tests.cassettes.record`) and the replay tests, so both see
the very same files the same way.

- Bodies are stored as data: a JSON body as the JSON itself (`{"json": ..., "format": ...}`,
  where `format` says how to write it back byte for byte), other text as `{"text": ...}`, and
  anything else as `{"base64": ...}`. A diff of a re-recording then shows the fields that
  changed, not one long escaped string.
- Secrets never reach the file: `Authorization` and `X-API-Key` are replaced in requests, and
  every secret the recorder knows of (the keys it used) is replaced wherever else it appears,
  response headers and bodies included (vcrpy's `filter_headers` only covers request headers);
  so are the signatures of pre-signed URLs.
- Other texts are replaced as the recorder asks: the sandbox's free port becomes the one of
  `CANONICAL_ORIGIN` everywhere (re-recording the sandbox gives the same files when nothing
  changed); a real account's email, name and picture URL become placeholders.
- `date` headers are dropped: they change on every recording and nothing reads them.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.spec import spec_model

CASSETTE_DIR = spec_model.REPO_ROOT / "cassettes"
# The serializer's name is the file suffix (`<scenario>.cassette.json`); a name of our own, so
# vcrpy's "json" serializer stays what it is for anyone else.
SERIALIZER = "cassette.json"
CANONICAL_ORIGIN = "http://127.0.0.1:8080"
REDACTED = "REDACTED"
SECRET_HEADERS = ("authorization", "x-api-key")
VOLATILE_HEADERS = ("date",)

# A sandbox or live key (`ig_<env>_<random>`) in full; the 12-character prefix getAccount
# shows is not a key and is left alone.
KEY_PATTERN = re.compile(r"ig_[a-z]+_[A-Za-z0-9]{16,}")
BEARER_PATTERN = re.compile(r"Bearer\s+(?!REDACTED\b)\S+", re.IGNORECASE)
# The signature of a pre-signed URL (an output image on a real service's storage) is a
# credential for as long as it lives.
SIGNED_URL_PARAMETER = re.compile(
    r"([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|"
    r"X-Goog-Credential|Signature|sig|token|access_token)=)[^&\"\s]+",
    re.IGNORECASE,
)

# How a JSON body may have been written; the first that reproduces the bytes is stored.
_JSON_FORMATS: dict[str, Callable[[Any], str]] = {
    "compact": lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False),
    "compact-ascii": lambda v: json.dumps(v, separators=(",", ":")),
    "spaced": lambda v: json.dumps(v, ensure_ascii=False),
    "spaced-ascii": lambda v: json.dumps(v),
}


# --- Bodies ----------------------------------------------------------------------------------


def encode_body(raw: bytes | str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    for name, dump in _JSON_FORMATS.items():
        if dump(value) == text:
            return {"json": value, "format": name}
    return {"text": text}


def decode_body(stored: Mapping[str, Any] | None) -> bytes | None:
    if stored is None:
        return None
    if "json" in stored:
        return _JSON_FORMATS[stored["format"]](stored["json"]).encode()
    if "text" in stored:
        return str(stored["text"]).encode()
    return base64.b64decode(stored["base64"])


def body_json(stored: Mapping[str, Any] | None) -> tuple[bool, Any]:
    """(True, value) when a stored body is JSON, else (False, None)."""
    if stored is not None and "json" in stored:
        return True, stored["json"]
    return False, None


# --- The vcrpy serializer ----------------------------------------------------------------------


class ReadableJsonSerializer:
    """A vcrpy serializer (`serialize` / `deserialize`) writing indented JSON, bodies as data."""

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        interactions = []
        for interaction in cassette_dict["interactions"]:
            request = dict(interaction["request"])
            request["body"] = encode_body(request.get("body"))
            response = dict(interaction["response"])
            response["body"] = encode_body(response["body"].get("string"))
            interactions.append({"request": request, "response": response})
        document = {"version": cassette_dict.get("version", 1), "interactions": interactions}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @staticmethod
    def deserialize(cassette_string: str) -> dict[str, Any]:
        document = json.loads(cassette_string)
        interactions = []
        for interaction in document["interactions"]:
            request = dict(interaction["request"])
            request["body"] = decode_body(request.get("body"))
            response = dict(interaction["response"])
            response["body"] = {"string": decode_body(response.get("body")) or b""}
            interactions.append({"request": request, "response": response})
        return {"version": document["version"], "interactions": interactions}


def load(path: Path) -> dict[str, Any]:
    """A cassette file as stored (bodies as data), for the checks that read cassettes."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def cassette_files() -> list[Path]:
    return sorted(CASSETTE_DIR.glob(f"*.{SERIALIZER}"))


# --- Scrubbing ---------------------------------------------------------------------------------


def _scrub_text(text: str, secrets: Iterable[str], replacements: Mapping[str, str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for found, replacement in replacements.items():
        text = text.replace(found, replacement)
    return SIGNED_URL_PARAMETER.sub(rf"\1{REDACTED}", text)


def _scrub_bytes(data: bytes, secrets: Iterable[str], replacements: Mapping[str, str]) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data  # binary: an image holds no key
    return _scrub_text(text, secrets, replacements).encode()


def make_hooks(
    secrets: Iterable[str] = (), replacements: Mapping[str, str] | None = None
) -> tuple[Callable[[Any], Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    """vcrpy's (before_record_request, before_record_response): secrets out, and each text of
    `replacements` (the sandbox's port, a real account's personal details) replaced."""
    secrets = tuple(s for s in secrets if s)
    replacements = dict(replacements or {})

    def before_record_request(request: Any) -> Any:
        for name in list(request.headers):
            if name.lower() in SECRET_HEADERS:
                value = request.headers[name]
                request.headers[name] = (
                    f"Bearer {REDACTED}" if value.lower().startswith("bearer") else REDACTED
                )
            else:
                request.headers[name] = _scrub_text(request.headers[name], secrets, replacements)
        request.uri = _scrub_text(request.uri, secrets, replacements)
        if request.body:
            request.body = _scrub_bytes(
                request.body if isinstance(request.body, bytes) else request.body.encode(),
                secrets,
                replacements,
            )
        return request

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        headers = {}
        for name, values in response["headers"].items():
            if name.lower() in VOLATILE_HEADERS:
                continue
            if name.lower() in SECRET_HEADERS:
                headers[name] = [REDACTED for _ in values]
            else:
                headers[name] = [_scrub_text(v, secrets, replacements) for v in values]
        body = response["body"].get("string") or b""
        if isinstance(body, str):
            body = body.encode()
        scrubbed = _scrub_bytes(body, secrets, replacements)
        if scrubbed != body:
            # Keep the stored length honest once the body changed.
            for name in list(headers):
                if name.lower() == "content-length":
                    headers[name] = [str(len(scrubbed))]
        return {**response, "headers": headers, "body": {"string": scrubbed}}

    return before_record_request, before_record_response


# --- Matching a replayed request to a recorded one -------------------------------------------


def json_body_matcher(replayed: Any, recorded: Any) -> None:
    """vcrpy matcher: the bodies are equal as JSON (or as bytes when not JSON). A wrapper
    change in what it sends fails the replay instead of matching silently."""
    left, right = _as_bytes(replayed.body), _as_bytes(recorded.body)
    try:
        same = json.loads(left) == json.loads(right)
    except ValueError:
        same = left == right
    if not same:
        raise AssertionError(f"request bodies differ: {left[:200]!r} != {right[:200]!r}")


def _as_bytes(body: bytes | str | None) -> bytes:
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else body


MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "json_body")


def vcr_config(
    record_mode: str, secrets: Iterable[str] = (), replacements: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The `use_cassette` arguments, for recording and for replay alike."""
    before_request, before_response = make_hooks(secrets, replacements)
    return {
        "serializer": SERIALIZER,
        "record_mode": record_mode,
        "match_on": MATCH_ON,
        "allow_playback_repeats": False,
        "before_record_request": before_request,
        "before_record_response": before_response,
        "decode_compressed_response": True,
    }


def configure(vcr: Any) -> None:
    """Register the serializer and matcher on a vcrpy VCR instance."""
    vcr.register_serializer(SERIALIZER, ReadableJsonSerializer)
    vcr.register_matcher("json_body", json_body_matcher)


# --- Reading a recorded URL against the spec ---------------------------------------------------


def split_url(method: str, uri: str) -> tuple[str, str, str, spec_model.Operation]:
    """(base URL, path, query, operation) of a recorded request: the base is what precedes the
    longest tail of the path that the spec serves for this method."""
    parts = urlsplit(uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    segments = parts.path.split("/")
    for start in range(1, len(segments)):
        tail = "/" + "/".join(segments[start:])
        try:
            op = spec_model.match_operation(method, tail)
        except LookupError:
            continue
        return origin + "/".join(segments[:start]), tail, parts.query, op
    raise LookupError(f"{method} {uri} is no operation of the spec")
