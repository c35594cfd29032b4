# Grootboek: `make up` installs everything and starts the whole system; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install test-tools up down status test unit bench lock clean

# Swagger UI for the gateway's /docs: pinned by its npm lock file, copied where the gateway serves it.
DOCS_UI  := api/openapi/swagger-ui
DOCS_DIR := api/openapi/static

# The web apps' browser-side libraries (api/apps/): pinned by their npm lock file, copied where the
# gateway serves them; axe-core stays in node_modules for the browser tests alone.
VENDOR     := api/apps/vendor
VENDOR_DIR := api/apps/web/static/vendor

install: $(VENV)/.installed $(DOCS_DIR)/swagger-ui-bundle.js $(VENDOR_DIR)/jsQR.js

$(DOCS_DIR)/swagger-ui-bundle.js: $(DOCS_UI)/package-lock.json
	npm ci --prefix $(DOCS_UI) --ignore-scripts --no-audit --no-fund --silent
	cp $(DOCS_UI)/node_modules/swagger-ui-dist/swagger-ui.css $(DOCS_DIR)/
	cp $(DOCS_UI)/node_modules/swagger-ui-dist/swagger-ui-bundle.js $(DOCS_DIR)/

$(VENDOR_DIR)/jsQR.js: $(VENDOR)/package-lock.json
	npm ci --prefix $(VENDOR) --ignore-scripts --no-audit --no-fund --silent
	mkdir -p $(VENDOR_DIR)
	cp $(VENDOR)/node_modules/qrcode-generator/dist/qrcode.js $(VENDOR_DIR)/
	cp $(VENDOR)/node_modules/jsqr/dist/jsQR.js $(VENDOR_DIR)/

$(VENV)/.installed: pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

up: install
	$(BIN)/grootboek up

down: install
	$(BIN)/grootboek down

status: install
	$(BIN)/grootboek status

test: install test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: install test-tools
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The tests drive Debian's Chromium through its chromedriver, check the alert rules
# (network/monitoring/) with promtool from Debian's prometheus package, and start PostgreSQL servers
# of Debian's postgresql package (tests/postgres.py): installed when missing (CI runs as root; `make up`
# needs none of them; the packages' services are not started in a container).
test-tools:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/promtool ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; \
	fi

bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Re-resolves the exact dependency set after a change to pyproject.toml.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	( head -2 requirements.lock; .lockenv/bin/pip freeze --exclude-editable ) > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lockenv

clean:
	rm -rf $(VENV) build *.egg-info $(DOCS_UI)/node_modules $(DOCS_DIR)/swagger-ui* $(VENDOR)/node_modules $(VENDOR_DIR)
