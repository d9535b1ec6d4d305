# Everyday targets. `make run` and `make test` create or update the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BENCH_DIR ?= ../shared/bench
# e.g. make run RUN_ARGS="--api-port 3001 --no-samples"; make test PYTEST_ARGS="-m e2e"
RUN_ARGS ?=
PYTEST_ARGS ?=

# Deploy checks run in their own environments, pinned (aws-sam-cli and checkov cannot share one).
DEPLOY_VENV ?= .venv-deploy
SAM_CLI_VERSION := 1.170.0
CFN_LINT_VERSION := 1.58.0
CHECKOV_VERSION := 3.3.30
SAM_STAMP := $(DEPLOY_VENV)/sam/.installed-$(SAM_CLI_VERSION)-$(CFN_LINT_VERSION)
CHECKOV_STAMP := $(DEPLOY_VENV)/checkov/.installed-$(CHECKOV_VERSION)

.PHONY: venv run test lint format typecheck check bench layer deploy-tools deploy-check clean

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
	$(BIN)/ruff check shared functions tests bench deploy
	$(BIN)/ruff format --check shared functions tests bench deploy

format: venv
	$(BIN)/ruff format shared functions tests bench deploy
	$(BIN)/ruff check --fix shared functions tests bench deploy

typecheck: venv ## the domain package, then each handler on its own (all three are app.py)
	$(BIN)/mypy
	$(BIN)/mypy --strict -p articles
	for handler in functions/*/app.py; do $(BIN)/mypy "$$handler" || exit 1; done

check: lint typecheck test

bench: venv ## benchmarks against the team's data in ../shared/bench
	@for data in $(BENCH_DIR)/extraction $(BENCH_DIR)/keypoints/cnndm-dev.jsonl; do \
	  test -e "$$data" || { echo "make bench: $$data not found (the data sets live in BENCH_DIR=$(BENCH_DIR))" >&2; exit 2; }; \
	done
	$(BIN)/python bench/extraction.py $(BENCH_DIR)/extraction
	$(BIN)/python bench/metadata.py $(BENCH_DIR)/extraction
	$(BIN)/python bench/keypoints.py $(BENCH_DIR)/keypoints/cnndm-dev.jsonl
	$(BIN)/python bench/grounding.py $(BENCH_DIR)/keypoints/cnndm-dev.jsonl

layer: venv ## build the Lambda layer for python3.13/arm64 into build/layer and print its size
	$(MAKE) -C shared build-SharedLayer ARTIFACTS_DIR=$(CURDIR)/build/layer PIP=$(CURDIR)/$(BIN)/pip
	@du -sh build/layer | awk '{print "layer unzipped: " $$1}'

$(SAM_STAMP):
	rm -rf $(DEPLOY_VENV)/sam && $(PYTHON) -m venv $(DEPLOY_VENV)/sam
	$(DEPLOY_VENV)/sam/bin/python -m pip install --quiet \
		aws-sam-cli==$(SAM_CLI_VERSION) cfn-lint==$(CFN_LINT_VERSION)
	@touch $@

$(CHECKOV_STAMP):
	rm -rf $(DEPLOY_VENV)/checkov && $(PYTHON) -m venv $(DEPLOY_VENV)/checkov
	$(DEPLOY_VENV)/checkov/bin/python -m pip install --quiet checkov==$(CHECKOV_VERSION)
	@touch $@

deploy-tools: $(SAM_STAMP) $(CHECKOV_STAMP) ## the pinned deploy tools, in $(DEPLOY_VENV)

# No Docker: the layer builds with shared/Makefile (wheels for the runtime, whatever this
# machine is) and the functions are plain Python, which sam build copies with python3.13.
deploy-check: deploy-tools ## sam validate --lint, sam build for python3.13/arm64, checkov
	@set -e; export SAM_CLI_TELEMETRY=0; \
	compiler=$$($(MAKE) -s -C shared compiler); \
	$(DEPLOY_VENV)/sam/bin/sam validate --lint --region us-east-1; \
	PATH="$$(dirname $$compiler):$$PATH" $(DEPLOY_VENV)/sam/bin/sam build --region us-east-1 \
		--build-dir .aws-sam/build; \
	layer=$$($(PYTHON) deploy/checks.py layer .aws-sam/build/SharedLayer/python); \
	echo "$$layer"; \
	$(DEPLOY_VENV)/checkov/bin/checkov --file template.yaml --framework cloudformation \
		--skip-download --output json > .aws-sam/checkov.json || true; \
	findings=$$($(DEPLOY_VENV)/checkov/bin/python deploy/checks.py checkov .aws-sam/checkov.json); \
	echo "$$findings"; \
	echo "deploy-check passed: sam validate --lint clean; sam build python3.13/arm64;" \
		"$${layer#layer .aws-sam/build/SharedLayer/python: }; $$findings"

clean:
	rm -rf $(VENV) $(DEPLOY_VENV) .pytest_cache .ruff_cache .mypy_cache build .aws-sam
