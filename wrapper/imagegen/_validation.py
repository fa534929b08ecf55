"""Checks on a create request before it is sent: a request the API would refuse costs a round
trip and, worse, can cost credits when the refusal comes late (a bad reference image fails the
generation after it was charged, then waits for a refund). Each check raises
`InvalidRequestError` naming the argument (`.field`), the value at fault and what to do instead.

Decisions where the docs are silent:

- `resolution` is taken case-insensitively ("4K" is "4k"); the API's own values are lowercase.
- `aspect_ratio` must be one of the spec's ten ratios, written as the spec writes them ("16:9").
- A reference image is an https URL (`str`), or local data: a `pathlib.Path` (any
  `os.PathLike`), `bytes`/`bytearray`/`memoryview`, or a `data:image/...;base64,` URL. URLs go
  to `images_url`; local data is read, checked by its bytes and sent as plain base64 in
  `images_base64`. The two kinds cannot be mixed in one request (the API refuses it).
- Sizes are measured on the raw image bytes, with 1 MB = 1024 * 1024 bytes (see `_images`).
- Only fields the caller set are sent; the API's defaults apply to the rest.
- A field is passed by its Python name, the generated model's (the spec's `negativePrompt` is
  `negative_prompt=`), and sent by its JSON name; the JSON name as a keyword is refused, saying
  which keyword it is.
- Every str that goes into a request must encode as UTF-8 (`check_text`). Python makes strings
  that do not: undecodable bytes of `sys.argv`, of file names or of the environment become lone
  surrogates ("caf\udce9"), which the JSON encoder refuses with a `UnicodeEncodeError` while the
  request is built. They are refused first, naming the field and the position.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from imagegen._api import models
from imagegen._api.models import AspectRatio, CreateImageRequest, Resolution
from imagegen._api.types import UNSET, Unset

from ._errors import InvalidRequestError
from ._images import (
    MAX_IMAGE_BYTES,
    MAX_TOTAL_IMAGE_BYTES,
    encode_base64,
    format_size,
    sniff_image_type,
)
from ._spec.create import CREATE_OPTIONS, CreateOptions

__all__ = [
    "MAX_IMAGES",
    "MAX_NUM_OUTPUTS",
    "CreateOptions",
    "ImageInput",
    "build_create_request",
    "check_generation_id",
    "check_option",
    "check_text",
]

MAX_IMAGES = 10
MAX_NUM_OUTPUTS: int = CREATE_OPTIONS["num_outputs"]["maximum"]

# What `images=` takes: https URLs, or local images.
ImageInput = str | os.PathLike[str] | bytes | bytearray | memoryview

_RESOLUTIONS = ", ".join(repr(r.value) for r in Resolution)
_ASPECT_RATIOS = ", ".join(repr(r.value) for r in AspectRatio)
_ACCEPTED_TYPES = "JPEG, PNG or WEBP"
# Longest excerpt of a caller's value quoted in a message: enough to recognise it.
_QUOTE_LIMIT = 80


def build_create_request(
    prompt: str,
    *,
    images: Sequence[ImageInput] | None = None,
    **options: Any,
) -> CreateImageRequest:
    """The generated request model for a create, or `InvalidRequestError` saying what to change.

    `options` are the create's optional fields (`CreateOptions`, generated from the spec): each
    is checked by its rule here when it has one the schema cannot state (a resolution in any
    case, a webhook URL's parts), else by the schema's own facts (`CREATE_OPTIONS`), so a field
    the spec adds is checked and sent with no edit here. None leaves a field to the service's
    default. Cheap checks run first, so a wrong resolution is reported before megabytes of
    images are read.
    """
    # First, every str that goes into the request (and in a list of them): a field added later
    # is covered without a mention.
    _check_texts({"prompt": prompt, "images": images, **options})
    unknown = sorted(set(options) - set(CREATE_OPTIONS))
    if unknown:
        raise InvalidRequestError(_unknown_options(unknown), field=unknown[0])
    checked_prompt = _check_prompt(prompt)
    # Unset, not the model's defaults: only fields the caller set are sent.
    fields: dict[str, Any] = dict.fromkeys(CREATE_OPTIONS, UNSET)
    for name, value in options.items():
        if value is None:
            continue
        check = _CHECKS.get(name)
        fields[name] = check(value) if check is not None else check_option(name, value)
    images_url, images_base64 = _check_images(images)
    return CreateImageRequest(
        prompt=checked_prompt, images_url=images_url, images_base64=images_base64, **fields
    )


def _unknown_options(unknown: Sequence[str]) -> str:
    """What to pass instead: the fields are named in Python style (the generated model's
    names), so the spec's own JSON name of a field (`negativePrompt`) is pointed to its
    keyword (`negative_prompt`)."""
    by_json_name = {facts.get("json_name", name): name for name, facts in CREATE_OPTIONS.items()}
    renamed = [f"{by_json_name[n]}= for {n}" for n in unknown if n in by_json_name]
    hint = f" (Python names: {', '.join(renamed)})" if renamed else ""
    return (
        f"unknown create option{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}{hint}: "
        f"the API takes {', '.join(CREATE_OPTIONS)} (besides prompt and images)"
    )


def check_option(name: str, value: object) -> object:
    """`value` for the create field `name`, checked against the schema's facts about it (its
    JSON type, enum, limits) and converted as the generated model takes it (an enum member)."""
    facts = CREATE_OPTIONS[name]
    kind = facts["type"]
    expected = _JSON_TYPES[kind]
    if "enum" in facts:
        return _enum_member(name, value, facts)
    if isinstance(value, bool) and kind != "boolean":
        value_ok = False
    else:
        value_ok = isinstance(value, expected)
    if not value_ok:
        raise InvalidRequestError(
            f"{name} must be {_KIND_NAMES[kind]}, not {_quote(value)} ({type(value).__name__})",
            field=name,
        )
    if kind == "array":
        return list(value)  # type: ignore[call-overload]
    low, high = facts.get("minimum"), facts.get("maximum")
    if (low is not None and value < low) or (high is not None and value > high):
        limits = " to ".join(str(v) for v in (low, high) if v is not None)
        raise InvalidRequestError(f"{name}={value!r} is out of range ({limits})", field=name)
    if isinstance(value, str):
        if len(value) < facts.get("min_length", 0):
            raise InvalidRequestError(f"{name} is empty: give a value or leave it out", field=name)
        if "max_length" in facts and len(value) > facts["max_length"]:
            raise InvalidRequestError(
                f"{name} is longer than {facts['max_length']} characters", field=name
            )
        if "pattern" in facts and not re.search(facts["pattern"], value):
            raise InvalidRequestError(
                f"{name} {_quote(value)} does not match the pattern {facts['pattern']!r}",
                field=name,
            )
    return value


def _enum_member(name: str, value: object, facts: Mapping[str, Any]) -> object:
    values: list[str] = facts["enum"]
    enum_class = getattr(models, facts["enum_class"]) if "enum_class" in facts else None
    if enum_class is not None and isinstance(value, enum_class):
        return value
    if isinstance(value, str) and value.strip() in values:
        return enum_class(value.strip()) if enum_class is not None else value.strip()
    raise InvalidRequestError(
        f"{name} {_quote(value)} is not one the API takes: use one of "
        f"{', '.join(repr(v) for v in values)}",
        field=name,
    )


_JSON_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": (list, tuple),
}
_KIND_NAMES = {
    "string": "a str",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "True or False",
    "array": "a list",
}


def check_generation_id(value: object, *, field: str = "generation_id") -> str:
    """`value` as a canonical (lowercase, hyphenated) UUID string, the form the API uses for ids.

    Accepts a `uuid.UUID` too. Anything else is refused before it is put into a URL path.
    """
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a generation id string (a UUID such as "
            f"'7c9e6679-7425-40de-944b-e07fc1f90ae7'), not {type(value).__name__}",
            field=field,
        )
    check_text(value, field)
    try:
        parsed = uuid.UUID(value.strip())
    except ValueError:
        raise InvalidRequestError(
            f"{field} {_quote(value)} is not a generation id: pass the UUID that create "
            f"returned (such as '7c9e6679-7425-40de-944b-e07fc1f90ae7')",
            field=field,
        ) from None
    return str(parsed)


# -- text: what can be sent at all -------------------------------------------------------------


def check_text(value: str, field: str, *, where: str | None = None) -> str:
    """`value`, once it is known to encode as UTF-8 (JSON bodies and URLs are UTF-8); else
    `InvalidRequestError` naming `where` (default: the field) and the position of the first
    character that does not. The only such characters are lone surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # The value itself is not quoted: it may be a URL with a secret in it; the position and
        # the character (escaped by repr) are enough to find it.
        raise InvalidRequestError(
            f"{where or field} contains an undecodable character at position {exc.start} "
            f"({value[exc.start]!r}, a lone surrogate, as Python makes from bytes that are not "
            "UTF-8: decode the text with the right encoding)",
            field=field,
        ) from None
    return value


