# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-once bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

## Start web (gunicorn), an RQ worker with its scheduler, and the periodic scheduler on HOST:PORT.
run: $(STAMP)
	$(PY) -m hotline.cli serve

## The whole suite: on DATABASE_URL/REDIS_URL when set, and always on SQLite + embedded Redis.
test: $(STAMP)
	@if [ -n "$$DATABASE_URL$$REDIS_URL" ]; then \
		echo "== suite on DATABASE_URL and REDIS_URL =="; \
		$(PY) -m pytest $(PYTEST_ARGS) || exit $$?; \
		echo "== suite on SQLite and the embedded Redis =="; \
		env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PYTEST_ARGS); \
	else \
		$(PY) -m pytest $(PYTEST_ARGS); \
	fi

test-once: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## Benchmarks (outside `make test`); each prints ratios measured side by side in one run.
bench: $(STAMP)
	@# PYTHONSAFEPATH: a script's own folder must not shadow the packages (bench/revisits.py vs revisits/).
	@for script in bench/*.py; do echo "== $$script"; PYTHONSAFEPATH=1 $(PY) $$script || exit $$?; done

clean:
	rm -rf $(VENV) instance .pytest_cache
