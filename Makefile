# Two commands: `make run` (set up everything and serve on 127.0.0.1:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The PostgreSQL run of the suite; pytest-django creates and drops test_<name>.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/lms

.PHONY: install messages setup run test lint checks test-sqlite test-postgres test-e2e makemessages clean load load-nodes

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q '.[dev]'
	touch $@

install: $(VENV)/.installed

messages: install
	$(MANAGE) compilemessages -v0 --ignore '.venv' --ignore 'node_modules'

setup: install messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_default_map
	$(MANAGE) setup_site
	$(MANAGE) load_curriculum
	$(MANAGE) seed_demo
	$(MANAGE) rebuild_report_summaries

run: setup
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .

checks: install messages
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) makemigrations --check --dry-run

test-sqlite: install messages
	$(VENV)/bin/pytest -q --ignore=tests/e2e

test-postgres: install messages
	DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q --ignore=tests/e2e

# Browser journeys (Debian's Chromium at /usr/bin/chromium, axe-core from npm) on SQLite and PostgreSQL.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

test-e2e: install messages node_modules/.package-lock.json
	E2E_REQUIRED=1 $(VENV)/bin/pytest -q tests/e2e
	E2E_REQUIRED=1 DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q tests/e2e

test: lint checks test-sqlite test-postgres test-e2e

# The load tests (benchmarks, not part of `make test`; docs/performance.md): `load` on one gunicorn node,
# `load-nodes` on the deploy shape (nginx in front of two nodes). USERS=205 DURATION=240 by default.
load-nodes: install messages
	SHAPE=nodes tests/bench/run_load.sh

load: install messages
	tests/bench/run_load.sh

# Vietnamese is the source language: its catalogue is rebuilt so every msgid maps to itself;
# the English catalogue keeps its translations (new strings arrive empty or fuzzy to translate).
MAKEMESSAGES_IGNORE := --ignore '.venv/*' --ignore 'tests/*' --ignore 'node_modules/*' --ignore 'test-artifacts/*'
makemessages: install
	$(MANAGE) makemessages -l en $(MAKEMESSAGES_IGNORE) -v0
	rm -f lms/locale/vi/LC_MESSAGES/django.po
	$(MANAGE) makemessages -l vi $(MAKEMESSAGES_IGNORE) -v0
	msgen lms/locale/vi/LC_MESSAGES/django.po -o lms/locale/vi/LC_MESSAGES/django.po
	$(PY) scripts/fill_vi_catalogue.py lms/locale/vi/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) db.sqlite3 static_collected