def _check_texts(arguments: Mapping[str, object]) -> None:
    """`check_text` on every str argument, and on every str in a list argument (`images`)."""
    for field, value in arguments.items():
        if isinstance(value, str):
            check_text(value, field)
        elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray, memoryview)):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    check_text(item, field, where=f"{field}[{index}]")


# -- scalar fields ----------------------------------------------------------------------------


def _check_prompt(prompt: object) -> str:
    if not isinstance(prompt, str):
        raise InvalidRequestError(
            f"prompt must be a str describing the image, not {type(prompt).__name__}",
            field="prompt",
        )
    if not prompt.strip():
        raise InvalidRequestError(
            f"prompt is {'empty' if not prompt else 'blank'}: describe the image to generate, "
            "e.g. prompt='A lighthouse on a cliff at dusk'",
            field="prompt",
        )
    return prompt


def _check_resolution(resolution: object) -> Resolution | Unset:
    if resolution is None:
        return UNSET
    if isinstance(resolution, Resolution):
        return resolution
    if isinstance(resolution, str):
        try:
            return Resolution(resolution.strip().lower())
        except ValueError:
            pass
    raise InvalidRequestError(
        f"resolution {_quote(resolution)} is not one the API offers: use one of {_RESOLUTIONS}",
        field="resolution",
    )


