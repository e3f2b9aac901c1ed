"""Public cosmic-ray closures (cgs, Gaussian units).

Each function takes floats, numpy arrays or unyt arrays, broadcasts like
numpy, raises ValueError naming the offending argument on bad input, and
evaluates a compiled ``noexcept nogil`` kernel from ``crplugin.kernels``.
See ``docs/closures.md`` for the equations and the corrections to the papers.
"""
from crplugin.closures.alfvenic import *  # noqa: F401,F403
from crplugin.closures.heating import *  # noqa: F401,F403
from crplugin.closures.instability import *  # noqa: F401,F403
from crplugin.closures.scattering import *  # noqa: F401,F403
from crplugin.closures.particles import *  # noqa: F401,F403
from crplugin.closures.slab import *  # noqa: F401,F403
from crplugin.closures.qlt import *  # noqa: F401,F403
from crplugin.closures.malkov import *  # noqa: F401,F403
