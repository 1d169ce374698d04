# Gazette: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export GAZETTE_DATA_DIR ?= $(CURDIR)/var

.PHONY: install demo serve test lint browser wpapi clean

# A virtualenv with the locked dependencies; rebuilt when the lock file changes.
$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/.installed

## make demo: set up the site on SQLite with sample content and serve it at http://127.0.0.1:8000
demo: install
	$(BIN)/gazette demo

serve: install
	$(BIN)/gazette setup
	$(BIN)/gazette serve

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

# Node and wpapi, the WordPress REST API client library that tests/test_wp_api_client.py
# drives (locked in tests/wpapi/package-lock.json). Without node that one test is skipped.
wpapi:
	@if ! command -v npm >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null \
			|| echo "make: no node; the wpapi client test will be skipped"; \
	fi
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/wpapi --no-audit --no-fund --silent; \
	fi

lint: install
	$(BIN)/ruff check gazette tests
	$(BIN)/python -m django makemigrations --check --dry-run --settings=tests.settings

## make test: install what the tests need and run them all (SQLite, or DATABASE_URL's database)
test: install browser wpapi lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache

## make bench: load-test the article page: Gazette cached and uncached, nginx edge mode, and
## the constant-response and static-file baselines (bench/README.md). BENCH_ARGS=--seconds 30
.PHONY: bench bench-smoke
bench: install
	@if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/wrk ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; \
	fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The same with 1-second runs: proves the benchmark and edge mode still work (CI).
bench-smoke: install
	@if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/wrk ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; \
	fi
	$(BIN)/python bench/run.py --smoke $(BENCH_ARGS)

## make bench-classifier: precision and recall of the comment spam classifier on a generated
## labelled set (bench/classifier.py says how it is made). BENCH_ARGS=--seed 2
.PHONY: bench-classifier
bench-classifier: install
	$(BIN)/python bench/classifier.py $(BENCH_ARGS)

## make bench-wxr: generate a WordPress export of 100,000 posts and 1,000,000 comments and
## time its import into a fresh site, then the re-run (BENCH_ARGS="--posts 1000 --comments 10000")
.PHONY: bench-wxr
bench-wxr: install
	$(BIN)/python bench/wxr.py $(BENCH_ARGS)

## make bench-search: p50/p99 of /search/ for common and rare words on a generated site
## (GAZETTE_DATA_DIR must hold one: gazette generate, then gazette update_index; bench/search.py)
.PHONY: bench-search
bench-search: install
	$(BIN)/python bench/search.py $(BENCH_ARGS)
