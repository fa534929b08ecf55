"""`import imagegen` stays cheap: what still costs real import time (the generated client and
operation modules, the parser, validation, polling, downloads, asyncio) is loaded where it is
first needed, and the names loaded on first use (PEP 562) are the very objects they stand for.

The generated enums are cheap since `imagegen._api.models` imports each model lazily (the
project's template), so they are plain imports: `import imagegen` loads those two modules of the
generated package and nothing else of it."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing

import imagegen
import imagegen._api.models
import pytest
from imagegen import _core, _defaults, _download, _polling

from tests.factories import make_generation

# Each costly to import (milliseconds each, against a budget of 1.3x `import httpx`), and none
# is needed before a request. Of `imagegen._api`, only ENUMS may be loaded.
DEFERRED = (
    "asyncio",
    "imagegen._api",
    "imagegen._parsing",
    "imagegen._validation",
    "imagegen._polling",
    "imagegen._download",
    "imagegen._response",  # an attrs class, defined with the first answer
)


def _loaded_after(code: str) -> list[str]:
    """The modules of DEFERRED that a fresh interpreter has loaded after running `code`."""
    probe = (
        f"import sys\n{code}\n"
        f"print(','.join(sorted(m for m in sys.modules "
        f"if any(m == d or m.startswith(d + '.') for d in {DEFERRED!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    return [name for name in result.stdout.strip().split(",") if name and name not in ENUMS]


# The generated modules `import imagegen` loads: the two enums it names, and their packages.
ENUMS = (
    "imagegen._api",
    "imagegen._api.models",
    "imagegen._api.models.error_code",
    "imagegen._api.models.generation_status",
)


def test_import_loads_no_generated_code_asyncio_or_request_time_modules() -> None:
    assert _loaded_after("import imagegen") == []


def test_import_loads_the_generated_enums_it_names_and_no_other_model() -> None:
    probe = (
        "import sys, imagegen\n"
        "print(','.join(sorted(m for m in sys.modules "
        "if m == 'imagegen._api' or m.startswith('imagegen._api.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    assert tuple(result.stdout.strip().split(",")) == ENUMS


def test_the_generated_enums_are_plain_attributes_not_loaded_on_first_use() -> None:
    # Once cheap to import, they are imported: no module `__getattr__` stands in for them.
    probe = (
        "import imagegen, imagegen._errors, imagegen._types\n"
        "pairs = [(imagegen, 'ErrorCode'), (imagegen, 'GenerationStatus'),\n"
        "         (imagegen._errors, 'ErrorCode'), (imagegen._types, 'GenerationStatus')]\n"
        "for module, name in pairs:\n"
        "    assert name in vars(module), (module.__name__, name)\n"
        "assert not hasattr(imagegen._errors, '__getattr__')\n"
        "assert not hasattr(imagegen._types, '__getattr__')\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_building_clients_loads_none_of_them_either() -> None:
    code = (
        "import imagegen\n"
        "imagegen.Client(api_key='k', base_url='https://api.example/v1')\n"
        "imagegen.Client(api_key='k', base_url='http://127.0.0.1:9/v1', max_retries=0)\n"
    )
    assert _loaded_after(code) == []


def test_the_first_request_loads_the_generated_client() -> None:
    code = (
        "import httpx, imagegen\n"
        "answer = httpx.Response(404, json={'detail': 'Generation not found'})\n"
        "http = httpx.Client(transport=httpx.MockTransport(lambda request: answer))\n"
        "client = imagegen.Client(api_key='k', base_url='https://api.example/v1', "
        "http_client=http, max_retries=0)\n"
        "try:\n"
        "    client.images.get('7c9e6679-7425-40de-944b-e07fc1f90ae7')\n"
        "except imagegen.NotFoundError as error:\n"
        "    assert error.code == 'GENERATION_NOT_FOUND', error.code\n"
    )
    loaded = _loaded_after(code)
    assert "imagegen._api.client" in loaded
    assert "imagegen._api.api.images.get_image" in loaded
    assert "imagegen._parsing" in loaded


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ErrorCode", imagegen._api.models.ErrorCode),
        ("GenerationStatus", imagegen._api.models.GenerationStatus),
        ("PollSchedule", _polling.PollSchedule),
        ("DownloadedFiles", _download.DownloadedFiles),
        ("DownloadError", _download.DownloadError),
    ],
)
def test_names_loaded_on_first_use_are_the_objects_themselves(name: str, expected: object) -> None:
    assert getattr(imagegen, name) is expected
    assert name in dir(imagegen)
    namespace: dict[str, object] = {}
    exec(f"from imagegen import {name}", namespace)
    assert namespace[name] is expected


def test_the_private_modules_serve_their_generated_names_too() -> None:
    from imagegen._errors import ErrorCode
    from imagegen._types import GenerationStatus

    assert ErrorCode is imagegen._api.models.ErrorCode
    assert GenerationStatus is imagegen._api.models.GenerationStatus


def test_every_public_name_is_there_and_an_unknown_one_is_an_attribute_error() -> None:
    for name in imagegen.__all__:
        assert getattr(imagegen, name) is not None, name
    assert set(imagegen.__all__) <= set(dir(imagegen))
    with pytest.raises(AttributeError, match="no_such_name"):
        imagegen.no_such_name  # noqa: B018
    with pytest.raises(AttributeError, match="no_such_name"):
        imagegen._types.no_such_name  # noqa: B018


def test_type_hints_of_the_results_resolve_to_the_generated_enum() -> None:
    hints = typing.get_type_hints(imagegen.Generation)
    # The generated enum, or the raw string of a status this client does not know.
    assert hints["status"] == imagegen._api.models.GenerationStatus | str
    assert typing.get_type_hints(imagegen.CreatedGeneration)["status"] == hints["status"]
    # ... also in a fresh interpreter, where nothing has loaded the generated models yet.
    code = (
        "import typing, imagegen\n"
        "import imagegen._api.models as m\n"
        "assert typing.get_type_hints(imagegen.Generation)['status'] == m.GenerationStatus | str\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_client_signatures_show_the_defaults_the_modules_use() -> None:
    # Defined once, in `_defaults`, which imports nothing: no copy held equal by a test.
    assert _polling.DEFAULT_WAIT_TIMEOUT is _defaults.DEFAULT_WAIT_TIMEOUT
    assert _download.DEFAULT_MAX_DOWNLOAD_BYTES is _defaults.DEFAULT_MAX_DOWNLOAD_BYTES
    assert not hasattr(_core, "WAIT_TIMEOUT")
    assert not hasattr(_core, "MAX_DOWNLOAD_BYTES")
    for resource in (imagegen.Images, imagegen.AsyncImages):
        wait = inspect.signature(resource.wait).parameters["timeout"]
        assert wait.default == _polling.DEFAULT_WAIT_TIMEOUT
        download = inspect.signature(resource.download).parameters["max_bytes"]
        assert download.default == _download.DEFAULT_MAX_DOWNLOAD_BYTES
    for client in (imagegen.Client, imagegen.AsyncClient):
        for method in (client.generate, client.generate_many):
            timeout = inspect.signature(method).parameters["timeout"]
            assert timeout.default == _polling.DEFAULT_WAIT_TIMEOUT


def test_status_predicates_use_the_generated_statuses() -> None:
    status = imagegen._api.models.GenerationStatus
    for value in status:
        generation = make_generation(id="x", status=value)
        assert generation.succeeded is (value == status.SUCCEEDED)
        assert generation.failed is (value == status.FAILED)
        assert generation.is_terminal is (value in (status.SUCCEEDED, status.FAILED))
