# Transform Tracker. `make run` sets up a fresh machine and serves on
# http://127.0.0.1:8000 with SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ found: python3.13, python3.12, then pyenv's, then python3.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: run install migrate demo serve test lint check clean browser-deps bench loadtest backup restore

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6.1); none found." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_data
	$(PY) manage.py create_demo_accounts

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's Chromium (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

# Two pytest-xdist workers (this machine has two cores), a test file to a worker so
# each module's fixtures are made once; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: install browser-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Rebuild the committed front-end files from the pinned npm packages (needs Node.js;
# running the service does not).
.PHONY: assets
assets:
	npm ci --no-audit --no-fund
	npm run -s build:css
	rm -rf static/vendor && mkdir -p static/vendor/govuk-frontend static/vendor/plotly
	cp node_modules/govuk-frontend/dist/govuk/all.bundle.js static/vendor/govuk-frontend/
	cp -r node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk-frontend/
	rm -rf static/vendor/govuk-frontend/assets/fonts
	cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js static/vendor/plotly/
	cp node_modules/plotly.js-basic-dist-min/LICENSE static/vendor/plotly/
	mkdir -p static/vendor/accessible-autocomplete
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css node_modules/accessible-autocomplete/LICENSE.txt static/vendor/accessible-autocomplete/
	sed -i '/sourceMappingURL/d' static/vendor/accessible-autocomplete/accessible-autocomplete.min.js
	sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' static/vendor/accessible-autocomplete/accessible-autocomplete.min.css
	# No source maps are shipped, so no file may point at one (collectstatic checks).
	sed -i '/sourceMappingURL/d' static/vendor/govuk-frontend/all.bundle.js

# Benchmarks print numbers; they judge nothing (scripts/bench.py says what runs):
# pages and exports on DATABASE_URL or else the machine's PostgreSQL if it answers,
# the exports on SQLite, then the load test with one and two app servers. Fresh
# databases throughout, dropped after.
bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) scripts/bench.py

# Production serving: gunicorn with whitenoise's compressed, hashed, long-cached files.
# Needs DJANGO_SECRET_KEY and DATABASE_URL (production settings refuse to start without).
serve: install
	DJANGO_SETTINGS_MODULE=transform_tracker.settings.production $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=transform_tracker.settings.production $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=transform_tracker.settings.production $(VENV)/bin/gunicorn transform_tracker.wsgi \
		--bind $${BIND:-127.0.0.1:8000} --workers $${WORKERS:-3} --access-logfile - --forwarded-allow-ips '*'

# 32 concurrent users on a department page for 60 seconds, loopback only.
loadtest: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) scripts/loadtest.py

# Backups: pg_dump/pg_restore on PostgreSQL (DATABASE_URL), a consistent copy on SQLite.
backup: install
	$(PY) manage.py backup $(if $(FILE),--file $(FILE),)

restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/....dump" >&2; exit 1; }
	$(PY) manage.py restore "$(FILE)" --yes
