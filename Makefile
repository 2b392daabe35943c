# The README's two commands: `make run` and `make test`. Both create .venv and install the project
# when needed (a stamp file skips the install when pyproject.toml has not changed).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint dbstart dbstop clean-db

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py dbserver start
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed
	$(VENV)/bin/uvicorn humanglue.asgi:application --host $(HOST) --port $(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

dbstart: install
	$(PY) manage.py dbserver start

dbstop: install
	$(PY) manage.py dbserver stop

clean-db: dbstop
	rm -rf .data/postgres
