"""The command line: every subcommand, option and example, with argparse.

Each subcommand's help ends with examples; the top-level help ends with the exit-code table,
rendered from `_exit_codes.EXIT_CODE_TABLE` so the two cannot disagree.
"""

from __future__ import annotations

import argparse
from typing import Final

from .. import __version__
from .._defaults import DEFAULT_WAIT_TIMEOUT  # the library's, defined once
from ._create_options import add_create_options
from ._exit_codes import EXIT_CODE_TABLE

__all__ = ["DEFAULT_SANDBOX_SPEED", "DEFAULT_WAIT_TIMEOUT", "build_parser"]

# The in-process sandbox runs this many times faster than real time: a generation the docs
# time at one to two minutes is done in one or two seconds.
DEFAULT_SANDBOX_SPEED: Final = 60.0

_DESCRIPTION = """\
Generate images with the imagegen API from the command line.

The key and base URL come from --api-key / --base-url, or from IMAGEGEN_API_KEY /
IMAGEGEN_BASE_URL. --sandbox runs any command against an offline sandbox in this process,
with no key and no network.
"""


def _epilog_main() -> str:
    rows = "\n".join(f"  {int(code):>3}  {meaning}" for code, meaning in EXIT_CODE_TABLE)
    return f"""\
examples:
  imagegen generate --sandbox "A lighthouse on a cliff at dusk" --aspect-ratio 16:9 --out out
  export IMAGEGEN_API_KEY=... IMAGEGEN_BASE_URL=https://...
  imagegen generate "A red fox in snow" --resolution 2k --out images
  imagegen wait 3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21 --out images
  imagegen batch prompts.txt --out images      # one prompt a line; run again to resume
  imagegen list --json

exit codes:
{rows}
"""


_EXAMPLES: Final = {
    "generate": """\
examples:
  imagegen generate --sandbox "A lighthouse on a cliff at dusk, oil painting" \\
      --resolution 1k --aspect-ratio 16:9 --out out
  imagegen generate "The same scene at night" --image ref.png --image ref2.jpg --out out
  imagegen generate "A poster" --image https://example.com/ref.png --num-outputs 2 --out out
  imagegen generate "A red fox" --no-wait --json        # prints the id; `imagegen wait ID` later
  imagegen generate "A red fox" --param num_outputs=2 --param is_public=true --out out

Ctrl-C while waiting stops watching, not the generation: the command to resume is printed.
""",
    "batch": """\
examples:
  imagegen batch prompts.txt --out images           # one prompt a line
  imagegen batch items.jsonl --out images           # one JSON object of generate() args a line
  imagegen batch prompts.txt --out images           # again: goes on where it stopped
  imagegen batch prompts.txt --out images --retry-failed
  imagegen batch - --out images --json < prompts.txt > results.jsonl
  imagegen batch items.jsonl --out images --keys-file more-keys.txt
  imagegen batch --sandbox prompts.txt --out out

A JSONL line (its keys are generate()'s Python arguments; a local image path is taken from
the directory of the PROMPTS file, or the current one for stdin):
  {"prompt": "A red fox", "resolution": "2k", "aspect_ratio": "16:9", "images": ["ref.png"]}

Each item's state is kept in a journal (DIR/imagegen-batch.sqlite3 unless --journal), so the
same command run again skips what is done, waits for what was created, and charges nothing
twice. Ctrl-C stops cleanly and prints the command to resume. Exit 0 when every item is done,
15 when some failed or are not finished. With --json, stdout is JSON lines: one object per
item as it ends ("type": "item"), then one summary ("type": "summary").
""",
    "wait": """\
examples:
  imagegen wait 3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21 --out out
  imagegen wait 3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21 --timeout 600 --json
""",
    "get": """\
examples:
  imagegen get 3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21
  imagegen get 3f6c2a1e-8d4b-4c1a-9e2f-0b7d5a6c4e21 --json
""",
    "list": """\
examples:
  imagegen list
  imagegen list --limit 50 --offset 50
  imagegen list --all --json
""",
    "account": """\
examples:
  imagegen account
  imagegen account --json
  imagegen account --sandbox
""",
    "ping": """\
examples:
  imagegen ping
  imagegen ping --base-url https://... --api-key ...
""",
    "sandbox": """\
examples:
  imagegen sandbox                        # http://127.0.0.1:8080/v1, real time
  imagegen sandbox --port 9000 --speed 60 # a one-minute generation takes a second
  IMAGEGEN_BASE_URL=http://127.0.0.1:8080/v1 IMAGEGEN_API_KEY=<printed key> imagegen ping
""",
}


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
    return value


def _int_in(low: int, high: int | None) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, not {value}")
        return value

    parse.__name__ = "integer"  # what argparse names in "invalid integer value"
    return parse  # type: ignore[return-value]


_JSON_HELP: Final = "print one JSON document on stdout and nothing else there (for scripts)"
_JSON_LINES_HELP: Final = (
    "print JSON lines on stdout and nothing else there: one object per item as it ends, then "
    "a summary (for scripts)"
)


