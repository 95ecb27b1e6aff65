# ScanLogin — `make run` for the embedded demo, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run example test test-miniprogram test-sdk install migrate seed messages clean bench image-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

messages: install
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || echo "compilemessages failed (is gettext installed?); the console falls back to English"

seed: migrate
	$(PY) manage.py seed_demo

run: seed messages
	PY=$(PY) bash scripts/run-dev.sh

# The sample website (examples/website) on http://localhost:8002, against `make run` in another terminal.
example: install
	$(PY) examples/website/app.py

test: install
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

# The mini-program's node tests alone (`make test` runs them through pytest as well).
test-miniprogram:
	node --test miniprogram/test/

# The browser SDK's type check and node tests alone (`make test` runs them through pytest as well).
test-sdk:
	cd sdk/js && npm ci --no-audit --no-fund && npm test

# The production image built and run for real (Docker engine, offline base): see the README.
image-test: install
	$(PY) scripts/image_test.py

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
