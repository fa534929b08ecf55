"""Holding one recorded interaction to spec/openapi.yaml.

openapi-core is not usable with the pinned stack, so this is the check, done with jsonschema
over the spec's own schemas (`tests.spec.spec_model`): the request's method and path name an
operation, its query parameters and JSON body are valid, the answer's status is one the
operation documents, the headers the spec requires are there, and the body validates against
the schema of that status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from tests.cassettes import cassette_format
from tests.spec import spec_model


def _header(headers: Mapping[str, list[str]], name: str) -> list[str] | None:
    for key, values in headers.items():
        if key.lower() == name.lower():
            return values
    return None


def _query_value(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query string value read as the parameter's schema types it."""
    kind = spec_model.resolve(schema).get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _schema_errors(pointer: str, value: Any) -> list[str]:
    validator = spec_model.validator_at(pointer)
    return [
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}"
        for e in validator.iter_errors(value)
    ]


def operation_of(interaction: Mapping[str, Any]) -> spec_model.Operation:
    request = interaction["request"]
    return cassette_format.split_url(request["method"], request["uri"])[3]


def problems(interaction: Mapping[str, Any]) -> list[str]:
    """Everything about one stored interaction (bodies as data) that breaks the spec."""
    request, response = interaction["request"], interaction["response"]
    found: list[str] = []
    try:
        _, path, query, op = cassette_format.split_url(request["method"], request["uri"])
    except LookupError as error:
        return [str(error)]
    where = f"{op.operation_id} ({request['method']} {path})"

    # -- the request -----------------------------------------------------------------------
    parameters: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for index, raw_parameter in enumerate(op.node.get("parameters", [])):
        parameter = spec_model.resolve(raw_parameter)
        at = (
            raw_parameter["$ref"][1:]
            if "$ref" in raw_parameter
            else f"{op.pointer}/parameters/{index}"
        )
        if parameter["in"] == "query":
            parameters[parameter["name"]] = (f"{at}/schema", parameter["schema"])
    for name, raw in parse_qsl(query, keep_blank_values=True):
        if name not in parameters:
            found.append(f"{where}: query parameter {name!r} is not in the spec")
            continue
        schema_pointer, schema = parameters[name]
        value = _query_value(raw, schema)
        found += [f"{where}: query {name}: {e}" for e in _schema_errors(schema_pointer, value)]
    auth = [_header(request["headers"], h) for h in cassette_format.SECRET_HEADERS]
    if not any(auth):
        found.append(f"{where}: the request carries no credentials")
    request_schema = op.request_schema_pointer
    is_json, body = cassette_format.body_json(request.get("body"))
    if request_schema is not None:
        if not is_json:
            found.append(f"{where}: the request body is not JSON")
        else:
            found += [f"{where}: request body {e}" for e in _schema_errors(request_schema, body)]
    elif request.get("body"):
        found.append(f"{where}: a request body where the spec has none")

    # -- the answer ------------------------------------------------------------------------
    status = str(response["status"]["code"])
    if status not in op.node["responses"]:
        return [*found, f"{where}: status {status} is not documented for this operation"]
    documented = op.response(status)
    for name, header in documented.headers.items():
        if header.get("required") and not _header(response["headers"], name):
            found.append(f"{where}: the {status} answer lacks the required header {name}")
    if documented.media is not None:
        content_type = (_header(response["headers"], "content-type") or [""])[0]
        is_json, body = cassette_format.body_json(response.get("body"))
        if not content_type.startswith("application/json"):
            found.append(f"{where}: the {status} answer is {content_type!r}, not JSON")
        elif not is_json:
            found.append(f"{where}: the {status} answer's body is not JSON")
        else:
            found += [
                f"{where}: {status} body {e}"
                for e in _schema_errors(documented.schema_pointer, body)
            ]
    return found