def _common_options(json_help: str = _JSON_HELP) -> argparse.ArgumentParser:
    """Options every API command takes (not `sandbox`)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection and output")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key (default: $IMAGEGEN_API_KEY); never printed",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="API base URL, with any version prefix (default: $IMAGEGEN_BASE_URL)",
    )
    group.add_argument(
        "--sandbox",
        action="store_true",
        help="run against an offline sandbox in this process (no key, no network)",
    )
    group.add_argument(
        "--sandbox-speed",
        type=_positive_float,
        metavar="FACTOR",
        help=f"how much faster than real time --sandbox runs (default: "
        f"$IMAGEGEN_SANDBOX_SPEED or {DEFAULT_SANDBOX_SPEED:g})",
    )
    group.add_argument("--json", action="store_true", help=json_help)
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print each request, retry, pacing wait, status change and download as a line "
        "on stderr (never the key)",
    )
    return common


def _add_download_and_wait_options(parser: argparse.ArgumentParser, *, out_help: str) -> None:
    parser.add_argument("--out", metavar="DIR", help=out_help)
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop waiting after this long (default: {DEFAULT_WAIT_TIMEOUT:g}); the "
        "generation goes on and can be resumed with `imagegen wait`",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagegen",
        description=_DESCRIPTION,
        epilog=_epilog_main(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"imagegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common_options()

    def add(
        name: str,
        help_text: str,
        *,
        with_common: bool = True,
        parent: argparse.ArgumentParser = common,
    ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_text,
            description=help_text[:1].upper() + help_text[1:] + ".",
            epilog=_EXAMPLES[name],
            parents=[parent] if with_common else [],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    generate = add("generate", "create a generation, wait for it and save the images")
    generate.add_argument("prompt", help="what to draw")
    generate.add_argument(
        "--image",
        action="append",
        dest="images",
        metavar="PATH_OR_URL",
        help="reference image: a local JPEG/PNG/WEBP file or an https URL; repeat for more "
        "(up to 10, all files or all URLs)",
    )
    generate.add_argument(
        "--no-wait",
        action="store_true",
        help="print the generation id and return at once",
    )
    _add_download_and_wait_options(
        generate, out_help="directory to save the images in (default: the current directory)"
    )
    # Last: a field's own option must not take the name of one of the command's own.
    add_create_options(generate)

    batch = add(
        "batch",
        "generate every item of a file of prompts (or JSON lines) into a directory, durably",
        parent=_common_options(json_help=_JSON_LINES_HELP),
    )
    batch.add_argument(
        "prompts",
        metavar="PROMPTS",
        help="a file: one prompt a line, or (if its first line starts with '{') one JSON "
        "object of generate() arguments a line; - reads stdin",
    )
    batch.add_argument(
        "--out", metavar="DIR", required=True, help="directory to save the images in"
    )
    batch.add_argument(
        "--journal",
        metavar="PATH",
        help="the batch's state file (SQLite; default: DIR/imagegen-batch.sqlite3)",
    )
    batch.add_argument(
        "--retry-failed",
        action="store_true",
        help="try the items that failed in an earlier run again (else they stay failed)",
    )
    batch.add_argument(
        "--keys-file",
        metavar="FILE",
        help="more API keys, one a line, each of another account: one worker per account "
        "(blank lines and # comments are skipped; keys are never printed)",
    )
    batch.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up waiting for an item after this long (default: {DEFAULT_WAIT_TIMEOUT:g}); "
        "it is failed, and --retry-failed waits for it again",
    )

    wait = add("wait", "wait for a generation to finish, then show (or save) its images")
    wait.add_argument("generation_id", metavar="ID", help="the generation id (a UUID)")
    _add_download_and_wait_options(
        wait, out_help="save the images in this directory (default: only show their URLs)"
    )

    get = add("get", "show a generation's status and outputs, without waiting")
    get.add_argument("generation_id", metavar="ID", help="the generation id (a UUID)")

    list_ = add("list", "list your generations, newest first")
    list_.add_argument(
        "--limit", type=_int_in(1, 100), default=20, metavar="N", help="page size (default: 20)"
    )
    list_.add_argument(
        "--offset", type=_int_in(0, None), default=0, metavar="N", help="skip this many"
    )
    list_.add_argument("--all", action="store_true", help="walk every page")

    add("account", "show the account and its credits")
    add("ping", "check the key and the connection (the API's status check)")

    sandbox = add(
        "sandbox",
        "serve the offline sandbox API on 127.0.0.1 until Ctrl-C",
        with_common=False,
    )
    sandbox.add_argument(
        "--port", type=_int_in(0, 65535), default=8080, help="port (default: 8080; 0 = any free)"
    )
    sandbox.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        metavar="FACTOR",
        help="run the sandbox's clock this many times faster than real time (default: 1)",
    )
    sandbox.add_argument(
        "--seed", type=int, default=0, help="seed for reproducible ids and images (default: 0)"
    )
    return parser
