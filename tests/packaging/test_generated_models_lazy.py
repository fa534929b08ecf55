"""The generated `imagegen._api.models` imports each model when its name is first read (the
project's template spec/templates/models_init.py.jinja), so one model costs one module, and
every name it lists is still there, the very class of its own module. Likewise the package's
`__init__` (spec/templates/package_init.py.jinja) loads its client classes when first read."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import imagegen._api.models
import pytest

# The generated package alone: every import of imagegen._api runs the wrapper's imagegen first,
# which loads the two enums it re-exports; a bare parent package, whose path is the folder that
# holds _api, leaves only what the generated code itself loads.
ALONE = (
    "import sys, types\n"
    "parent = types.ModuleType('imagegen')\n"
    f"parent.__path__ = [{str(Path(imagegen._api.__file__).parents[1])!r}]\n"
    "sys.modules['imagegen'] = parent\n"
)


def _models_loaded_after(code: str) -> set[str]:
    """The modules of `imagegen._api.models` a fresh interpreter has loaded after `code`, run
    on the generated package alone."""
    probe = (
        f"{ALONE}{code}\n"
        "print(','.join(m for m in sys.modules if m.startswith('imagegen._api.models.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    names = result.stdout.strip().split(",")
    return {name.removeprefix("imagegen._api.models.") for name in names if name}


def test_the_package_alone_loads_no_model() -> None:
    assert _models_loaded_after("import imagegen._api.models") == set()


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
    loaded = _models_loaded_after(f"from imagegen._api.models import {name}")
    assert loaded == modules


def test_an_operation_module_loads_only_the_models_it_uses() -> None:
    loaded = _models_loaded_after("import imagegen._api.api.account.get_status")
    assert "status_check_response" in loaded
    assert "create_image_request" not in loaded
    assert "webhook_event" not in loaded


@pytest.mark.parametrize("name", imagegen._api.models.__all__)
def test_every_listed_name_is_the_class_of_its_own_module(name: str) -> None:
    value = getattr(imagegen._api.models, name)
    assert inspect.isclass(value)
    assert value.__name__ == name
    assert value.__module__.startswith("imagegen._api.models.")
    assert getattr(importlib.import_module(value.__module__), name) is value
    assert name in dir(imagegen._api.models)


def test_the_listed_names_are_every_model_module() -> None:
    defined = {
        getattr(imagegen._api.models, name).__module__ for name in imagegen._api.models.__all__
    }
    (folder,) = (Path(entry) for entry in imagegen._api.models.__path__)
    files = {f"imagegen._api.models.{path.stem}" for path in folder.glob("[!_]*.py")}
    assert defined == files


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        imagegen._api.models.NoSuchModel  # noqa: B018
    with pytest.raises(ImportError):
        exec("from imagegen._api.models import NoSuchModel", {})


def test_a_model_does_not_load_the_generated_client() -> None:
    probe = (
        f"{ALONE}from imagegen._api.models import ErrorCode\n"
        "print('imagegen._api.client' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False"


def test_the_package_still_serves_its_client_classes() -> None:
    import imagegen._api
    import imagegen._api.client

    assert imagegen._api.Client is imagegen._api.client.Client
    assert imagegen._api.AuthenticatedClient is imagegen._api.client.AuthenticatedClient
    assert {"Client", "AuthenticatedClient"} <= set(dir(imagegen._api))
    with pytest.raises(AttributeError, match="NoSuchClient"):
        imagegen._api.NoSuchClient  # noqa: B018
