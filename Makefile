# Two commands: `make run` serves the demo, `make test` runs the tests and the linters.
PYTHON ?= python3.13
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the app is served at, which the links in its emails and the ids of its exports start
# with (FACTCHECK_SITE_URL), unless the environment sets it (a proxy in front, say). Served on every
# interface (0.0.0.0), the app is at least at 127.0.0.1: set the variable to the address others use.
SERVED_URL = http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test install install-run lint format demo worker clean screenshots

# Two stamps: running the app needs only requirements.txt; the tests and linters add
# requirements-dev.txt on top. Each is redone when its file changes.
$(BIN)/.installed-run: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed-run requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install-run: $(BIN)/.installed-run

install: $(BIN)/.installed-dev

# Demo accounts are created only on the default SQLite demo database, never on a
# DATABASE_URL that may be shared or in production.
demo: install-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo $(if $(DATABASE_URL),,--accounts)

run demo worker: export FACTCHECK_SITE_URL ?= $(SERVED_URL)

# The task worker runs beside the web server (imports run on it) and stops with it; it does
# not reload on code changes, which would kill an import halfway.
run: demo
	@echo "Serving factcheck on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Ctrl-C stops."
	@$(BIN)/python manage.py db_worker --queue-name default --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install-run
	$(BIN)/python manage.py db_worker --queue-name default

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): without
# it each pytest process compiles the app and rewrites every test module anew, 6 s apiece.
test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest --numprocesses=auto --dist=worksteal --durations=10 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media

# The README's pictures (docs/screenshots/): the demo served on a spare port and visited in Chromium.
screenshots: install
	$(BIN)/python scripts/screenshots.py

# The import benchmark of issue 4 (benchmarks/README.md), 10 to 15 minutes. It drops and
# creates the database in BENCH_DATABASE_URL, whose name must start with factcheck_bench.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_bench
.PHONY: bench
bench: install
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	DJANGO_SETTINGS_MODULE=factcheck.settings DATABASE_URL=$(BENCH_DATABASE_URL) \
		$(BIN)/python benchmarks/import_benchmark.py $(BENCH_ARGS)

# The extraction benchmark of issue 9 (benchmarks/README.md), about a minute: PolNeAR dev from
# ../shared/polnear (skipped when absent), the seed story, speed on one core and peak memory.
.PHONY: bench-extraction
bench-extraction: install
	$(BIN)/python benchmarks/extraction_benchmark.py $(BENCH_ARGS)
