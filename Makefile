# Every target sets up what it needs on a fresh machine that has only Python 3.11+ and make
# (and the npm that ships with the machine, for the spec linter).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Generator post-hooks call `ruff` and `python`: the venv's, pinned.
export PATH := $(CURDIR)/$(BIN):$(PATH)
STAMP := $(VENV)/.installed
SPEC := spec/openapi.yaml
GEN_CONFIG := spec/generator-config.yaml

.PHONY: help setup generate check-generated check-api lint-spec mock-check lint format typecheck test pytest demo bench record fuzz-long clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "imagegen needs Python >= 3.11; set PYTHON=python3.11 (or newer)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# A venv made before the rename to imagegen-sdk holds the old distribution, which claims
	@# the same package and command: remove it (a no-op anywhere else).
	$(BIN)/python -m pip uninstall --quiet --quiet --yes imagegen
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## Create .venv with the package and every tool

generate: $(STAMP) ## Regenerate generated/ and wrapper/imagegen/_spec from the spec; print how it changed
	$(BIN)/python tools/generate.py generated
	$(BIN)/python tools/gen_surface.py
	@# What changed since the last commit (informs, never fails: spec_diff exits 0 without
	@# --fail-on-breaking). Outside a git checkout there is no HEAD to compare with.
	@if git cat-file -e HEAD:$(SPEC) 2>/dev/null; then \
		git show HEAD:$(SPEC) | $(BIN)/python tools/spec_diff.py - $(SPEC); \
	fi

check-generated: $(STAMP) ## Fail if generated/ or wrapper/imagegen/_spec differ from what the spec generates
	$(BIN)/python tools/generate.py --check generated
	$(BIN)/python tools/gen_surface.py --check

check-api: $(STAMP) ## Fail on a breaking change of imagegen's public API that CHANGELOG.md lacks
	$(BIN)/python tools/check_api.py

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint-spec: $(STAMP) node_modules/.installed ## Validate and lint the spec (zero errors, zero warnings)
	$(BIN)/python -m openapi_spec_validator $(SPEC)
	npx --no-install redocly lint $(SPEC) --config spec/redocly.yaml --format=stylish

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy --strict on the wrapper
	$(BIN)/mypy

mock-check: $(STAMP) node_modules/.installed ## Prism's dynamic mock of the spec: the client reads every answer
	$(BIN)/pytest -q tests/contract/test_prism_mock.py

pytest: $(STAMP) node_modules/.installed ## Only the test suite (it runs Prism, hence node_modules)
	$(BIN)/pytest -q

test: lint typecheck lint-spec check-generated check-api pytest ## Everything CI runs

demo: $(STAMP) ## Generate an image with the offline sandbox, saved to ./out
	$(BIN)/imagegen generate --sandbox "A lighthouse on a cliff at dusk, oil painting" \
		--resolution 1k --aspect-ratio 16:9 --out out

bench: $(STAMP) ## Benchmarks, as ratios measured in one run
	$(BIN)/python -m bench

record: $(STAMP) ## Re-record cassettes (against IMAGEGEN_BASE_URL, else the sandbox), then validate
	$(BIN)/python -m tests.cassettes.record
	$(BIN)/pytest -q tests/cassettes

fuzz-long: $(STAMP) ## The parser fuzzing, with many more examples
	IMAGEGEN_FUZZ_EXAMPLES=1000 $(BIN)/pytest -q tests/fuzz

clean: ## Remove the venv, caches and outputs
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis .schemathesis out
