"""The editable install's way to `imagegen._api`, the generated client, in a source checkout.

A wheel holds the generated client inside the package, as imagegen/_api. A checkout keeps it
where the generator writes it, generated/imagegen/_api, beside wrapper/imagegen, so the package
the editable install puts on sys.path (wrapper/imagegen) has no _api of its own. This finder,
which the editable install's .pth file appends to sys.meta_path (tools/hatch_build.py), is
consulted only once the ordinary finders have not found imagegen._api there, and looks for it in
the generated/ folder beside the wrapper/ that imagegen was imported from. It redirects nothing
else: `import imagegen_api` finds nothing, as with a wheel.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from types import ModuleType

NAME = "imagegen._api"


class GeneratedClientFinder:
    """A meta path finder for the one module NAME, of a package imported from a wrapper/."""

    @staticmethod
    def find_spec(
        fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != NAME or not path:
            return None
        # `path` is imagegen's __path__: from <checkout>/wrapper/imagegen to
        # <checkout>/generated/imagegen.
        places = [
            str(Path(entry).parent.parent / "generated" / "imagegen")
            for entry in path
            if Path(entry).parent.name == "wrapper"
        ]
        return PathFinder.find_spec(fullname, places) if places else None

    @staticmethod
    def invalidate_caches() -> None:
        """Nothing cached: each lookup asks the file system."""


def install() -> None:
    if not any(isinstance(finder, GeneratedClientFinder) for finder in sys.meta_path):
        sys.meta_path.append(GeneratedClientFinder())


install()
