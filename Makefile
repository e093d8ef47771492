# Reelmatch: `make run` serves the API with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 12111
# Every process (serve, reconcile, worker, beat) reads these through the settings.
export PORT SANDBOX_PORT

.PHONY: fuzz-full lint-migrations run test lint install migrate seed worker beat clean prod smoke sandbox-reset clean-state

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  API      http://$(HOST):$(PORT)/api/v1/"
	@echo "  Docs     http://$(HOST):$(PORT)/api/docs/"
	@echo "  Admin    http://$(HOST):$(PORT)/admin/   (staff login printed above)"
	@echo "  Health   http://$(HOST):$(PORT)/healthz/"
	@echo ""
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests ran: failing"; exit 1; fi; exit $$rc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Expand/contract: every migration must work with the previous release's code still serving
# (django-migration-linter; needs DATABASE_URL on PostgreSQL; exceptions in pyproject.toml).
lint-migrations: install
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(PY) manage.py lintmigrations

worker: install
	$(VENV)/bin/celery -A marketplace worker -l info

# The schedule file goes to .run/ (CELERY_BEAT_SCHEDULE_FILENAME), never into the checkout.
beat: install
	@mkdir -p .run
	$(VENV)/bin/celery -A marketplace beat -l info

# Empty the local Stripe sandbox's state file (.run/stripe-sandbox.sqlite3, SANDBOX_STATE);
# stop `make run` first.
# With the local SQLite database, start over with both: `make clean-state`.
sandbox-reset: install
	$(PY) manage.py stripe_sandbox --reset-only

clean-state: sandbox-reset
	rm -f db.sqlite3 db.sqlite3-*

# The production processes without Docker (gunicorn, Celery worker and beat, and the Stripe
# sandbox when STRIPE_SECRET_KEY is unset) from the Procfile, on DATABASE_URL and
# CELERY_BROKER_URL: see docs/DEPLOY.md.
prod: install
	$(PY) deploy/prod.py

# Start `make prod` on free ports, walk brief → bid → contract → fund → deliver → approve →
# paid over HTTP, check reconcile, stop everything (CI runs it).
smoke: install
	$(PY) deploy/smoke.py

# The deep schema fuzzing, a periodic job (nightly), not CI: every schemathesis phase. The
# coverage phase (every boundary case the schema allows) on top of the examples and fuzzing
# phases, over every operation as a creator and a brand member, 100 fuzzed examples each; and
# the stateful phase, 200 scenarios over our links of the marketplace's flows and 200 over
# those and the links schemathesis infers (tests/security/fuzz_links.py). Must find no 5xx.
fuzz-full: install
	FUZZ_ALL_PHASES=1 FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-100} $(PY) -m pytest -q \
		-p no:cacheprovider tests/security/test_schema_fuzz.py -k "test_api_"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .run
