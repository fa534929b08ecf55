"""The spec covers everything the API's documentation states, so nothing documented can fall out
of spec/openapi.yaml without a test failing.

The documentation's facts are kept here AS DATA, copied by hand from `shared/api-docs/`
(errors-and-status-codes.txt and responses-and-troubleshooting.txt): the tests never read the
docs at run time. When the docs change, change this data first; then make the spec follow.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from tests.spec import spec_model

# --- The documentation, as data -----------------------------------------------------------

OPERATIONS = ("getStatus", "getAccount", "listImages", "getImage", "createImage")

# "HTTP Status Code Reference" (201, 200, 400, 401, 402, 404, 422, 500, 503) plus the 429 of the
# troubleshooting list (RATE_LIMIT_ERROR, CONCURRENT_GENERATION_ERROR).
DOCUMENTED_STATUSES = frozenset(
    {"200", "201", "400", "401", "402", "404", "422", "429", "500", "503"}
)

# The docs' summary of each read operation (createImage is documented as three request kinds).
DOCUMENTED_SUMMARIES = {
    "getStatus": "Status Check",
    "getAccount": "Account Info",
    "listImages": "List All Images",
    "getImage": "Check Image Status",
}

# The troubleshooting list: code -> (HTTP status, the documented body, verbatim).
TROUBLESHOOTING_ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "AUTHENTICATION_FAILED": (
        "401",
        {"success": False, "error": "AUTHENTICATION_FAILED", "message": "Authentication failed."},
    ),
    "MISSING_API_TOKEN": (
        "401",
        {
            "success": False,
            "error": "MISSING_API_TOKEN",
            "message": 'Missing API token. Include it in Authorization header as "Bearer '
            'YOUR_API_TOKEN" or in X-API-Key header.',
        },
    ),
    "INVALID_API_TOKEN": (
        "401",
        {
            "success": False,
            "error": "INVALID_API_TOKEN",
            "message": "Invalid or expired API token.",
        },
    ),
    "FAILED_TO_VALIDATE_TOKEN": (
        "500",
        {
            "success": False,
            "error": "FAILED_TO_VALIDATE_TOKEN",
            "message": "Failed to validate API token.",
        },
    ),
    "INVALID_JSON": (
        "400",
        {
            "success": False,
            "error": "INVALID_JSON",
            "message": "Request body must be valid JSON. Please check your request format.",
        },
    ),
    "VALIDATION_ERROR": (
        "400",
        {
            "success": False,
            "error": "VALIDATION_ERROR",
            "message": "One or more request parameters are invalid. "
            "Please check the required fields.",
        },
    ),
    "INVALID_GENERATION_ID": (
        "404",
        {
            "success": False,
            "error": "INVALID_GENERATION_ID",
            "message": "Invalid generation ID format. Must be a valid UUID.",
        },
    ),
    "NSFW_CONTENT_DETECTED": (
        "400",
        {
            "success": False,
            "error": "NSFW_CONTENT_DETECTED",
            "message": "Your prompt contains content that violates our content policy. "
            "Please modify your prompt and try again.",
        },
    ),
    "IMAGE_SIZE_LIMIT_EXCEEDED": (
        "400",
        {
            "success": False,
            "error": "IMAGE_SIZE_LIMIT_EXCEEDED",
            "message": "Total image size exceeds 20MB limit. Current total: 25.50MB.",
        },
    ),
    "IMAGE_DOWNLOAD_FAILED": (
        "400",
        {
            "success": False,
            "error": "IMAGE_DOWNLOAD_FAILED",
            "message": "Could not download image from the provided URL. Please verify the URL "
            "is accessible and points to a valid image.",
        },
    ),
    "INSUFFICIENT_CREDITS": (
        "402",
        {
            "success": False,
            "error": "INSUFFICIENT_CREDITS",
            "message": "Not enough credits to complete this request. Required: 2 credits. "
            "Please add more credits to your account.",
        },
    ),
    "ACCOUNT_NOT_FOUND": (
        "404",
        {
            "success": False,
            "error": "ACCOUNT_NOT_FOUND",
            "message": "Account not found. Please verify your account ID.",
        },
    ),
    "GENERATION_NOT_FOUND": (
        "404",
        {
            "success": False,
            "error": "GENERATION_NOT_FOUND",
            "message": "Generation not found or access denied.",
        },
    ),
    "RATE_LIMIT_ERROR": (
        "429",
        {
            "success": False,
            "error": "RATE_LIMIT_ERROR",
            "message": "You can create up to 10 generations per minute. Please wait and try again.",
        },
    ),
    "CONCURRENT_GENERATION_ERROR": (
        "429",
        {
            "success": False,
            "error": "CONCURRENT_GENERATION_ERROR",
            "message": "You already have a generation in progress. Please wait for it to complete.",
        },
    ),
    "FETCH_FAILED": (
        "500",
        {
            "success": False,
            "error": "FETCH_FAILED",
            "message": "Failed to fetch images. Please try again.",
        },
    ),
    "IMAGE_UPLOAD_FAILED": (
        "500",
        {
            "success": False,
            "error": "IMAGE_UPLOAD_FAILED",
            "message": "Failed to process image 1. "
            "Please ensure the image is valid and accessible.",
        },
    ),
    "GENERATION_UPDATE_FAILED": (
        "500",
        {
            "success": False,
            "error": "GENERATION_UPDATE_FAILED",
            "message": "Could not update the generation record. Please try again or contact "
            "support if the issue persists.",
        },
    ),
    "GENERATION_INIT_FAILED": (
        "500",
        {
            "success": False,
            "error": "GENERATION_INIT_FAILED",
            "message": "Could not initialize your generation request. Please try again.",
        },
    ),
    "CREDIT_PROCESSING_FAILED": (
        "500",
        {
            "success": False,
            "error": "CREDIT_PROCESSING_FAILED",
            "message": "Could not process credit payment. Please try again or contact support.",
        },
    ),
    "GENERATION_START_FAILED": (
        "500",
        {
            "success": False,
            "error": "GENERATION_START_FAILED",
            "message": "Failed to start image generation. Your credits have been refunded. "
            "Please try again.",
        },
    ),
    "INTERNAL_SERVER_ERROR": (
        "500",
        {
            "success": False,
            "error": "INTERNAL_SERVER_ERROR",
            "message": "An unexpected error occurred. Please try again or contact support if "
            "the issue persists.",
        },
    ),
}

# The "Error Categories" bodies, in the other three shapes. The docs give them no status; the
# status here is the one the "HTTP Status Code Reference" implies (402 "Insufficient credits",
# 404 "Generation not found", 422 "missing required fields", 400 "Invalid parameters"), which
# is also what the spec decided.
CATEGORY_ERRORS: list[tuple[str, dict[str, Any]]] = [
    ("402", {"success": False, "message": "INSUFFICIENT_CREDITS"}),
    ("404", {"detail": "Generation not found"}),
    ("422", {"detail": "Validation error: prompt is required"}),
    ("400", {"status": "failed", "message": "INVALID_IMAGE"}),
    ("400", {"status": "failed", "message": "IMAGE_INACCESSIBLE"}),
    ("400", {"detail": "Invalid resolution. Must be 1k, 2k, or 4k"}),
    ("400", {"detail": "Maximum 10 images allowed (URLs + base64 combined)"}),
    ("400", {"detail": "Cannot mix images_url and images_base64 in one request"}),
]

# The 24 codes: the troubleshooting list and the two only the error categories name.
DOCUMENTED_CODES = frozenset(TROUBLESHOOTING_ERRORS) | {"INVALID_IMAGE", "IMAGE_INACCESSIBLE"}

DOCUMENTED_BODIES: list[tuple[str, dict[str, Any]]] = [
    *TROUBLESHOOTING_ERRORS.values(),
    *CATEGORY_ERRORS,
]

# "string (succeeded|failed|processing|starting)"
DOCUMENTED_GENERATION_STATUSES = frozenset({"succeeded", "failed", "processing", "starting"})

# Every documented response field, per operation, as "dotted.path": documented type. `[]` steps
# into array items. Types as the docs write them: "string (UUID)" is uuid, "string (ISO 8601)"
# is date-time, "string (URL)" is uri, "string (path)" is a plain string.
_GENERATION_COMMON = {
    "generationId": "uuid",
    "status": "status",
    "name": "string",
    "prompt": "string",
    "aspectRatio": "string",
    "modelProvider": "string",
    "outputNumber": "integer",
    "outputSuccess": "integer",
    "outputFailed": "integer",
    "outputImages": "array",
    "outputImages.[]": "uri",
    "creditCost": "integer",
    "createdAt": "date-time",
    "isPublic": "boolean",
    "predictTime": "number",
    "totalTime": "number",
    "imageInput": "array",
    "imageInput.[]": "string",
}
DOCUMENTED_FIELDS: dict[str, dict[str, str]] = {
    "getStatus": {
        "success": "boolean",
        "message": "string",
        "data": "object",
        "data.accountId": "uuid",
        "data.apiKeyId": "uuid",
        "data.apiKeyName": "string",
        "data.timestamp": "date-time",
    },
    "getAccount": {
        "success": "boolean",
        "data": "object",
        "data.account": "object",
        "data.account.id": "uuid",
        "data.account.name": "string",
        "data.account.email": "string",
        "data.account.isPersonalAccount": "boolean",
        "data.account.pictureUrl": "uri",
        "data.account.createdAt": "date-time",
        "data.credits": "object",
        **{
            f"data.credits.{kind}": "integer"
            for kind in ("total", "free", "purchased", "refunded", "redeemed", "bonus", "affiliate")
        },
        "data.apiKey": "object",
        "data.apiKey.name": "string",
        "data.apiKey.prefix": "string",
        "data.apiKey.createdAt": "date-time",
    },
    "listImages": {
        "success": "boolean",
        "data": "object",
        "data.generations": "array",
        "data.generations.[]": "object",
        **{f"data.generations.[].{k}": v for k, v in _GENERATION_COMMON.items()},
        "data.total": "integer",
        "data.limit": "integer",
        "data.offset": "integer",
    },
    "getImage": {
        "success": "boolean",
        "data": "object",
        **{f"data.{k}": v for k, v in _GENERATION_COMMON.items()},
        "data.currentImage": "integer",
        "data.deletedImage": "integer",
        "data.failureReason": "string|null",
    },
    "createImage": {
        "success": "boolean",
        "data": "object",
        "data.generationId": "uuid",
        "data.status": "status",
        "data.creditCost": "integer",
    },
}
SUCCESS_STATUS = {op: "201" if op == "createImage" else "200" for op in OPERATIONS}

# Request fields the docs name ("images_url", "images_base64", "num_outputs", "prompt is
# required", "resolution ... must be 1k, 2k, or 4k", "maximum 10 images").
DOCUMENTED_REQUEST_FIELDS = ("prompt", "images_url", "images_base64", "resolution", "num_outputs")
DOCUMENTED_RESOLUTIONS = frozenset({"1k", "2k", "4k"})
DOCUMENTED_MAX_IMAGES = 10

# "Every response includes an X-Request-ID header"; "Check X-RateLimit-Reset header".
EVERY_RESPONSE_HEADER = "X-Request-ID"
RATE_LIMIT_HEADER = "X-RateLimit-Reset"


# --- Reading the spec ----------------------------------------------------------------------


def _response_examples() -> Iterator[tuple[str, str, Any]]:
    """(operationId, status, example body) of every response example in the spec."""
    for op in spec_model.operations():
        for response in op.responses():
            if response.media is not None:
                for _, value in spec_model.examples_of(response.media):
                    yield op.operation_id, response.status, value


def _schema_at(path: str, schema: Any) -> Any:
    node = spec_model.resolve(schema)
    for step in path.split("."):
        node = spec_model.resolve(node["items"] if step == "[]" else node["properties"][step])
    return node


def _spec_type(schema: Mapping[str, Any]) -> str:
    if schema.get("enum") == spec_model.resolve(
        {"$ref": "#/components/schemas/GenerationStatus"}
    ).get("enum"):
        return "status"
    kind = schema.get("type")
    if isinstance(kind, list):
        return "|".join(kind)
    if kind == "string" and schema.get("format") in {"uuid", "date-time", "uri"}:
        return str(schema["format"])
    return str(kind)


def _documented_type_matches(documented: str, schema: Mapping[str, Any]) -> bool:
    actual = _spec_type(schema)
    # A documented plain "string" may carry a stricter format in the spec (email).
    return actual == documented or (documented == "string" and schema.get("type") == "string")


# --- The tests ---------------------------------------------------------------------------


def test_the_data_is_complete() -> None:
    # The numbers the docs and the issue state: 24 codes, 22 + 8 example bodies, 10 statuses.
    assert len(DOCUMENTED_CODES) == 24
    assert len(TROUBLESHOOTING_ERRORS) == 22
    assert len(DOCUMENTED_BODIES) == 30
    assert len(DOCUMENTED_STATUSES) == 10
    shapes = {frozenset(body) for _, body in DOCUMENTED_BODIES}
    assert shapes == {
        frozenset({"success", "error", "message"}),
        frozenset({"success", "message"}),
        frozenset({"detail"}),
        frozenset({"status", "message"}),
    }


def test_the_error_code_enum_is_exactly_the_documented_codes() -> None:
    enum = spec_model.resolve({"$ref": "#/components/schemas/ErrorCode"})["enum"]
    assert len(enum) == len(set(enum))
    assert set(enum) == DOCUMENTED_CODES


def test_the_generation_status_enum_is_the_documented_one() -> None:
    enum = spec_model.resolve({"$ref": "#/components/schemas/GenerationStatus"})["enum"]
    assert set(enum) == DOCUMENTED_GENERATION_STATUSES


def test_the_spec_has_every_documented_operation() -> None:
    # An operation beyond the docs' five is the SDK's to add (README, "Worked example: adding an
    # operation"); tests/spec/test_operation_tables.py holds every table to the spec's list.
    missing = set(OPERATIONS) - {op.operation_id for op in spec_model.operations()}
    assert not missing, f"the docs document {sorted(missing)}: put them back in the spec"
    for operation_id, summary in DOCUMENTED_SUMMARIES.items():
        assert spec_model.operation(operation_id).node["summary"] == summary


def test_the_spec_uses_every_documented_status_and_no_other() -> None:
    used = {r.status for op in spec_model.operations() for r in op.responses()}
    assert used == DOCUMENTED_STATUSES


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_each_operation_answers_its_documented_success_status(operation_id: str) -> None:
    statuses = {r.status for r in spec_model.operation(operation_id).responses()}
    assert SUCCESS_STATUS[operation_id] in statuses
    assert not ({"200", "201"} - {SUCCESS_STATUS[operation_id]}) & statuses


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(status, body, id=f"{status}-{sorted(body.items())[0][1]}")
        for status, body in DOCUMENTED_BODIES
    ],
)
def test_each_documented_body_is_an_example_under_its_status(
    status: str, body: dict[str, Any]
) -> None:
    where = [op for op, st, example in _response_examples() if st == status and example == body]
    assert where, f"no operation documents {body} as an example of a {status}"
    for op_id in where:
        response = spec_model.operation(op_id).response(status)
        assert spec_model.validator_at(response.schema_pointer).is_valid(body)


@pytest.mark.parametrize("code", sorted(DOCUMENTED_CODES))
def test_each_code_appears_in_an_example(code: str) -> None:
    codes_in_examples = {
        example.get("error", example.get("message"))
        for _, _, example in _response_examples()
        if isinstance(example, dict)
    }
    assert code in codes_in_examples


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_authenticated_operation_documents_every_401_body(operation_id: str) -> None:
    op = spec_model.operation(operation_id)
    assert op.node.get("security", spec_model.load_spec()["security"]), "auth is required"
    examples = [v for o, st, v in _response_examples() if o == operation_id and st == "401"]
    for code, (status, body) in TROUBLESHOOTING_ERRORS.items():
        if status == "401":
            assert body in examples, f"{operation_id} lacks the {code} body"


@pytest.mark.parametrize(
    ("operation_id", "field", "documented"),
    [
        pytest.param(op, field, kind, id=f"{op}-{field}")
        for op, fields in DOCUMENTED_FIELDS.items()
        for field, kind in fields.items()
    ],
)
def test_each_documented_response_field_is_in_the_spec(
    operation_id: str, field: str, documented: str
) -> None:
    response = spec_model.operation(operation_id).response(SUCCESS_STATUS[operation_id])
    assert response.media is not None
    schema = _schema_at(field, response.media["schema"])
    assert _documented_type_matches(documented, schema), (
        f"{operation_id} {field}: documented {documented}, spec says {_spec_type(schema)}"
    )


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_no_response_field_outside_the_docs(operation_id: str) -> None:
    # The other direction: the success schemas add no field the docs do not show.
    response = spec_model.operation(operation_id).response(SUCCESS_STATUS[operation_id])
    assert response.media is not None

    def fields(schema: Any, prefix: str) -> Iterator[str]:
        schema = spec_model.resolve(schema)
        for name, sub in schema.get("properties", {}).items():
            yield f"{prefix}{name}"
            yield from fields(sub, f"{prefix}{name}.")
        if "items" in schema:
            yield f"{prefix}[]"
            yield from fields(schema["items"], f"{prefix}[].")

    assert set(fields(response.media["schema"], "")) == set(DOCUMENTED_FIELDS[operation_id])


def test_the_created_generation_is_documented_as_starting() -> None:
    media = spec_model.operation("createImage").response("201").media
    assert media is not None
    examples = dict(spec_model.examples_of(media))
    assert len(examples) == 3  # text-to-image, one reference image, several
    assert {value["data"]["status"] for value in examples.values()} == {"starting"}


def test_create_has_the_three_documented_request_kinds() -> None:
    op = spec_model.operation("createImage")
    body = spec_model.resolve(op.node["requestBody"])["content"]["application/json"]
    counts = sorted(
        len(value.get("images_url", value.get("images_base64", [])))
        for _, value in spec_model.examples_of(body)
    )
    assert counts[0] == 0, counts
    assert 1 in counts, counts
    assert counts[-1] > 1, counts


def test_the_documented_request_fields_and_limits() -> None:
    schema = spec_model.resolve({"$ref": "#/components/schemas/CreateImageRequest"})
    assert set(DOCUMENTED_REQUEST_FIELDS) <= set(schema["properties"])
    assert "prompt" in schema["required"]
    resolution = spec_model.resolve(schema["properties"]["resolution"])
    assert set(resolution["enum"]) == DOCUMENTED_RESOLUTIONS
    for field in ("images_url", "images_base64"):
        assert schema["properties"][field]["maxItems"] == DOCUMENTED_MAX_IMAGES


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(r, id=f"{op.operation_id}-{r.status}")
        for op in spec_model.operations()
        for r in op.responses()
    ],
)
def test_every_response_declares_the_request_id_header(response: spec_model.ResponseSpec) -> None:
    where = f"{response.operation_id} {response.status} in spec/openapi.yaml"
    assert EVERY_RESPONSE_HEADER in response.headers, (
        f"{where}: add `headers: {{{EVERY_RESPONSE_HEADER}: {{$ref: "
        f"'#/components/headers/XRequestId'}}}}` (every response of the API carries it)"
    )
    if response.status == "429":
        assert RATE_LIMIT_HEADER in response.headers, f"{where}: declare {RATE_LIMIT_HEADER}"


# --- Precision: the spec allows no more than the docs say ----------------------------------

# The statuses the docs give each code: the troubleshooting list, the error categories (their
# status as decided above), and VALIDATION_ERROR also as a 422: the status reference names 422
# "Validation Error" ("invalid input format or missing required fields").
CODE_STATUSES: dict[str, frozenset[str]] = {
    code: frozenset({status}) for code, (status, _) in TROUBLESHOOTING_ERRORS.items()
}
for _status, _body in CATEGORY_ERRORS:
    _code = _body.get("message")
    if isinstance(_code, str) and _code in DOCUMENTED_CODES:
        CODE_STATUSES[_code] = CODE_STATUSES.get(_code, frozenset()) | {_status}
CODE_STATUSES["VALIDATION_ERROR"] = frozenset({"400", "422"})

# Where an error body carries its code, per shape: shape 1 in `error`, shapes 2 and 4 in
# `message` (shape 1's `message` is prose).
_CODE_FIELDS = ("error", "message")


def _branches(schema: Any) -> Iterator[Mapping[str, Any]]:
    """The object schemas an error body may match: `anyOf`/`oneOf` arms, flattened."""
    node = spec_model.resolve(schema)
    arms = node.get("anyOf", node.get("oneOf"))
    if arms is None:
        yield node
        return
    for arm in arms:
        yield from _branches(arm)


def _codes_allowed(branch: Mapping[str, Any]) -> tuple[set[str], list[str]]:
    """(the codes a body of this shape may carry, the code fields that allow any string)."""
    codes: set[str] = set()
    open_fields: list[str] = []
    properties = branch.get("properties", {})
    for name in _CODE_FIELDS:
        if name not in properties:
            continue
        field = spec_model.resolve(properties[name])
        if name == "message" and "error" in properties:
            continue  # shape 1: the message is for people
        if "enum" in field:
            codes |= set(field["enum"])
        else:
            open_fields.append(name)
    return codes, open_fields


ERROR_RESPONSES = [
    pytest.param(op.operation_id, r, id=f"{op.operation_id}-{r.status}")
    for op in spec_model.operations()
    for r in op.responses()
    if not r.status.startswith("2")
]
SUCCESS_RESPONSES = [
    pytest.param(op_id, spec_model.operation(op_id).response(status), id=op_id)
    for op_id, status in SUCCESS_STATUS.items()
]


def test_the_code_statuses_cover_every_code() -> None:
    assert set(CODE_STATUSES) == DOCUMENTED_CODES
    assert CODE_STATUSES["INVALID_IMAGE"] == CODE_STATUSES["IMAGE_INACCESSIBLE"] == {"400"}
    assert CODE_STATUSES["INSUFFICIENT_CREDITS"] == {"402"}


@pytest.mark.parametrize(("operation_id", "response"), ERROR_RESPONSES)
def test_each_error_response_lists_only_the_codes_the_docs_give_its_status(
    operation_id: str, response: spec_model.ResponseSpec
) -> None:
    assert response.media is not None
    for branch in _branches(response.media["schema"]):
        codes, open_fields = _codes_allowed(branch)
        assert not open_fields, f"{operation_id} {response.status}: {open_fields} take any code"
        wrong = {code for code in codes if response.status not in CODE_STATUSES[code]}
        assert not wrong, f"{operation_id} {response.status} lists {sorted(wrong)}"


@pytest.mark.parametrize(("operation_id", "response"), ERROR_RESPONSES)
def test_error_bodies_say_success_is_false(
    operation_id: str, response: spec_model.ResponseSpec
) -> None:
    assert response.media is not None
    for branch in _branches(response.media["schema"]):
        success = branch.get("properties", {}).get("success")
        if success is not None:
            success = spec_model.resolve(success)
            assert success["type"] == "boolean", branch
            assert success["const"] is False, branch
            assert "success" in branch.get("required", []), branch


@pytest.mark.parametrize(("operation_id", "response"), SUCCESS_RESPONSES)
def test_success_bodies_say_success_is_true(
    operation_id: str, response: spec_model.ResponseSpec
) -> None:
    assert response.media is not None
    schema = spec_model.resolve(response.media["schema"])
    assert "success" in schema["required"]
    success = spec_model.resolve(schema["properties"]["success"])
    # Typed: an untyped optional `const` generates invalid Python (TOOLCHAIN-NOTES).
    assert success["type"] == "boolean"
    assert success["const"] is True


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_a_request_without_parameters_documents_no_parameter_error(operation_id: str) -> None:
    # 400 "Invalid parameters or request format" and 422 "Invalid input format": an operation
    # whose only input is its path id (getImage: a bad id is the documented 404
    # INVALID_GENERATION_ID) or nothing at all has no such answer.
    op = spec_model.operation(operation_id)
    takes_input = "requestBody" in op.node or any(
        spec_model.resolve(p)["in"] == "query" for p in op.parameters
    )
    statuses = {r.status for r in op.responses()}
    if not takes_input:
        assert not statuses & {"400", "422"}, statuses


def _webhook_operations() -> Iterator[tuple[str, Mapping[str, Any]]]:
    spec = spec_model.load_spec()
    for name, item in spec.get("webhooks", {}).items():
        yield f"webhooks/{name}", item["post"]
    for op in spec_model.operations():
        for name, callback in op.node.get("callbacks", {}).items():
            for expression, item in callback.items():
                yield f"{op.operation_id}/{name}/{expression}", item["post"]


def test_the_webhook_needs_no_api_key() -> None:
    # The API POSTs the event to the caller's own URL: the caller's API key is not involved, so
    # the document-wide security must not apply to it.
    found = list(_webhook_operations())
    assert len(found) == 2  # the webhook and createImage's callback
    for where, operation in found:
        assert operation.get("security") == [], where


def test_images_base64_items_are_declared_base64() -> None:
    schema = spec_model.resolve({"$ref": "#/components/schemas/CreateImageRequest"})
    items = schema["properties"]["images_base64"]["items"]
    assert items["contentEncoding"] == "base64"
    check = spec_model.validator_at("/components/schemas/CreateImageRequest")
    body = {"prompt": "p"}
    for good in ("iVBORw0KGgo=", "UklGRg==", "/9j/4AAQ"):
        assert check.is_valid({**body, "images_base64": [good]}), good
    for bad in ("", "not base64!", "abc", "iVBORw0KGgo", "data:image/png;base64,iVBORw0KGgo="):
        assert not check.is_valid({**body, "images_base64": [bad]}), bad
