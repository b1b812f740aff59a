# stellenatlas — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE_COUNT ?= 20000
export STELLENATLAS_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo test install lint typecheck bench eval refdata browser-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Builds the sample database and search index once (idempotent), then serves http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/stellenatlas db upgrade
	$(BIN)/stellenatlas index rebuild --if-outdated
	$(BIN)/stellenatlas ingest sample --count $(SAMPLE_COUNT)
	$(BIN)/stellenatlas index rebuild
	$(BIN)/stellenatlas insights refresh
	@echo "stellenatlas läuft auf http://127.0.0.1:8000"
	$(BIN)/stellenatlas serve

# Debian chromium drives the real-browser tests; installed here so a fresh machine (and CI) has it.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "installing Debian chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi

test: $(STAMP) browser-deps
	$(BIN)/ruff check stellenatlas tests tools
	$(BIN)/mypy stellenatlas
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check stellenatlas tests tools
	$(BIN)/ruff format --check stellenatlas tests tools

typecheck: $(STAMP)
	$(BIN)/mypy stellenatlas

# Figures go to docs/benchmarks.md. The 1M-posting search benchmark: python -m tools.bench_search --docs 1000000 --no-fts
# (HTTP: --docs 0 --http 200000, see docs/benchmarks-search.md)
bench: $(STAMP)
	$(BIN)/python -m tools.bench
	$(BIN)/python -m tools.bench_normalize 5000 --repeat 3
	$(BIN)/python -m tools.bench_normalize 5000 --repeat 3 --new-titles --batch 2000
	$(BIN)/python -m tools.bench_search --docs 50000 --queries 1000

# Normalizer quality; figures go to docs/quality*.md. Reads the reference data in ../shared/data.
eval: $(STAMP)
	$(BIN)/python -m tools.eval_occupation
	$(BIN)/python -m tools.eval_places
	$(BIN)/python -m tools.eval_salary
	$(BIN)/python -m tools.eval_dedup
	$(BIN)/python -m tools.eval_sample

# Regenerates the shipped reference data from ../shared/data (not needed at install time). About 10 minutes on
# this 2-core machine: the title model embeds every BA title form with the sentence encoder.
refdata: $(STAMP)
	$(BIN)/python -m tools.build_places
	$(BIN)/python -m tools.build_occupations
	$(BIN)/python -m tools.build_sample_places

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
