"""Shared pieces of the decomposed-equals-serial tests (run under mpi-pytest).

``or_abort`` keeps a failure on one rank from hanging the others in their next
collective; ``run_problem`` runs a registered problem for a few cycles and
returns its output fields; ``compare_layouts`` runs it on every block layout and
compares the gathered fields with rank 0's serial run.
"""
import sys
import traceback

import numpy as np
from mpi4py import MPI

from crplugin import problems
from crplugin.simulation import Simulation, make_parameters


def or_abort(fn, *args):
    """Run ``fn``; on an exception print it and abort every rank (no hang in a collective)."""
    try:
        return fn(*args)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)


def run_problem(name, setup, cycles, dims=None, comm=None):
    """``name`` with its input file and the overrides ``setup`` for ``cycles`` cycles, blocks
    ``dims`` (None: one block per rank of ``comm`` as MPI chooses).  Returns the sorted field
    names, their stacked active arrays and the simulation."""
    module = problems.load(name)
    over = list(setup)
    if dims is not None:
        over += [f"mesh.ranks_{a}={d}" for a, d in zip("xyz", dims)]
    sim = Simulation(make_parameters(module, problems.input_file(name), over), module, comm=comm)
    while sim.cycle < cycles:
        sim.step(sim.timestep())
    fields = sim.output_fields()
    names = sorted(fields)
    return names, np.stack([np.asarray(fields[n][0], dtype=float) for n in names]), sim


def compare_layouts(run, layouts, rtol, check_reference):
    """Run ``run(dims, comm)`` serially on rank 0 and on every layout of ``layouts``; return
    the failures (rank 0) and, per layout, whether it was bit-identical.

    ``check_reference(names, fields)`` returns a failure message if the serial run does not
    exercise the physics (then equality proves little), else None.  Each field is compared
    relative to its largest magnitude."""
    world = MPI.COMM_WORLD
    failures, identical = [], []
    ref = or_abort(run, None, MPI.COMM_SELF) if world.rank == 0 else None
    if world.rank == 0:
        problem = check_reference(*ref[:2])
        if problem:
            failures.append(problem)
    for dims in layouts:
        names, local, sim = or_abort(run, dims, None)
        full = sim.decomp.gather_blocks(local)
        if sim.decomp.dims != dims:
            failures.append(f"asked for blocks {dims}, got {sim.decomp.dims}")
        if world.rank != 0:
            continue
        rnames, rfields, rsim = ref
        if names != rnames or sim.time != rsim.time:
            failures.append(f"{dims}: fields or time differ ({sim.time!r} vs {rsim.time!r})")
            continue
        for n, a, b in zip(names, full, rfields):
            scale = np.abs(b).max()
            rel = np.abs(a - b).max() / scale if scale > 0 else np.abs(a - b).max()
            if not rel <= rtol:
                failures.append(f"blocks {dims}, {n}: max relative difference {rel:.3e}")
        identical.append(bool(np.array_equal(full, rfields)))
    return failures, identical
