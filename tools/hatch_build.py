"""Hatchling build hook: an editable install reaches the generated client as imagegen._api.

The wheel maps generated/imagegen/_api to imagegen/_api (pyproject.toml's force-include), which
an editable install ignores: it only puts wrapper/ on sys.path. So the editable wheel also gets
tools/editable_api_finder.py and a .pth file that imports it at start-up, which finds
imagegen._api in the checkout's generated/ folder. Other builds are left as they are.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FINDER = "tools/editable_api_finder.py"
# Installed under names of this distribution's own, beside hatchling's _imagegen_sdk.pth.
MODULE = "_imagegen_sdk_api_finder"


class EditableGeneratedClientHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "editable":
            return
        self._scratch = Path(tempfile.mkdtemp(prefix="imagegen-editable-"))
        pth = self._scratch / f"{MODULE}.pth"
        pth.write_text(f"import {MODULE}\n")
        build_data["force_include_editable"][str(Path(self.root) / FINDER)] = f"{MODULE}.py"
        build_data["force_include_editable"][str(pth)] = pth.name

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
