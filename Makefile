# The two set-up commands of the README. Each creates .venv on first use.
VENV ?= .venv
export NO_MKDOCS_2_WARNING := 1
PY := $(VENV)/bin/python

.PHONY: site test serve test-tools lint

$(VENV)/installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/installed
	$(VENV)/bin/register check
	$(VENV)/bin/mkdocs build --strict

serve: $(VENV)/installed
	$(VENV)/bin/mkdocs serve --dirty

test-tools:
	bash scripts/install-test-tools

lint: $(VENV)/installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(VENV)/installed test-tools lint
	$(VENV)/bin/python -m pytest
