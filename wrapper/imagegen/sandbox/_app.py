"""The public API of the sandbox under `/v1` (every operation of spec/openapi.yaml), output
files under `/files`, and `create_app`, which puts it together with the control surface."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .._clock import Clock
from ._bodies import ErrorAnswer, error_body, json_bytes
from ._control import Caller, CreateParams, SandboxControl
from ._control_http import control_routes
from ._lifecycle import iso, render_generation
from ._middleware import SandboxMiddleware
from ._references import check_references
from ._routes import ApiOperation, OperationIndex, api_operations
from ._triggers import TriggerError, Triggers, parse_triggers
from ._validate import parse_create_body

__all__ = ["HANDLERS", "create_app"]

_UUID: Final = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
# What a well-formed key looks like; anything else is INVALID_API_TOKEN.
_KEY_FORMAT: Final = re.compile(r"^ig_[a-z]+_[A-Za-z0-9]{16,64}$")
_TICK_INTERVAL: Final = 0.25
_JSON: Final = "application/json"


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> Response:
    return Response(json_bytes(body), status_code=status, headers=headers, media_type=_JSON)


Handler = Callable[[Request], Awaitable[Response]]


def _answering(handler: Handler) -> Handler:
    """The handler, with a refusal (ErrorAnswer) raised anywhere in it answered as documented."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ErrorAnswer as answer:
            return _json(answer.status, answer.body, answer.headers)

    return endpoint


def _control(request: Request) -> SandboxControl:
    control: SandboxControl = request.app.state.sandbox
    return control


def _origin(request: Request) -> str:
    """Scheme, host and root path of the request: the base of absolute file URLs."""
    return str(request.base_url).rstrip("/")


def _presented_key(request: Request) -> str | None:
    """The key of the request: from `Authorization: Bearer` (which wins), or `X-API-Key`; ""
    for an Authorization of another scheme; None when there is none."""
    authorization = request.headers.get("authorization")
    if authorization is not None and authorization.strip():
        scheme, _, token = authorization.strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""
    api_key = request.headers.get("x-api-key")
    if api_key is not None and api_key.strip():
        return api_key.strip()
    return None


def _authenticate(request: Request, *, account_operation: bool = False) -> Caller:
    key = _presented_key(request)
    if key is None:
        raise ErrorAnswer.of("MISSING_API_TOKEN")
    if not _KEY_FORMAT.match(key):
        raise ErrorAnswer.of("INVALID_API_TOKEN")
    caller = _control(request).authenticate(key)
    if caller is None:
        raise ErrorAnswer.of("AUTHENTICATION_FAILED")
    if caller.account.deleted:
        # The key is fine, its account is gone: only getAccount says so.
        raise ErrorAnswer.of("ACCOUNT_NOT_FOUND" if account_operation else "AUTHENTICATION_FAILED")
    return caller


async def get_status(request: Request) -> Response:
    caller = _authenticate(request)
    data = {
        "accountId": caller.account.id,
        "apiKeyId": caller.key.key_id,
        "apiKeyName": caller.key.name,
        "timestamp": iso(_control(request).clock.time()),
    }
    return _json(200, {"success": True, "message": "API connection successful", "data": data})


async def get_account(request: Request) -> Response:
    caller = _authenticate(request, account_operation=True)
    account, key = caller.account, caller.key
    ledger = account.ledger
    data = {
        "account": {
            "id": account.id,
            "name": account.name,
            "email": account.email,
            "isPersonalAccount": account.is_personal_account,
            "pictureUrl": account.picture_url,
            "createdAt": iso(account.created_at),
        },
        "credits": {"total": ledger.total, **ledger.balances},
        "apiKey": {"name": key.name, "prefix": key.prefix, "createdAt": iso(key.created_at)},
    }
    return _json(200, {"success": True, "data": data})


