# Two entry points: `make demo` runs the site with demo content, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
# Names this deploy in cache keys (core.pagecache.release); the environment's value wins.
export DJANGO_RELEASE ?= $(shell git rev-parse --short HEAD 2>/dev/null)

.PHONY: bench demo serve test test-sqlite test-postgres lint messages install install-test \
	demo-system-deps system-deps locks clean

# What the site needs to run (requirements.lock) and, on top, what the tests need.
$(VENV)/.runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

# Production adds the clients of PostgreSQL, Redis and S3 (requirements-production.lock).
$(VENV)/.production: $(VENV)/.runtime requirements-production.lock
	$(BIN)/pip install --quiet -r requirements-production.lock
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.runtime
install-test: $(VENV)/.test

# The locks come from pyproject.toml; the others are pinned to the test lock's versions.
locks:
	uv pip compile pyproject.toml --extra test -o requirements-test.lock --python-version 3.11
	uv pip compile pyproject.toml -c requirements-test.lock -o requirements.lock --python-version 3.11
	uv pip compile pyproject.toml --extra production -c requirements-test.lock \
		-o requirements-production.lock --python-version 3.11

# Debian packages. The demo needs gettext (catalogs); the tests also need chromium and CJK
# fonts (browser tests), the PostgreSQL client (backups) and redis-server (Redis faults).
demo-system-deps:
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt) with apt-get"; \
		$(APT_INSTALL) gettext >/dev/null; }

system-deps:
	@if ! command -v chromium >/dev/null || ! command -v msgfmt >/dev/null || ! command -v pg_dump >/dev/null \
		|| ! command -v redis-server >/dev/null || ! command -v nginx >/dev/null \
		|| ! fc-list | grep -qi "noto.*cjk"; then \
		echo "Installing chromium, fonts, gettext, the PostgreSQL client, redis-server and nginx"; \
		$(APT_INSTALL) chromium fonts-noto-cjk gettext postgresql-client redis-server \
			nginx-light >/dev/null; \
	fi

messages: $(VENV)/.runtime demo-system-deps
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

# The demo runs as production does (debug off: the site's own 404 and 500 pages, the page
# cache), over plain HTTP on this machine, with a secret key of its own kept in var/.
DEMO_ENV = DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SITE_URL=http://127.0.0.1:$(PORT) \
	DJANGO_SECRET_KEY="$$(cat var/demo-secret-key)"

demo: $(VENV)/.runtime messages
	@mkdir -p var && test -s var/demo-secret-key \
		|| $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/demo-secret-key
	@echo "Preparing the demo database, content and static files…"
	@$(DEMO_ENV) $(PY) manage.py migrate --no-input -v 0
	@$(DEMO_ENV) $(PY) manage.py load_demo --force > var/demo-logins.txt
	@$(DEMO_ENV) $(PY) manage.py collectstatic --no-input -v 0
	@$(DEMO_ENV) $(PY) manage.py run_worker >var/worker.log 2>&1 & worker=$$!; \
	$(DEMO_ENV) $(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 3 \
		--access-logfile var/access.log --error-logfile var/gunicorn.log --no-control-socket & \
	server=$$!; trap 'kill $$worker $$server 2>/dev/null' EXIT INT TERM; \
	$(PY) -m core.wait_for http://127.0.0.1:$(PORT)/robots.txt \
		|| { cat var/gunicorn.log; exit 1; }; \
	echo; grep -v "^Loaded" var/demo-logins.txt; echo; \
	echo "The site: http://127.0.0.1:$(PORT)/   The admin: http://127.0.0.1:$(PORT)/admin/"; \
	echo "Logs in var/ (access.log, gunicorn.log, worker.log). Ctrl-C stops it."; \
	wait $$server

# Production: settings from the environment (DJANGO_SECRET_KEY and DJANGO_SITE_URL at least),
# see README. The task worker (moderator mail) runs beside gunicorn and stops with it.
serve: $(VENV)/.production messages
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py migrate --no-input
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker' EXIT; \
	$(BIN)/gunicorn config.wsgi -c config/gunicorn.py

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run

test: $(VENV)/.test system-deps messages lint
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py collectstatic --no-input -v 0
	$(MAKE) test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest

test-postgres:
	DATABASE_URL=$(PG_TEST_URL) PG_TEST_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not browser and not live"

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3*

# Benchmark (not part of make test): wrk against gunicorn on SQLite and PostgreSQL.
bench: $(VENV)/.test messages
	@command -v wrk >/dev/null || { echo "Installing wrk with apt-get"; $(APT_INSTALL) wrk >/dev/null; }
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py collectstatic --no-input -v 0
	$(PY) -m bench.run $(BENCH_ARGS)
