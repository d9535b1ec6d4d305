# Everyday targets. `make run` and `make test` create or update the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_DIR ?= ../shared/bench
# e.g. make run RUN_ARGS="--api-port 3001 --no-samples"; make test PYTEST_ARGS="-m e2e"
RUN_ARGS ?=
PYTEST_ARGS ?=

.PHONY: venv run test lint format typecheck check bench layer clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

venv: $(STAMP) ## create or update the virtual environment

run: venv ## the whole pipeline on this machine: moto server on :5000, functions, API on :3000
	$(BIN)/articles serve $(RUN_ARGS)

test: venv ## the whole test suite (pytest exits non-zero if it collects nothing)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check shared functions tests bench
	$(BIN)/ruff format --check shared functions tests bench

format: venv
	$(BIN)/ruff format shared functions tests bench
	$(BIN)/ruff check --fix shared functions tests bench

typecheck: venv ## the domain package, then each handler on its own (all three are app.py)
	$(BIN)/mypy
	for handler in functions/*/app.py; do $(BIN)/mypy "$$handler" || exit 1; done

check: lint typecheck test

bench: venv ## benchmarks against the team's data in ../shared/bench
	@for data in $(BENCH_DIR)/extraction $(BENCH_DIR)/keypoints/cnndm-dev.jsonl; do \
	  test -e "$$data" || { echo "make bench: $$data not found (the data sets live in BENCH_DIR=$(BENCH_DIR))" >&2; exit 2; }; \
	done
	$(BIN)/python bench/extraction.py $(BENCH_DIR)/extraction
	$(BIN)/python bench/keypoints.py $(BENCH_DIR)/keypoints/cnndm-dev.jsonl
	$(BIN)/python bench/grounding.py $(BENCH_DIR)/keypoints/cnndm-dev.jsonl

layer: venv ## build the Lambda layer for python3.13/arm64 into build/layer and print its size
	$(MAKE) -C shared build-SharedLayer ARTIFACTS_DIR=$(CURDIR)/build/layer PIP=$(CURDIR)/$(BIN)/pip
	@du -sh build/layer | awk '{print "layer unzipped: " $$1}'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build .aws-sam
