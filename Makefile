# Two commands for a fresh machine (see README): `make serve` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup serve test lint bench pack-extension clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,redis,postgres,deploy]'
	touch $@

serve: setup  ## set up and run PaperDrop on its embedded defaults
	$(BIN)/paperdrop serve

test: setup  ## set up and run the whole test suite (Python, extension, browser)
	scripts/test

lint: setup  ## ruff, ruff format --check, mypy and web-ext lint (CI runs these before the tests)
	scripts/lint

bench: setup
	scripts/bench

pack-extension:
	cd extension && npm ci --no-audit --no-fund && npm run pack

clean:
	rm -rf $(VENV) extension/node_modules extension/dist test-artifacts