def _check_aspect_ratio(aspect_ratio: object) -> AspectRatio | Unset:
    if aspect_ratio is None:
        return UNSET
    if isinstance(aspect_ratio, AspectRatio):
        return aspect_ratio
    if isinstance(aspect_ratio, str):
        try:
            return AspectRatio(aspect_ratio.strip())
        except ValueError:
            pass
    raise InvalidRequestError(
        f"aspect_ratio {_quote(aspect_ratio)} is not supported: use one of {_ASPECT_RATIOS}",
        field="aspect_ratio",
    )


def _check_num_outputs(num_outputs: object) -> int | Unset:
    if num_outputs is None:
        return UNSET
    # bool is an int subclass, but num_outputs=True is a mistake, not "one image".
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, int):
        raise InvalidRequestError(
            f"num_outputs must be a whole number from 1 to {MAX_NUM_OUTPUTS}, "
            f"not {_quote(num_outputs)} ({type(num_outputs).__name__})",
            field="num_outputs",
        )
    if not 1 <= num_outputs <= MAX_NUM_OUTPUTS:
        raise InvalidRequestError(
            f"num_outputs={num_outputs} is out of range: ask for 1 to {MAX_NUM_OUTPUTS} images "
            "per request (make several requests for more)",
            field="num_outputs",
        )
    return num_outputs


def _check_model(model: object) -> str | Unset:
    if model is None:
        return UNSET
    if not isinstance(model, str):
        raise InvalidRequestError(
            f"model must be a model name (str), not {type(model).__name__}", field="model"
        )
    if not model.strip():
        raise InvalidRequestError(
            "model is empty: pass a model name, or leave model out to use the service's default",
            field="model",
        )
    return model


def _check_webhook_url(webhook_url: object) -> str | Unset:
    if webhook_url is None:
        return UNSET
    if not isinstance(webhook_url, str):
        raise InvalidRequestError(
            f"webhook_url must be a URL string, not {type(webhook_url).__name__}",
            field="webhook_url",
        )
    parts = _split_url(webhook_url, field="webhook_url")
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidRequestError(
            f"webhook_url {_quote_url(webhook_url)} must be an http(s) URL the service can POST "
            "to, e.g. 'https://example.com/hooks/imagegen'",
            field="webhook_url",
        )
    if not parts.hostname:
        raise InvalidRequestError(
            f"webhook_url {_quote_url(webhook_url)} has no host: give a full URL such as "
            "'https://example.com/hooks/imagegen'",
            field="webhook_url",
        )
    return webhook_url.strip()  # stray whitespace around a pasted URL is not part of it


def _check_name(name: object) -> str | Unset:
    if name is None:
        return UNSET
    if not isinstance(name, str):
        raise InvalidRequestError(
            f"name must be a str label for the generation, not {type(name).__name__}",
            field="name",
        )
    return name


