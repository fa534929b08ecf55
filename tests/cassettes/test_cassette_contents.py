"""What every cassette must be, read from the files themselves: one per scenario, no secret
anywhere, every interaction valid against spec/openapi.yaml, and together they cover every
operation, every documented status and all four error body shapes."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import vcr
from imagegen.sandbox import DEFAULT_API_KEY
from vcr.request import Request

from tests.cassettes import cassette_format, contract, scenarios
from tests.spec import spec_model

FILES = cassette_format.cassette_files()
DOCUMENTED_STATUSES = {200, 201, 400, 401, 402, 404, 422, 429, 500, 503}
ERROR_SHAPES = {
    "error": {"success", "error", "message"},
    "message": {"success", "message"},
    "detail": {"detail"},
    "status": {"status", "message"},
}


def _interactions() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, interaction)
        for path in FILES
        for interaction in cassette_format.load(path)["interactions"]
    ]


def _by_file() -> list[Any]:
    return [pytest.param(path, id=path.name.split(".")[0]) for path in FILES]


def test_one_cassette_per_scenario_and_no_other() -> None:
    names = {path.name.removesuffix(f".{cassette_format.SERIALIZER}") for path in FILES}
    assert names == set(scenarios.BY_NAME), "run `make record`"


# --- secrets ------------------------------------------------------------------------------


def _known_secrets() -> set[str]:
    secrets = {DEFAULT_API_KEY, scenarios.UNKNOWN_API_KEY}
    if os.environ.get("IMAGEGEN_API_KEY"):
        secrets.add(os.environ["IMAGEGEN_API_KEY"])
    return secrets


def secret_findings(text: str) -> list[str]:
    """Keys, bearer tokens and X-API-Key values left in a cassette's text."""
    found = [f"the key {s[:6]}..." for s in _known_secrets() if s in text]
    found += [f"key-like {m.group()[:10]}..." for m in cassette_format.KEY_PATTERN.finditer(text)]
    found += [f"bearer {m.group()[:12]}..." for m in cassette_format.BEARER_PATTERN.finditer(text)]
    document = json.loads(text)
    for interaction in document["interactions"]:
        for part in ("request", "response"):
            for name, values in interaction[part]["headers"].items():
                if name.lower() in cassette_format.SECRET_HEADERS:
                    kept = [v for v in values if v not in ("REDACTED", "Bearer REDACTED")]
                    found += [f"{part} header {name}" for _ in kept]
    return found


@pytest.mark.parametrize("path", _by_file())
def test_no_secret_in_the_cassette(path: Path) -> None:
    assert secret_findings(path.read_text(encoding="utf-8")) == []


def test_the_secret_scan_finds_what_it_looks_for() -> None:
    text = FILES[0].read_text(encoding="utf-8")
    leaked = [
        text.replace("Bearer REDACTED", f"Bearer {DEFAULT_API_KEY}"),
        text.replace("Bearer REDACTED", "Bearer sk-other-token"),
        text.replace('"authorization"', '"x-api-key"').replace("Bearer REDACTED", "abc123"),
        text.replace('"success"', f'"{os.environ.get("IMAGEGEN_API_KEY") or DEFAULT_API_KEY}"'),
        text.replace("REDACTED", "ig_live_ABCDEFGHIJKLMNOPQRSTUV"),
    ]
    for variant in leaked:
        assert variant != text
        assert secret_findings(variant), variant[:200]


def test_the_scrubbing_hooks() -> None:
    key = DEFAULT_API_KEY
    before_request, before_response = cassette_format.make_hooks(
        [key], {"127.0.0.1:54321": "127.0.0.1:8080"}
    )
    request = Request(
        "GET",
        "http://127.0.0.1:54321/v1/status",
        b"",
        {"Authorization": f"Bearer {key}", "X-API-Key": key, "Host": "127.0.0.1:54321"},
    )
    scrubbed = before_request(request)
    assert scrubbed.headers["Authorization"] == "Bearer REDACTED"
    assert scrubbed.headers["X-API-Key"] == "REDACTED"
    assert scrubbed.headers["Host"] == "127.0.0.1:8080"
    assert scrubbed.uri == "http://127.0.0.1:8080/v1/status"
    body = json.dumps({"echo": key, "url": "http://127.0.0.1:54321/files/a.png"}).encode()
    response = before_response(
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"X-Echo": [key], "Date": ["now"], "Content-Length": [str(len(body))]},
            "body": {"string": body},
        }
    )
    assert key.encode() not in response["body"]["string"]
    assert b"127.0.0.1:8080/files/a.png" in response["body"]["string"]
    assert response["headers"]["X-Echo"] == ["REDACTED"]
    assert "Date" not in response["headers"]
    assert response["headers"]["Content-Length"] == [str(len(response["body"]["string"]))]


# --- the format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":1,"b":[true,null],"c":"\xc3\xa9"}',
        b'{"a": 1, "b": [true, null]}',
        b'{"a":"\\u00e9"}',
        b'{"a":  1}',  # JSON written some other way: kept as text, byte for byte
        b"<html>502</html>",
        b'{"truncated": tr',
        b"\x89PNG\r\n\x1a\n\x00\xff",
    ],
)
def test_bodies_round_trip_byte_for_byte(raw: bytes) -> None:
    stored = cassette_format.encode_body(raw)
    assert json.loads(json.dumps(stored)) == stored
    assert cassette_format.decode_body(stored) == raw


