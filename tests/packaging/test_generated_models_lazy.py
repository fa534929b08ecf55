"""The generated `imagegen_api.models` imports each model when its name is first read (the
project's template spec/templates/models_init.py.jinja), so one model costs one module, and
every name it lists is still there, the very class of its own module. Likewise the package's
`__init__` (spec/templates/package_init.py.jinja) loads its client classes when first read."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import imagegen_api.models
import pytest


def _models_loaded_after(code: str) -> set[str]:
    """The modules of `imagegen_api.models` a fresh interpreter has loaded after `code`."""
    probe = (
        f"import sys\n{code}\n"
        "print(','.join(m for m in sys.modules if m.startswith('imagegen_api.models.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    names = result.stdout.strip().split(",")
    return {name.removeprefix("imagegen_api.models.") for name in names if name}


def test_the_package_alone_loads_no_model() -> None:
    assert _models_loaded_after("import imagegen_api.models") == set()


@pytest.mark.parametrize(
    ("name", "modules"),
    [
        ("ErrorCode", {"error_code"}),
        # A model loads the models its own module imports, and no other.
        (
            "AccountNotFoundErrorResponse",
            {"account_not_found_error_response", "account_not_found_code"},
        ),
        ("Generation", {"generation", "generation_status", "aspect_ratio"}),
    ],
)
def test_one_model_loads_only_its_module_and_what_that_imports(
    name: str, modules: set[str]
) -> None:
    loaded = _models_loaded_after(f"from imagegen_api.models import {name}")
    assert loaded == modules


def test_an_operation_module_loads_only_the_models_it_uses() -> None:
    loaded = _models_loaded_after("import imagegen_api.api.account.get_status")
    assert "status_check_response" in loaded
    assert "create_image_request" not in loaded
    assert "webhook_event" not in loaded


@pytest.mark.parametrize("name", imagegen_api.models.__all__)
def test_every_listed_name_is_the_class_of_its_own_module(name: str) -> None:
    value = getattr(imagegen_api.models, name)
    assert inspect.isclass(value)
    assert value.__name__ == name
    assert value.__module__.startswith("imagegen_api.models.")
    assert getattr(importlib.import_module(value.__module__), name) is value
    assert name in dir(imagegen_api.models)


def test_the_listed_names_are_every_model_module() -> None:
    defined = {
        getattr(imagegen_api.models, name).__module__ for name in imagegen_api.models.__all__
    }
    (folder,) = (Path(entry) for entry in imagegen_api.models.__path__)
    files = {f"imagegen_api.models.{path.stem}" for path in folder.glob("[!_]*.py")}
    assert defined == files


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        imagegen_api.models.NoSuchModel  # noqa: B018
    with pytest.raises(ImportError):
        exec("from imagegen_api.models import NoSuchModel", {})


def test_a_model_does_not_load_the_generated_client() -> None:
    probe = (
        "import sys\nfrom imagegen_api.models import ErrorCode\n"
        "print('imagegen_api.client' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False"


def test_the_package_still_serves_its_client_classes() -> None:
    import imagegen_api
    import imagegen_api.client

    assert imagegen_api.Client is imagegen_api.client.Client
    assert imagegen_api.AuthenticatedClient is imagegen_api.client.AuthenticatedClient
    assert {"Client", "AuthenticatedClient"} <= set(dir(imagegen_api))
    with pytest.raises(AttributeError, match="NoSuchClient"):
        imagegen_api.NoSuchClient  # noqa: B018
