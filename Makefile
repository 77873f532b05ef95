# Two commands on a fresh Debian/Ubuntu machine:
#   make reports   set everything up, then build every report into reports/
#   make test      set everything up, then run every test (unit tests + nbval)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEBS   := fonts-noto-cjk poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Plain logs when stdout is not a terminal (cron, CI, `make test | cat`): no ANSI colour codes.
PLAIN  := $$([ -t 1 ] || echo --color=no)

.PHONY: reports test setup system kernel check datapackage clean

reports: setup
	$(BIN)/egov check
	$(BIN)/egov build

# Both runs spread the tests over the CPUs (pytest-xdist): tests sharing a build or a module's
# fixtures stay on one worker (tests/conftest.py), a notebook's cells on one kernel.
test: setup
	$(BIN)/python -m pytest -n auto --dist loadscope $(PLAIN)
	$(BIN)/python -m pytest -n auto --dist loadfile --nbval --nbval-current-env notebooks --nbval-sanitize-with tests/nbval-sanitize.cfg $(PLAIN)

check: setup
	$(BIN)/egov check

datapackage: setup
	$(BIN)/egov datapackage

setup: system $(VENV)/.installed kernel

# The `egov` kernel lives inside this checkout's venv (--sys-prefix), so two checkouts never
# run each other's code; registered on every set-up.
kernel: $(VENV)/.installed
	@$(BIN)/python -m ipykernel install --sys-prefix --name egov --display-name "Python (egov)" >/dev/null

# Debian packages: a CJK font (charts, HTML, PDF), poppler-utils (PDF checks), Chromium (browser
# checks), Pango (WeasyPrint lays out the PDF with it).
system:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -c "from egov.build import install_template; install_template()"
	touch $@

clean:
	rm -rf reports .pytest_cache