def test_json_bodies_are_stored_as_data() -> None:
    stored = cassette_format.encode_body(b'{"success":true,"data":{"id":"x"}}')
    assert stored == {"json": {"success": True, "data": {"id": "x"}}, "format": "compact"}


# --- the contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _by_file())
def test_every_interaction_validates_against_the_spec(path: Path) -> None:
    found = [
        f"#{index}: {problem}"
        for index, interaction in enumerate(cassette_format.load(path)["interactions"])
        for problem in contract.problems(interaction)
    ]
    assert found == []


def _status_interaction() -> dict[str, Any]:
    path = cassette_format.CASSETTE_DIR / f"status.{cassette_format.SERIALIZER}"
    interaction: dict[str, Any] = cassette_format.load(path)["interactions"][0]
    return interaction


def _break(change: str) -> dict[str, Any]:
    interaction = copy.deepcopy(_status_interaction())
    response = interaction["response"]
    if change == "status":
        response["status"]["code"] = 418
    elif change == "header":
        del response["headers"]["x-request-id"]
    elif change == "field":
        del response["body"]["json"]["data"]["accountId"]
    elif change == "type":
        response["body"]["json"]["data"]["timestamp"] = 12
    elif change == "path":
        interaction["request"]["uri"] += "es"
    elif change == "not-json":
        response["body"] = {"text": "<html>oops</html>"}
    elif change == "no-credentials":
        del interaction["request"]["headers"]["authorization"]
    elif change == "query":
        interaction["request"]["uri"] += "?page=2"
    return interaction


@pytest.mark.parametrize(
    "change", ["status", "header", "field", "type", "path", "not-json", "no-credentials", "query"]
)
def test_drift_is_caught(change: str) -> None:
    assert contract.problems(_status_interaction()) == []
    assert contract.problems(_break(change)) != []


def test_request_bodies_and_queries_are_checked() -> None:
    list_page = cassette_format.load(
        cassette_format.CASSETTE_DIR / f"list_two_pages.{cassette_format.SERIALIZER}"
    )["interactions"][0]
    assert contract.problems(list_page) == []
    bad_limit = copy.deepcopy(list_page)
    bad_limit["request"]["uri"] = bad_limit["request"]["uri"].replace("limit=2", "limit=500")
    assert contract.problems(bad_limit) != []
    create = cassette_format.load(
        cassette_format.CASSETTE_DIR / f"create_text_to_image.{cassette_format.SERIALIZER}"
    )["interactions"][0]
    assert contract.problems(create) == []
    bad_body = copy.deepcopy(create)
    bad_body["request"]["body"]["json"]["resolution"] = "8k"
    assert contract.problems(bad_body) != []


def test_together_they_cover_every_operation_status_and_shape() -> None:
    operations, statuses, shapes = set(), set(), set()
    for _, interaction in _interactions():
        operations.add(contract.operation_of(interaction).operation_id)
        status = interaction["response"]["status"]["code"]
        statuses.add(status)
        is_json, body = cassette_format.body_json(interaction["response"]["body"])
        if status >= 400 and is_json:
            shapes |= {name for name, keys in ERROR_SHAPES.items() if set(body) == keys}
    assert operations == {op.operation_id for op in spec_model.operations()}
    assert statuses >= DOCUMENTED_STATUSES
    assert shapes == set(ERROR_SHAPES)


# --- unused interactions fail ------------------------------------------------------------------


def test_an_unplayed_interaction_is_noticed() -> None:
    # The mechanism the `cassette` fixture relies on: a cassette with one more interaction than
    # the wrapper makes is not all played.
    recorder = vcr.VCR()
    cassette_format.configure(recorder)
    path = cassette_format.CASSETTE_DIR / f"list_two_pages.{cassette_format.SERIALIZER}"
    with recorder.use_cassette(str(path), **cassette_format.vcr_config("none")) as cassette:
        assert len(cassette.data) == 2
        import httpx

        with httpx.Client(transport=httpx.HTTPTransport(trust_env=False)) as http:
            request = cassette.data[0][0]
            http.get(request.uri, headers={"Authorization": "Bearer x"})
        assert not cassette.all_played
        assert cassette.play_counts[0] == 1


def test_signed_url_signatures_are_scrubbed() -> None:
    _, before_response = cassette_format.make_hooks()
    url = (
        "https://bucket.s3.amazonaws.com/outputs/0.png?X-Amz-Credential=AKIAEXAMPLE"
        "&X-Amz-Signature=abcdef0123&X-Amz-Expires=3600"
    )
    body = json.dumps({"outputImages": [url]}).encode()
    response = before_response(
        {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": body}}
    )
    scrubbed = json.loads(response["body"]["string"])["outputImages"][0]
    assert "abcdef0123" not in scrubbed
    assert "AKIAEXAMPLE" not in scrubbed
    assert "X-Amz-Expires=3600" in scrubbed
