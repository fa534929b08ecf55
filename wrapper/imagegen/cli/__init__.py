"""The `imagegen` command line (the `cli` extra: rich).

`main(argv)` runs it and returns the exit code; the console script calls it with the process's
arguments. `import imagegen` never imports this package.
"""

from ._main import main

__all__ = ["main"]