def _check_is_public(is_public: object) -> bool | Unset:
    if is_public is None:
        return UNSET
    if not isinstance(is_public, bool):
        raise InvalidRequestError(
            f"is_public must be True or False, not {_quote(is_public)} "
            f"({type(is_public).__name__})",
            field="is_public",
        )
    return is_public


# The fields with a rule of their own (a message fitted to the field, a conversion, a check the
# schema cannot state); every other field of `CreateOptions` goes by `check_option`.
_CHECKS: Mapping[str, Callable[[object], object]] = {
    "resolution": _check_resolution,
    "aspect_ratio": _check_aspect_ratio,
    "num_outputs": _check_num_outputs,
    "model": _check_model,
    "webhook_url": _check_webhook_url,
    "name": _check_name,
    "is_public": _check_is_public,
}


# -- reference images -------------------------------------------------------------------------


def _check_images(images: object) -> tuple[list[str] | Unset, list[str] | Unset]:
    """(images_url, images_base64): at most one of them set."""
    if images is None:
        return UNSET, UNSET
    if isinstance(images, (str, bytes, bytearray, memoryview, os.PathLike)):
        # One image passed bare: iterating it would give characters or bytes, never images.
        raise InvalidRequestError(
            "images must be a list of images, e.g. images=[...]: wrap the single image you "
            "passed in a list",
            field="images",
        )
    if not isinstance(images, Sequence):
        raise InvalidRequestError(
            f"images must be a list of https URLs or local images, not {type(images).__name__}",
            field="images",
        )
    if not images:
        return UNSET, UNSET
    if len(images) > MAX_IMAGES:
        raise InvalidRequestError(
            f"{len(images)} reference images given; the API takes at most {MAX_IMAGES} per "
            f"request: remove {len(images) - MAX_IMAGES}",
            field="images",
        )

    urls: list[tuple[int, str]] = []
    local: list[tuple[int, object]] = []
    for index, image in enumerate(images):
        if isinstance(image, str) and not _is_data_url(image):
            urls.append((index, image))
        elif isinstance(image, (str, bytes, bytearray, memoryview, os.PathLike)):
            local.append((index, image))
        else:
            raise InvalidRequestError(
                f"images[{index}] is a {type(image).__name__}: pass an https URL (str), a "
                "pathlib.Path to a local file, or the image's bytes",
                field="images",
            )

    if urls and local:
        url_index, local_index = urls[0][0], local[0][0]
        raise InvalidRequestError(
            f"images mixes URLs (images[{url_index}]) with local images (images[{local_index}]); "
            "the API takes one kind per request: pass only https URLs, or only files/bytes",
            field="images",
        )
    if urls:
        return [_check_image_url(index, url) for index, url in urls], UNSET
    return UNSET, _encode_local_images(local)


def _check_image_url(index: int, url: str) -> str:
    where = f"images[{index}]"
    parts = _split_url(url, field="images", where=where)
    scheme = parts.scheme.lower()
    if scheme != "https":
        if url.startswith("//"):
            hint = "add 'https:'"
        elif not scheme or len(scheme) == 1:  # no scheme, or a Windows drive letter
            hint = "a local file? pass pathlib.Path(...) instead"
        else:
            hint = "the API fetches reference images over https only: use an https URL"
        raise InvalidRequestError(
            f"{where} {_quote_url(url)} is not an https URL ({hint})", field="images"
        )
    if not parts.hostname:
        raise InvalidRequestError(
            f"{where} {_quote_url(url)} has no host: give a full URL such as "
            "'https://example.com/ref.png'",
            field="images",
        )
    if parts.username is not None or parts.password is not None:
        raise InvalidRequestError(
            f"{where} {_quote_url(url)} has credentials in it, which would be handed to the "
            "image service: use a URL that needs none (a public or pre-signed URL), or upload "
            "the file itself",
            field="images",
        )
    return url.strip()


def _encode_local_images(local: list[tuple[int, object]]) -> list[str]:
    encoded: list[str] = []
    total = 0
    for index, image in local:
        where = f"images[{index}]"
        data = _read_local_image(where, image)
        total += len(data)
        if total > MAX_TOTAL_IMAGE_BYTES:
            raise InvalidRequestError(
                f"the reference images add up to more than "
                f"{format_size(MAX_TOTAL_IMAGE_BYTES)} (at least {format_size(total)} by "
                f"{where}); the API takes at most {format_size(MAX_TOTAL_IMAGE_BYTES)} in all: "
                "send fewer or smaller images, or pass https URLs instead",
                field="images",
            )
        encoded.append(encode_base64(data))
    return encoded


