"""`--out`, checked before anything is asked of the API.

A generation is charged when it is created; finding only after the wait that its images cannot
be saved would waste the credits (and the minutes). The check is a real write, not a permission
test: `os.access` says yes to root everywhere, and a directory such as /proc refuses what its
mode bits allow. Directories it makes to try are removed again, so a command that fails later
leaves nothing behind (the download makes them for good).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import NoReturn

from ._errors import CommandError
from ._exit_codes import ExitCode

__all__ = ["check_out_dir"]

_HINT = "give a directory you can write to (it is made if missing)"


def check_out_dir(value: str) -> None:
    """Raise a usage error naming `--out` unless files can be written in directory `value`."""
    path = Path(value)
    made: list[Path] = []
    try:
        if path.exists() and not path.is_dir():
            _refuse(value, "it is a file, not a directory")
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for directory in reversed(missing):
            directory.mkdir()
            made.append(directory)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".imagegen-out-check-"):
            pass
    except NotADirectoryError:
        _refuse(value, "a part of the path is a file, not a directory")
    except OSError as error:
        _refuse(value, f"cannot write there ({error.strerror or error})")
    finally:
        for directory in reversed(made):
            with contextlib.suppress(OSError):
                directory.rmdir()


def _refuse(value: str, reason: str) -> NoReturn:
    raise CommandError(f"--out {value}: {reason}", exit_code=ExitCode.USAGE, hint=_HINT)
