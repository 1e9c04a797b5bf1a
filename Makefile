# Two entry points: `make demo` runs the site with demo content, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: bench demo serve test test-sqlite test-postgres lint messages install system-deps clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

install: $(STAMP)

# Debian packages: chromium and CJK fonts (browser tests), gettext (catalogs),
# the PostgreSQL client (backups) and redis-server (the Redis fault test).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null || ! command -v pg_dump >/dev/null \
		|| ! command -v redis-server >/dev/null || ! fc-list | grep -qi "noto.*cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium fonts-noto-cjk gettext postgresql-client redis-server >/dev/null; \
	fi

messages: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

demo: $(STAMP) system-deps messages
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py collectstatic --no-input -v 0
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl-C stops it)"
	DJANGO_DEBUG=1 $(BIN)/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 3 --access-logfile -

# Production: settings from the environment (DJANGO_SECRET_KEY at least), see README.
serve: $(STAMP) messages
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py migrate --no-input
	$(BIN)/gunicorn config.wsgi -c config/gunicorn.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

test: $(STAMP) system-deps messages lint
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py collectstatic --no-input -v 0
	$(MAKE) test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest

test-postgres:
	DATABASE_URL=$(PG_TEST_URL) PG_TEST_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser and not live"

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3*

# Benchmark (not part of make test): wrk against gunicorn on SQLite and PostgreSQL.
bench: $(STAMP) messages
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py collectstatic --no-input -v 0
	$(PY) -m bench.run $(BENCH_ARGS)
