# The targets CI calls verbatim. `make demo` and `make test` need only python3, python3-venv and make.
VENV ?= .venv
PY := $(VENV)/bin/python
PLEDGEFLOW := $(VENV)/bin/pledgeflow

.PHONY: install demo serve test lint bench screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(PLEDGEFLOW) demo

test: install
	VENV=$(VENV) bash scripts/test

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

bench: install
	$(PY) -m bench.run

# Refresh docs/screenshots/ from the browser tests (needs Debian's chromium).
screenshots: install
	PLEDGEFLOW_SCREENSHOTS=1 $(VENV)/bin/pytest -p no:cacheprovider tests/browser

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
