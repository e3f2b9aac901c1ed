"""Parallel tests: make ``mpiexec`` of the virtualenv findable and bound the run time.

mpi-pytest launches ``mpiexec`` for tests marked ``@pytest.mark.parallel(n)``;
it must be on ``PATH``.  ``MPIEXEC_TIMEOUT`` makes MPICH's launcher kill a run
that hangs (e.g. a collective left waiting by a failing rank).
"""
import os
import shutil
import sys

_bin = os.path.dirname(sys.executable)
if shutil.which("mpiexec") is None and os.path.exists(os.path.join(_bin, "mpiexec")):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("MPIEXEC_TIMEOUT", "120")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
