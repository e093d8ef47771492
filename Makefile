# Reelmatch: `make run` serves the API with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 12111

.PHONY: run test lint install migrate seed worker beat clean

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
	$(PY) manage.py serve --host $(HOST) --port $(PORT) --sandbox-port $(SANDBOX_PORT)

test: install
	$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no tests ran: failing"; exit 1; fi; exit $$rc

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

worker: install
	$(VENV)/bin/celery -A marketplace worker -l info

beat: install
	$(VENV)/bin/celery -A marketplace beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
