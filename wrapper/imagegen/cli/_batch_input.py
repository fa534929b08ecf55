"""What `imagegen batch` reads: PROMPTS (a file, or `-` for stdin) and `--keys-file`.

PROMPTS is read as the batch takes its items, a line at a time, never whole: the library puts
each item in its journal as it comes (`_journal.Journal.ingest`) and checks every one before
anything is sent, so a file of any length runs in constant memory, and a bad line stops the
batch before its first request.

Two formats, told apart by the first non-blank line:

- it starts with `{`: JSON lines. Each non-blank line is one JSON object of `generate()`
  arguments by their Python names (`{"prompt": "...", "resolution": "2k", "aspect_ratio":
  "16:9", "images": ["https://...", "refs/a.png"]}`). An image that is a URL (`https://...`,
  any `scheme://`, or a `data:` URL) stays text; any other is a local file, a relative path
  taken from the directory of the PROMPTS file (the current directory for stdin), so the file
  means the same wherever the command is run from;
- else: each non-blank line is one prompt, without its surrounding whitespace.

Lines are numbered as an editor numbers them (from 1, blank lines counted), and every error
about an item names its line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ._errors import CommandError
from ._exit_codes import ExitCode

__all__ = ["PromptSource", "read_keys_file"]

_BOM = "\ufeff"


class PromptSource:
    """The items of PROMPTS, as an iterable the batch reads once. `count` items have been read
    so far, the last from line `line`; `exhausted` once every line has been."""

    def __init__(self, value: str, stdin: IO[Any]) -> None:
        self.value = value
        self.count = 0
        self.line = 0
        self.exhausted = False
        self.jsonl: bool | None = None  # known at the first non-blank line
        self._close = False
        if value == "-":
            self.name = "stdin"
            self._base = Path.cwd()
            self._stream: IO[Any] = getattr(stdin, "buffer", stdin)
            return
        path = Path(value).expanduser()
        self.name = value
        self._base = path.absolute().parent
        try:
            if path.is_dir():
                raise IsADirectoryError(21, "it is a directory")
            self._stream = path.open("rb")
        except OSError as error:
            raise CommandError(
                f"PROMPTS {value}: {_reason(error)}",
                exit_code=ExitCode.USAGE,
                hint="give a text file of prompts (one a line) or of JSON lines, or - for stdin",
            ) from None
        self._close = True

    def close(self) -> None:
        if self._close:
            self._stream.close()

    def __enter__(self) -> PromptSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[str | dict[str, Any]]:
        try:
            for number, raw in enumerate(self._stream, 1):
                text = self._decode(raw, number)
                if number == 1:
                    text = text.removeprefix(_BOM)
                stripped = text.strip()
                if not stripped:
                    continue
                if self.jsonl is None:
                    self.jsonl = stripped.startswith("{")
                item = self._parse(stripped, number) if self.jsonl else stripped
                self.count += 1
                self.line = number
                yield item
        finally:
            self.close()
        if self.count == 0:
            raise CommandError(
                f"PROMPTS {self.name} has no items: every line is blank",
                exit_code=ExitCode.USAGE,
                hint="one prompt a line, or one JSON object of generate() arguments a line",
            )
        self.exhausted = True

    def where(self, item_number: int) -> str:
        """Where item `item_number` (from 1) is, for a message: its line when it is the last
        item read (the library checks each as it takes it, so the one it names is), else its
        number only (a line number for every item would cost memory for each)."""
        if item_number == self.count and self.line:
            return f"{self.name}, line {self.line} (item {item_number})"
        return f"{self.name}, item {item_number}"

    def _decode(self, raw: bytes | str, number: int) -> str:
        if isinstance(raw, str):
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self._error(number, "is not UTF-8 text") from None

    def _parse(self, text: str, number: int) -> dict[str, Any]:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise self._error(
                number, f"is not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(value, dict):
            raise self._error(number, f"is a JSON {_json_type(value)}, not an object")
        images = value.get("images")
        if isinstance(images, list):
            value["images"] = [self._image(image) for image in images]
        return value

    def _image(self, image: Any) -> Any:
        if not isinstance(image, str) or "://" in image or image[:5].lower() == "data:":
            return image  # a URL, or what validation refuses with its own message
        path = Path(image).expanduser()
        return path if path.is_absolute() else self._base / path

    def _error(self, number: int, problem: str) -> CommandError:
        return CommandError(
            f"PROMPTS {self.name}, line {number} {problem}; nothing was sent",
            exit_code=ExitCode.USAGE,
            hint="its first line starts with '{', so every non-blank line must be one JSON "
            'object of generate() arguments, e.g. {"prompt": "a red fox", "resolution": "2k"}'
            if self.jsonl
            else None,
        )


def read_keys_file(value: str) -> tuple[list[str], list[int]]:
    """The API keys in `value`, one a line (blank lines and `#` comments skipped), and the
    line each is on. Each is checked as a key (never quoted in a message); the same key
    twice is refused here, keys of one account by the library once it asks the API."""
    from .._core import _checked_key
    from .._errors import InvalidRequestError

    try:
        text = Path(value).expanduser().read_bytes().decode("utf-8")
    except OSError as error:
        raise CommandError(
            f"--keys-file {value}: {_reason(error)}", exit_code=ExitCode.USAGE
        ) from None
    except UnicodeDecodeError:
        raise CommandError(
            f"--keys-file {value} is not UTF-8 text", exit_code=ExitCode.USAGE
        ) from None
    keys: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.removeprefix(_BOM).splitlines(), 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        try:
            _checked_key(key)
        except InvalidRequestError as error:
            problem = error.message.replace("api_key ", "the key ", 1)
            raise CommandError(
                f"--keys-file {value}, line {number}: {problem}", exit_code=ExitCode.USAGE
            ) from None
        if key in keys:
            raise CommandError(
                f"--keys-file {value}, line {number}: the same key as line "
                f"{lines[keys.index(key)]}",
                exit_code=ExitCode.USAGE,
                hint="one key per account, each once",
            )
        keys.append(key)
        lines.append(number)
    return keys, lines


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    return error.strerror or str(error) or type(error).__name__


def _json_type(value: object) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
