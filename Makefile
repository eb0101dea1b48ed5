# Targets read like the README: run, test, lint, format.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# Tests run with production-like settings (DEBUG off), over plain HTTP.
# Two workers: the machines have two cores. A loaded test machine may take longer than
# production's 10 s statement timeout to create or drop a test database; the fault tests
# set their own short timeouts.
PYTEST_WORKERS ?= 2

TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production DJANGO_DB_STATEMENT_TIMEOUT=120000 \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_DEBUG=0

.PHONY: run test lint format bench install install-dev static sample-data clean backup restore

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

static: install
	DJANGO_DEBUG=1 $(MANAGE) collectstatic --noinput --verbosity 0

sample-data: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) load_sample_data

## run: set everything up and serve the site on http://127.0.0.1:8000 (SQLite, sample data)
run: install sample-data static
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

## test: set up and run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: install-dev static
	$(TEST_ENV) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## bench: load-test the site on SQLite and PostgreSQL and write docs/performance.md
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py $(BENCH_ARGS)

## backup: back up the database to backups/ (or BACKUP_DIR=…), with the production settings
# (DATABASE_URL, DJANGO_SECRET_KEY, …) the environment already has. No install step: a
# nightly cron job must never change the installed packages.
backup:
	$(MANAGE) backup_database $(if $(BACKUP_DIR),--output "$(BACKUP_DIR)/")

## restore: replace the database with FILE=… (asks you to type the database's name first)
restore:
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/emrj-….dump" >&2; exit 2; }
	$(MANAGE) restore_database "$(FILE)"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	# Django's deployment checklist, with throwaway production-like settings.
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=ci-only-9f3Kq7LmZx2Vb8Nw4Tr6Yh1Jd5Sc0PeGu-not-for-production \
		$(MANAGE) check --deploy --fail-level WARNING

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
