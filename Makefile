# Two commands on a fresh Debian/Ubuntu machine:
#   make reports   set everything up, then build every report into reports/
#   make test      set everything up, then run every test (unit tests + nbval)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEBS   := fonts-noto-cjk poppler-utils chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: reports test setup system check datapackage clean

reports: setup
	$(BIN)/egov check
	$(BIN)/egov build

test: setup
	$(BIN)/python -m pytest

check: setup
	$(BIN)/egov check

datapackage: setup
	$(BIN)/egov datapackage

setup: system $(VENV)/.installed

# Debian packages: a CJK font (charts, HTML, PDF), poppler-utils (PDF checks), Chromium (browser checks).
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
	$(BIN)/python -m ipykernel install --user --name egov --display-name "Python (egov)"
	touch $@

clean:
	rm -rf reports .pytest_cache
