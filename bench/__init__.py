"""Benchmarks of imagegen, each a ratio or a count measured against a baseline in the same run.

Run all of them with `python -m bench` (or `make bench`); run one alone with
`python -m bench.<figure>` (overhead, importtime, polling, batch, download, sandbox,
batches).
The method of each figure is in docs/bench.md.
"""
