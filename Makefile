# Quick start:  make run   (main job)      make test   (whole test suite)
# Both create .venv if needed and (re)install crplugin when a source changed.

VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.crplugin-installed
export PATH := $(abspath $(VENV))/bin:$(PATH)
export OMP_NUM_THREADS ?= 1
export MPLBACKEND ?= Agg

KERNELS := $(wildcard cython_src/crplugin/kernels/*.pyx cython_src/crplugin/kernels/*.pxd \
                     crplugin/include/*.h crplugin/include/crplugin/*.h)

.PHONY: run demo test install bench clean

$(PY):
	python3 -m venv $(VENV)

# An editable install compiles the kernels in place; it must be redone when a
# .pyx/.pxd changes, which this rule tracks.
$(STAMP): $(PY) setup.py pyproject.toml $(KERNELS)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,mpich]"
	touch $@

install: $(STAMP)

# the main job: the CR bottleneck on 2 MPI ranks, compared with theory (figure in output/bottleneck/)
run: $(STAMP)
	$(VENV)/bin/crplugin run bottleneck -n 2 -o output/bottleneck

demo: $(STAMP)
	$(PY) -m crplugin.demo

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/closures.py

clean:
	rm -rf build $(VENV) cython_src/crplugin/kernels/*.c cython_src/crplugin/kernels/*.so cython_src/crplugin/kernels/*_api.h