def _query_int(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    """A query integer (`3.0` is 3): 422 when it is not one, 400 when it is out of bounds."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    not_an_integer = ErrorAnswer(422, error_body("VALIDATION_ERROR"))
    try:
        value = int(raw.strip())
    except ValueError:
        try:
            number = float(raw.strip())
        except ValueError:
            raise not_an_integer from None
        if not math.isfinite(number) or not number.is_integer():
            raise not_an_integer from None
        value = int(number)
    if value < low or (high is not None and value > high):
        raise ErrorAnswer.of("VALIDATION_ERROR")
    return value


async def list_images(request: Request) -> Response:
    caller = _authenticate(request)
    limit = _query_int(request, "limit", 20, 1, 100)
    offset = _query_int(request, "offset", 0, 0, None)
    control = _control(request)
    generations, total = control.page(caller, limit, offset)
    now = control.clock.monotonic()
    origin = _origin(request)
    items = [render_generation(g, now, origin, detailed=False) for g in generations]
    data = {"generations": items, "total": total, "limit": limit, "offset": offset}
    return _json(200, {"success": True, "data": data})


async def get_image(request: Request) -> Response:
    caller = _authenticate(request)
    generation_id = request.path_params["generationId"]
    if not _UUID.match(generation_id):
        raise ErrorAnswer.of("INVALID_GENERATION_ID")
    control = _control(request)
    generation = control.generation_for(caller, generation_id)
    view = render_generation(generation, control.clock.monotonic(), _origin(request), detailed=True)
    return _json(200, {"success": True, "data": view})


def _triggered(triggers: Triggers, control: SandboxControl) -> None:
    """The answers a prompt asks for at create (`sandbox:nsfw`, `sandbox:error=CODE`)."""
    if triggers.nsfw:
        raise ErrorAnswer.of("NSFW_CONTENT_DETECTED")
    code = triggers.error
    if code is None:
        return
    shape = triggers.shape
    if shape is None:
        shape = "status" if code in ("INVALID_IMAGE", "IMAGE_INACCESSIBLE") else "error"
    limited = code in ("RATE_LIMIT_ERROR", "CONCURRENT_GENERATION_ERROR")
    raise ErrorAnswer.of(code, shape, headers=control.wait_headers(60) if limited else None)


async def create_image(request: Request) -> Response:
    caller = _authenticate(request)
    control = _control(request)
    control.count_create(caller)
    body = parse_create_body(await request.body())
    try:
        triggers = parse_triggers(body.prompt)
    except TriggerError as exc:
        raise ErrorAnswer.of("VALIDATION_ERROR", message=str(exc)) from None
    _triggered(triggers, control)
    images, inaccessible = await check_references(
        body.images_url,
        body.images_base64,
        output_file=control.output_file,
    )
    params = CreateParams(
        prompt=body.prompt,
        resolution=body.resolution,
        aspect_ratio=body.aspect_ratio,
        num_outputs=body.num_outputs,
        model=body.model,
        webhook_url=body.webhook_url,
        name=body.name,
        is_public=body.is_public,
        image_input=images,
        inaccessible_input=inaccessible,
    )
    generation = control.start_generation(caller, params, triggers, _origin(request))
    data = {
        "generationId": generation.id,
        "status": "starting",
        "creditCost": generation.credit_cost,
    }
    return _json(201, {"success": True, "data": data})


# The one table of the sandbox's API: the handler of each operation of the spec, by its
# operationId. Its method and path come from the spec (`_routes`); `create_app` refuses to
# start when an operation of the spec has no handler here, or a handler no operation.
HANDLERS: Final[Mapping[str, Handler]] = {
    "getStatus": get_status,
    "getAccount": get_account,
    "listImages": list_images,
    "createImage": create_image,
    "getImage": get_image,
}
_HANDLERS_AT: Final = "HANDLERS in wrapper/imagegen/sandbox/_app.py"


def _checked_operations(handlers: Mapping[str, Handler]) -> tuple[ApiOperation, ...]:
    """The spec's operations, each with a handler; LookupError naming any that is not."""
    operations = api_operations()
    for operation in operations:
        if operation.operation_id not in handlers:
            raise LookupError(
                f"the spec's operation {operation.operation_id!r} ({operation.method} "
                f"{operation.spec_path}) has no sandbox handler: add one to {_HANDLERS_AT} "
                "(operationId -> async handler)"
            )
    spec_ids = {operation.operation_id for operation in operations}
    for operation_id in handlers:
        if operation_id not in spec_ids:
            raise LookupError(
                f"the sandbox handler {operation_id!r} is not an operation of the spec: "
                f"remove it from {_HANDLERS_AT}, or add the operation to spec/openapi.yaml"
            )
    return operations


def _dispatching(by_method: Mapping[str, Handler]) -> Handler:
    """One endpoint for the operations of one path, so its 405 allows exactly their methods."""

    async def endpoint(request: Request) -> Response:
        # Starlette answers HEAD wherever GET is allowed: as the GET.
        method = "GET" if request.method == "HEAD" else request.method
        return await by_method[method](request)

    return endpoint


def api_routes(
    operations: tuple[ApiOperation, ...], handlers: Mapping[str, Handler]
) -> list[Route]:
    """A route for each path of the spec (under `/v1`), answering each of its operations with
    its handler, a refusal (ErrorAnswer) raised in one answered as documented."""
    by_path: dict[str, dict[str, Handler]] = {}
    for operation in operations:
        handler = _answering(handlers[operation.operation_id])
        by_path.setdefault(operation.served_path, {})[operation.method] = handler
    return [
        Route(path, _dispatching(by_method), methods=list(by_method))
        for path, by_method in by_path.items()
    ]


async def get_file(request: Request) -> Response:
    control = _control(request)
    path = await run_in_threadpool(
        control.output_file, request.path_params["generation_id"], request.path_params["name"]
    )
    if path is None:
        return _json(404, {"detail": "File not found"})
    media_type = "image/jpeg" if path.suffix == ".jpg" else "image/png"
    return FileResponse(path, media_type=media_type)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    headers = dict(exc.headers) if isinstance(exc, HTTPException) and exc.headers else None
    detail = exc.detail if isinstance(exc, HTTPException) else "Not Found"
    return _json(status, {"detail": detail}, headers)


def create_app(
    *, clock: Clock | None = None, seed: int = 0, real_time_clients: bool = False
) -> Starlette:
    """The sandbox: an ASGI app serving the API under `/v1` on `clock` (real time if None).

    `real_time_clients`: its clients wait in real time, not on `clock` (another process, over
    HTTP; what `serve` makes), so the waits it asks for (`Retry-After`, `X-RateLimit-Reset`)
    are converted from `clock`'s seconds to real ones by the clock's `speed` (a ScaledClock).
    Its control object is `app.state.sandbox` (a `SandboxControl`).
    """
    operations = _checked_operations(HANDLERS)
    if clock is None:
        from ._server import ScaledClock

        clock = ScaledClock(1.0)
    control = SandboxControl(clock, seed, real_time_clients=real_time_clients)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Served for real: nothing moves a real clock's listeners, so tick on a timer.
        ticker = asyncio.create_task(_tick_forever(control))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker

    routes = [
        *api_routes(operations, HANDLERS),
        Route("/files/{generation_id}/{name}", get_file, methods=["GET"]),
        *control_routes(),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SandboxMiddleware, control=control, operations=OperationIndex(operations))
        ],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.sandbox = control
    return app


async def _tick_forever(control: SandboxControl) -> None:
    while True:
        await asyncio.sleep(_TICK_INTERVAL)
        await run_in_threadpool(control.tick)
