# Parley: `make run` serves the demo site, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
export FLASK_APP := wsgi

.PHONY: run test test-sqlite test-postgres test-redis interop lint bench spam-eval install install-test chromium wrk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	@echo
	@echo "Parley is at http://127.0.0.1:$(PORT)/"
	@if [ -f instance/demo-login.txt ]; then \
	  while read -r role email password; do \
	    echo "Log in at http://127.0.0.1:$(PORT)/login as $$role: $$email, password $$password"; \
	  done < instance/demo-login.txt; \
	fi
	@echo
	@$(BIN)/flask worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - wsgi:app

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium'" >&2; \
	    exit 1; \
	  fi; \
	fi

# The SQLite and PostgreSQL runs go side by side (each prints its output when it ends), each
# with an instance folder of its own: their rate-limit counts and keys must not meet.
test: install-test chromium
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	@echo "== test suite on SQLite =="
	instance=$$(mktemp -d -t parley-test-instance-XXXXXX); \
	env -u REDIS_URL PARLEY_INSTANCE=$$instance $(BIN)/pytest -p no:cacheprovider; \
	status=$$?; rm -rf $$instance; exit $$status

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL)) =="
	instance=$$(mktemp -d -t parley-test-instance-XXXXXX); \
	env -u REDIS_URL PARLEY_INSTANCE=$$instance TEST_DATABASE_URL=$(PG_TEST_URL) \
	  $(BIN)/pytest -p no:cacheprovider; \
	status=$$?; rm -rf $$instance; exit $$status

# The rate-limit and task-queue tests once more, with Redis as their storage and broker.
test-redis: install-test
	@echo "== rate-limit and queue tests on Redis ($(REDIS_TEST_URL)) =="
	REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -p no:cacheprovider -m redis

# Linkbacks both ways with the real WordPress 6.1 peer of ../shared/peers/wordpress (on
# 127.0.0.1:8091, set up by its setup.sh as root); the tests skip when it does not answer.
interop: install-test
	@echo "== interop tests against WordPress at http://127.0.0.1:8091/ =="
	PARLEY_INTEROP=1 $(BIN)/pytest -p no:cacheprovider tests/interop -v

wrk:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "The benchmark needs wrk: run 'sudo apt-get install wrk'" >&2; exit 1; \
	  fi; \
	fi

# BENCH_ARGS: --big (the big site), --quick (2 s loads), --skip questions,import,mixed;
# BENCH_DATABASE_URL=postgresql://… serves Parley on that database (its schema is dropped).
bench: install-test wrk
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# The spam model on the YouTube Spam Collection in ../shared/corpus/spam/, one video left out
# at a time; no database of the site's is touched. SPAM_EVAL_DATABASE_URL (an empty database)
# times classify() there instead of in a throwaway SQLite file.
spam-eval: install
	PARLEY_INSTANCE=$$(mktemp -d -t parley-spam-eval-XXXXXX) $(BIN)/flask spam eval \
	  $(if $(SPAM_EVAL_DATABASE_URL),--database-url $(SPAM_EVAL_DATABASE_URL)) $(SPAM_EVAL_FOLDER)

lint: install-test
	$(BIN)/ruff check app tests wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
