# The two commands of the README: `make run` and `make test`.
# Both create a virtual environment in .venv and install the project into it first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test check build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	$(PY) -m bot data check --quiet
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest -q

check: $(STAMP)
	$(PY) -m bot data check

build: $(STAMP)
	$(PY) -m bot data build --out var/saga.db

clean:
	rm -rf $(VENV) var