def _read_local_image(where: str, image: object) -> bytes:
    """The image's bytes, checked: not empty, within the per-image limit, JPEG/PNG/WEBP."""
    if isinstance(image, os.PathLike):
        path = Path(image)
        what = f"{where} ({str(path)!r})"
        data = _read_file(path, what)
    elif isinstance(image, str):
        what = f"{where} (a data: URL)"
        data = _decode_data_url(image, what)
    else:
        assert isinstance(image, (bytes, bytearray, memoryview))
        data = bytes(image)
        what = f"{where} ({len(data)} bytes)"

    if not data:
        raise InvalidRequestError(
            f"{what} is empty: pass a JPEG, PNG or WEBP image", field="images"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidRequestError(
            f"{what} is {format_size(len(data))}; the API takes images up to "
            f"{format_size(MAX_IMAGE_BYTES)}: shrink or recompress it",
            field="images",
        )
    if sniff_image_type(data) is None:
        raise InvalidRequestError(
            f"{what} is not a {_ACCEPTED_TYPES} image (judged by its content, not its name): "
            "convert it to one of those formats",
            field="images",
        )
    return data


def _read_file(path: Path, what: str) -> bytes:
    try:
        if path.is_dir():
            raise InvalidRequestError(
                f"{what} is a directory: pass the path of an image file", field="images"
            )
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidRequestError(
            f"{what} does not exist: check the path (relative paths start at {os.getcwd()!r})",
            field="images",
        ) from None
    except OSError as exc:
        raise InvalidRequestError(
            f"{what} cannot be read ({exc.strerror or exc}): check the path and its permissions",
            field="images",
        ) from None
    # Refuse an oversized file before reading it all into memory.
    if size > MAX_IMAGE_BYTES:
        raise InvalidRequestError(
            f"{what} is {format_size(size)}; the API takes images up to "
            f"{format_size(MAX_IMAGE_BYTES)}: shrink or recompress it",
            field="images",
        )
    try:
        with path.open("rb") as file:
            # One byte past the limit is enough to know a file that grew since stat() is too big.
            return file.read(MAX_IMAGE_BYTES + 1)
    except OSError as exc:
        raise InvalidRequestError(
            f"{what} cannot be read ({exc.strerror or exc}): check the path and its permissions",
            field="images",
        ) from None


def _is_data_url(value: str) -> bool:
    return value[:5].lower() == "data:"


def _decode_data_url(value: str, what: str) -> bytes:
    header, comma, payload = value.partition(",")
    if not comma or not header.lower().endswith(";base64"):
        raise InvalidRequestError(
            f"{what} is not a base64 data URL ('data:image/png;base64,...'): pass the image's "
            "bytes or a pathlib.Path instead",
            field="images",
        )
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError(
            f"{what} holds invalid base64: pass the image's bytes or a pathlib.Path instead",
            field="images",
        ) from None


# -- helpers ----------------------------------------------------------------------------------


def _split_url(url: str, *, field: str, where: str | None = None) -> SplitResult:
    where = where or field
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise InvalidRequestError(
            f"{where} {_quote_url(url)} is not a valid URL: check it for typos", field=field
        ) from None
    if any(ch.isspace() for ch in url.strip()):
        raise InvalidRequestError(
            f"{where} {_quote_url(url)} contains spaces: percent-encode them (%20)", field=field
        )
    return parts


def _quote(value: object) -> str:
    text = repr(value)
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 4] + "...'"
    return text


def _quote_url(url: str) -> str:
    """The URL for a message, with any user:password replaced, so a secret is never echoed."""
    try:
        parts = urlsplit(url.strip())
        if parts.username is not None or parts.password is not None:
            host = parts.hostname or ""
            if parts.port is not None:
                host = f"{host}:{parts.port}"
            url = parts._replace(netloc=f"***@{host}").geturl()
    except ValueError:
        # Unparseable: cut at the last '@' so nothing before it (a password) is shown.
        if "@" in url:
            url = "***@" + url.rsplit("@", 1)[1]
    return _quote(url)
