# ScanLogin — `make run` for the embedded demo, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run example test test-suite test-miniprogram miniprogram-deps test-sdk install migrate seed messages clean bench image-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The mini-program's npm dev dependencies (WeChat's miniprogram-simulate, j-component,
# miniprogram-api-typings, TypeScript), installed from the lock file whenever it changes.
MP_STAMP := miniprogram/node_modules/.installed
$(MP_STAMP): miniprogram/package.json miniprogram/package-lock.json
	npm ci --prefix miniprogram --no-audit --no-fund
	touch $(MP_STAMP)

miniprogram-deps: $(MP_STAMP)

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

# The whole suite, against real PostgreSQL, Redis, Chromium and Node: scripts/test-services.sh
# brings them up (and installs what is missing when run as root) unless DATABASE_URL/REDIS_URL say where.
# In CI (CI=true, as .ci/run runs) the production image is then built and run too (image-test).
test: install
	bash scripts/test-services.sh $(MAKE) --no-print-directory test-suite
	@if [ "$$CI" = "true" ]; then $(MAKE) --no-print-directory image-test; fi

test-suite: install miniprogram-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# The mini-program's checks alone (`make test` runs them through pytest as well): node tests,
# page rendering with miniprogram-simulate, and the type check against miniprogram-api-typings.
test-miniprogram: miniprogram-deps
	node --test miniprogram/test/
	cd miniprogram && node node_modules/typescript/bin/tsc -p jsconfig.json

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
