"""The OpenTelemetry recipe of the README ("Tracing and events"), run as written with the real
opentelemetry-sdk and opentelemetry-instrumentation-httpx (dev dependencies only): a client
span per HTTP request of a `generate()`, each a child of the caller's span, and the client's
events (`on_event`) as events of that span. The same with the async client. And `import
imagegen` never imports OpenTelemetry.

The recipe uses the global tracer provider, as an application does: the fixture sets one of
its own and resets the global afterwards, as opentelemetry-test-utils' `reset_trace_globals`
does, so no other test sees it.
"""

from __future__ import annotations

import asyncio
import functools
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import imagegen
import pytest
from imagegen.testing import Sandbox
from opentelemetry import trace
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.util._once import Once

README = Path(__file__).resolve().parents[2] / "README.md"
QUICK = "sandbox:duration=20"


def _recipe() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (recipe,) = [b for b in blocks if "HTTPXClientInstrumentor" in b]
    return recipe


def _reset_global_tracer_provider() -> None:
    trace._TRACER_PROVIDER_SET_ONCE = Once()  # type: ignore[attr-defined]
    trace._TRACER_PROVIDER = None  # type: ignore[attr-defined]


@pytest.fixture
def provider() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield tracer_provider, exporter
    tracer_provider.shutdown()


@pytest.fixture
def global_provider(
    provider: tuple[TracerProvider, InMemorySpanExporter],
) -> Iterator[InMemorySpanExporter]:
    _reset_global_tracer_provider()
    trace.set_tracer_provider(provider[0])
    try:
        yield provider[1]
    finally:
        _reset_global_tracer_provider()


def _check_trace(spans: tuple[ReadableSpan, ...], api_key: str) -> list[ReadableSpan]:
    """One client span per HTTP request, each a child of "generate", and the client's events
    on "generate"; returns the client spans."""
    (generate,) = [s for s in spans if s.name == "generate"]
    clients = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert len(clients) == len(spans) - 1
    assert generate.context is not None
    for span in clients:
        assert span.parent is not None
        assert span.parent.span_id == generate.context.span_id
        assert span.context is not None
        assert span.context.trace_id == generate.context.trace_id
    methods = [
        s.attributes.get("http.method", s.attributes.get("http.request.method")) for s in clients
    ]
    assert methods[0] == "POST"  # the create
    assert methods[1:] == ["GET"] * (len(clients) - 1)  # each poll, then the download
    assert len(clients) >= 3
    # The events: one request event per API request (all but the download), in order.
    kinds = [e.name for e in generate.events]
    assert kinds.count("imagegen.request") == len(clients) - 1
    assert kinds[0] == "imagegen.request"
    assert "imagegen.status" in kinds
    assert kinds[-1] == "imagegen.download"
    first = generate.events[0].attributes
    assert first is not None
    assert first["operation"] == "createImage"
    assert first["status"] == 201
    assert str(first["request_id"]).startswith("req_")
    # The key is in no span and no event (the instrumentation records no header by default).
    for span in spans:
        texts = [str(v) for v in (span.attributes or {}).values()]
        texts += [str(v) for e in span.events for v in (e.attributes or {}).values()]
        assert not any(api_key in text for text in texts)
    return clients


def test_the_readme_recipe_traces_every_request_of_a_generate(
    global_provider: InMemorySpanExporter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Sandbox() as sandbox, sandbox.serve() as served:
        # The recipe as written: a real httpx.Client over a socket to 127.0.0.1, the key and
        # URL from the environment; only the client's clock is the sandbox's (no real waits).
        monkeypatch.setenv("IMAGEGEN_API_KEY", served.api_key)
        monkeypatch.setenv("IMAGEGEN_BASE_URL", served.base_url)
        monkeypatch.setattr(
            imagegen, "Client", functools.partial(imagegen.Client, clock=served.clock)
        )
        monkeypatch.chdir(tmp_path)
        recipe = _recipe().replace('"A red fox in snow"', f'"A red fox in snow {QUICK}"')
        assert QUICK in recipe
        exec(recipe, {"__name__": "readme_recipe"})
        (generation,) = served.control.generations()
    clients = _check_trace(global_provider.get_finished_spans(), served.api_key)
    generation_id = generation["generationId"]
    (saved,) = (tmp_path / "images").glob("*.png")
    assert generation_id in saved.name
    # Over the socket: the create, each poll of the generation, then its output's download.
    urls = [_url(span) for span in clients]
    origin = served.base_url.removesuffix("/v1")
    assert urls[0] == f"{origin}/v1/images"
    assert urls[1:-1] == [f"{origin}/v1/images/{generation_id}"] * (len(urls) - 2)
    assert urls[-1].startswith(f"{origin}/files/{generation_id}/")


def _url(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("url.full", attributes.get("http.url")))


def test_the_async_client_is_traced_the_same_on_an_in_process_transport(
    provider: tuple[TracerProvider, InMemorySpanExporter], tmp_path: Path
) -> None:
    """The instrumentation wraps any transport's handle_async_request: the sandbox's in-process
    one too. The tracer provider is passed, not global."""
    tracer_provider, exporter = provider
    tracer = tracer_provider.get_tracer("test")
    seen: list[Any] = []
    api_keys: list[str] = []

    def on_event(event: Any) -> None:
        seen.append(event)
        trace.get_current_span().add_event(f"imagegen.{event.kind}", event.attributes())

    async def main() -> None:
        with Sandbox() as sandbox:
            api_keys.append(sandbox.api_key)
            async with sandbox.async_http_client() as http:
                HTTPXClientInstrumentor().instrument_client(http, tracer_provider=tracer_provider)
                async with sandbox.async_client(http_client=http, on_event=on_event) as client:
                    with tracer.start_as_current_span("generate"):
                        await client.generate(f"a fox {QUICK}", download_to=tmp_path)

    asyncio.run(main())
    spans = exporter.get_finished_spans()
    _check_trace(spans, api_keys[0])
    (generate,) = [s for s in spans if s.name == "generate"]
    assert [e.name for e in generate.events] == [f"imagegen.{e.kind}" for e in seen]


def test_import_imagegen_and_a_client_import_no_opentelemetry() -> None:
    code = (
        "import sys, imagegen\n"
        "client = imagegen.Client(api_key='k' * 20, base_url='http://127.0.0.1:9/v1')\n"
        "client.close()\n"
        "aclient = imagegen.AsyncClient(api_key='k' * 20, base_url='http://127.0.0.1:9/v1')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'opentelemetry')\n"
        "print(repr(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
    # The check would see it: opentelemetry is installed here.
    assert __import__("opentelemetry.trace")
