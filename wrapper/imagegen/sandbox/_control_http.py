"""The control surface over HTTP, under `/_sandbox` (not part of the public API or its spec).

Each route maps onto one `SandboxControl` method; bodies are JSON. Errors in a control call
answer 400 `{"error": text}` (404 for an unknown account or generation). See docs/sandbox.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._bodies import json_bytes
from ._control import SandboxControl

__all__ = ["control_routes"]

Handler = Callable[[SandboxControl, dict[str, Any], Request], Any]


def _answer(status: int, body: object) -> Response:
    return Response(json_bytes(body), status_code=status, media_type="application/json")


def _route(path: str, method: str, handler: Handler) -> Route:
    async def endpoint(request: Request) -> Response:
        control: SandboxControl = request.app.state.sandbox
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return _answer(400, {"error": "the body must be JSON"})
        if not isinstance(body, dict):
            return _answer(400, {"error": "the body must be a JSON object"})
        try:
            result = handler(control, body, request)
        except KeyError as exc:
            return _answer(404, {"error": str(exc.args[0]) if exc.args else "not found"})
        except (TypeError, ValueError) as exc:
            return _answer(400, {"error": str(exc)})
        if isinstance(result, Awaitable):
            result = await result
        return _answer(200, result if result is not None else {"ok": True})

    return Route("/_sandbox" + path, endpoint, methods=[method])


def _reset(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError("seed is an integer")
    control.reset(seed=seed)
    return {"ok": True, "seed": control.seed}


def _advance(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError("seconds is a number")
    control.advance(float(seconds))
    return control.clock_view()


def _add_account(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    allowed = {
        "name",
        "email",
        "credits",
        "purchased",
        "bonus",
        "creates_per_minute",
        "max_concurrent",
        "key_name",
    }
    unknown = set(body) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    new = control.add_account(**body)
    return {"accountId": new.account_id, "apiKey": new.api_key, "apiKeyId": new.key_id}


def _credit(control: SandboxControl, body: dict[str, Any], request: Request) -> Any:
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError("amount is an integer")
    account_id = request.path_params["account_id"]
    total = control.add_credits(account_id, amount, str(body.get("kind", "purchased")))
    return {"total": total}


def _limits(control: SandboxControl, body: dict[str, Any], request: Request) -> Any:
    allowed = {"creates_per_minute", "max_concurrent", "window_seconds"}
    unknown = set(body) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    control.set_limits(request.path_params["account_id"], **body)
    return None


def _add_key(control: SandboxControl, body: dict[str, Any], request: Request) -> Any:
    new = control.add_key(request.path_params["account_id"], name=str(body.get("name", "sandbox")))
    return {"accountId": new.account_id, "apiKey": new.api_key, "apiKeyId": new.key_id}


def _revoke(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    key = body.get("apiKey")
    if not isinstance(key, str):
        raise ValueError("apiKey is a string")
    control.revoke_key(key)
    return None


def _delete_account(control: SandboxControl, _body: dict[str, Any], request: Request) -> Any:
    control.delete_account(request.path_params["account_id"])
    return None


def _add_fault(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    allowed = {
        "operation",
        "kind",
        "times",
        "status",
        "code",
        "shape",
        "body",
        "headers",
        "seconds",
        "value",
    }
    unknown = set(body) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    return control.add_fault(**body).as_dict()


def _wait_webhooks(control: SandboxControl, body: dict[str, Any], _: Request) -> Any:
    timeout = body.get("timeout", 10.0)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ValueError("timeout is a number")
    control.tick()
    return {"idle": control.wait_for_webhooks(min(float(timeout), 60.0))}


def control_routes() -> list[Route]:
    return [
        _route("/state", "GET", lambda c, _b, _r: c.snapshot()),
        _route("/reset", "POST", _reset),
        _route("/clock", "GET", lambda c, _b, _r: c.clock_view()),
        _route("/clock/advance", "POST", _advance),
        _route("/accounts", "GET", lambda c, _b, _r: c.accounts()),
        _route("/accounts", "POST", _add_account),
        _route("/accounts/{account_id}", "DELETE", _delete_account),
        _route("/accounts/{account_id}/credits", "POST", _credit),
        _route("/accounts/{account_id}/limits", "POST", _limits),
        _route("/accounts/{account_id}/keys", "POST", _add_key),
        _route(
            "/accounts/{account_id}/ledger",
            "GET",
            lambda c, _b, r: c.ledger(r.path_params["account_id"]),
        ),
        _route("/keys/revoke", "POST", _revoke),
        _route("/faults", "GET", lambda c, _b, _r: [f.as_dict() for f in c.faults()]),
        _route("/faults", "POST", _add_fault),
        _route("/faults", "DELETE", lambda c, _b, _r: c.clear_faults()),
        _route(
            "/generations", "GET", lambda c, _b, r: c.generations(r.query_params.get("account"))
        ),
        _route(
            "/generations/{generation_id}",
            "GET",
            lambda c, _b, r: c.generation(r.path_params["generation_id"]),
        ),
        _route("/webhooks", "GET", lambda c, _b, _r: c.webhook_deliveries()),
        _route("/webhooks/wait", "POST", _wait_webhooks),
        _route("/requests", "GET", lambda c, _b, _r: c.request_counts()),
        _route("/seed", "GET", lambda c, _b, _r: {"seed": c.seed}),
    ]
