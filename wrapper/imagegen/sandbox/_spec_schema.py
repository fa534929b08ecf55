"""The spec's CreateImageRequest schema (spec/openapi.yaml, every `$ref` inlined), which the
sandbox validates a createImage body against (`_validate`).

To be generated: see report. This is a temporary hand-written copy, held equal to the spec by
tests/spec/test_operation_tables.py, until tools/gen_surface.py writes it into
`imagegen._spec.create` as `CREATE_REQUEST_SCHEMA` (then this module goes, and `_validate`
reads it from there). The installed package cannot read the repo's spec file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["CREATE_REQUEST_SCHEMA"]

CREATE_REQUEST_SCHEMA: Final[Mapping[str, Any]] = {
    "type": "object",
    "not": {
        "description": "Never both image fields with images in them.",
        "required": ["images_url", "images_base64"],
        "properties": {"images_url": {"minItems": 1}, "images_base64": {"minItems": 1}},
    },
    "description": "One of three forms: text only; with `images_url` (HTTPS URLs); or with "
    "`images_base64`.\n"
    'Never both image fields (400, "Cannot mix ..."); at most 10 images '
    "(400); JPEG, PNG or\n"
    "WEBP only (INVALID_IMAGE); at most 10 MB each and 20 MB in all\n"
    "(IMAGE_SIZE_LIMIT_EXCEEDED).\n",
    "required": ["prompt"],
    "properties": {
        "prompt": {
            "type": "string",
            "minLength": 1,
            "pattern": "\\S",
            "description": "What to generate; required and not blank (at "
            "least one non-space character).",
        },
        "images_url": {
            "type": "array",
            "description": "Reference images by HTTPS URL.",
            "maxItems": 10,
            "items": {"type": "string", "format": "uri", "pattern": "^https://"},
        },
        "images_base64": {
            "type": "array",
            "description": "Reference images as base64 (plain, or a `data:image/...;base64,` URL).",
            "maxItems": 10,
            "items": {"type": "string", "minLength": 1},
        },
        "resolution": {
            "type": "string",
            "description": "1k, 2k or 4k, the long side of the output "
            "being 1024, 2048 or 4096 pixels.",
            "enum": ["1k", "2k", "4k"],
            "x-enum-varnames": ["RES_1K", "RES_2K", "RES_4K"],
        },
        "aspect_ratio": {
            "type": "string",
            "description": "Width to height. The docs show "
            "`aspectRatio` as a string but do not "
            "list the values;\n"
            "this spec allows these ten common "
            "ones.\n",
            "enum": ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"],
            "x-enum-varnames": [
                "SQUARE",
                "R2_3",
                "R3_2",
                "R3_4",
                "R4_3",
                "R4_5",
                "R5_4",
                "R9_16",
                "R16_9",
                "R21_9",
            ],
        },
        "num_outputs": {
            "type": "integer",
            "minimum": 1,
            "maximum": 4,
            "default": 1,
            "description": "How many images to make; each costs the resolution's credits.",
        },
        "model": {
            "type": "string",
            "minLength": 1,
            "description": "A model name; the service's default when absent.",
        },
        "webhook_url": {
            "type": "string",
            "format": "uri",
            "description": "Where to POST the WebhookEvent when the generation finishes.",
        },
        "name": {"type": "string", "description": "A label for the generation."},
        "is_public": {"type": "boolean", "default": False},
    },
}
