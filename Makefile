# The two commands a newcomer needs: `make run` serves the portal with demo data, `make test` runs the suite.
PYTHON_BASE ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# axe-core, the accessibility engine the browser tests inject into every page: npm's package, pinned,
# unpacked into a git-ignored folder by `make install`.
AXE_VERSION := 4.14.1
AXE := tests/browser/vendor/axe-$(AXE_VERSION).min.js

.PHONY: install run test test-postgres lint messages system-deps demo bench worker clean

install: $(VENV)/.installed $(AXE)

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

$(AXE):
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar -xzOf axe-core-$(AXE_VERSION).tgz package/axe.min.js >$(@F).part \
		&& tar -xzOf axe-core-$(AXE_VERSION).tgz package/LICENSE >LICENSE-axe-core \
		&& rm axe-core-$(AXE_VERSION).tgz && mv $(@F).part $(@F)

# gettext compiles the translations; Chromium runs the browser tests (Debian's packages).
system-deps:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)

messages: install system-deps
	$(PY) manage.py compilemessages -v0 --ignore=$(VENV)

demo: messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable  # the database cache's table, when the settings use one (production)
	$(PY) manage.py load_demo

# The task worker runs beside the web server and stops with it: emails, catalogue uploads, page indexing,
# profile rebuilds after a change of fields, and with SEARCH_BACKEND=elasticsearch the search index.
run: demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py release_evaluations -v0
	@if [ "$$SEARCH_BACKEND" = "elasticsearch" ]; then \
		$(PY) manage.py search_index --rebuild || echo "search server not answering: the worker will catch up"; \
	fi; \
	$(PY) manage.py db_worker --no-reload -v0 & tasks=$$!; \
	trap 'kill $$tasks 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check catalog matching search portal tests bench

test: messages lint
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -q --durations=15

# On PostgreSQL the suite leaves out what only reads pages as a person sees them (the browser walks, the
# accessibility and interface-language crawls): they run on SQLite in `make test`, and take half its time.
test-postgres: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest -q --durations=15 -m "not browser and not interface"

bench: install
	$(PY) bench/import_export.py
	$(PY) bench/match.py
	$(PY) bench/quality.py
	$(PY) bench/serve.py $(if $(BAKERYDEMO),--bakerydemo $(BAKERYDEMO))

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
