"""The parameters every run has (sections other than [problem] and the source terms')."""
from crplugin.boundaries import KINDS
from crplugin.params import Param
from crplugin.solver.cr import STREAMING_SCHEMES

BC = KINDS

GENERAL = {
    "mesh": {
        "nx": Param(256, "cells along x", positive=True),
        "ny": Param(1, "cells along y (1 = inactive axis)", positive=True),
        "nz": Param(1, "cells along z (1 = inactive axis)", positive=True),
        "x1min": Param(0.0, "left edge along x [code length]"),
        "x1max": Param(1.0, "right edge along x [code length]"),
        "x1spacing": Param("uniform", "cell widths along x1: uniform, or log (equal ratio; x1min > 0; "
                                      "any dimensionality)", choices=("uniform", "log")),
        "geometry": Param("cartesian", "cartesian, or 1D spherical / flux_tube with x1 = r (face area r^2 "
                                       "per steradian, or 1 + (r/r_s)^2)",
                          choices=("cartesian", "spherical", "flux_tube")),
        "flux_tube_scale": Param(0.0, "r_s of the flux-tube area 1 + (r/r_s)^2 [code length] "
                                      "(needed by geometry = flux_tube)"),
        "x2min": Param(0.0, "left edge along y"),
        "x2max": Param(1.0, "right edge along y"),
        "x3min": Param(0.0, "left edge along z"),
        "x3max": Param(1.0, "right edge along z"),
        "ix1_bc": Param("periodic", "boundary at x min", choices=BC),
        "ox1_bc": Param("periodic", "boundary at x max", choices=BC),
        "ix2_bc": Param("periodic", "boundary at y min", choices=BC),
        "ox2_bc": Param("periodic", "boundary at y max", choices=BC),
        "ix3_bc": Param("periodic", "boundary at z min", choices=BC),
        "ox3_bc": Param("periodic", "boundary at z max", choices=BC),
        "ranks_x": Param(0, "MPI ranks along x (0 = let MPI choose)", minimum=0),
        "ranks_y": Param(0, "MPI ranks along y (0 = let MPI choose)", minimum=0),
        "ranks_z": Param(0, "MPI ranks along z (0 = let MPI choose)", minimum=0),
    },
    "time": {
        "tlim": Param(1.0, "end time [code time]", positive=True),
        "nlim": Param(-1, "maximum number of cycles (-1 = no limit)", minimum=-1),
        "cfl": Param(0.4, "Courant number of the MHD step", positive=True),
        "dt_max": Param(float("inf"), "largest step allowed [code time]", positive=True),
        "steady_tol": Param(0.0, "stop when max|d ln q/dt| of the evolved fields stays below this "
                                 "(0 = run to tlim)", minimum=0),
        "steady_interval": Param(10.0, "simulated time between steady-state checks", positive=True),
    },
    "mhd": {
        "evolve": Param(True, "evolve the gas (false: frozen background for CR-only tests)"),
        "magnetic": Param(True, "MHD (true) or pure hydrodynamics (false)"),
        "gamma": Param(5.0 / 3.0, "adiabatic index of the gas", positive=True),
        "eos": Param("adiabatic", "equation of state: adiabatic (gamma law) or isothermal "
                                  "(P = c_s^2 rho, no energy equation)", choices=("adiabatic", "isothermal")),
        "iso_sound_speed": Param(0.0, "isothermal sound speed c_s [code velocity] (needed by eos = isothermal)"),
        "riemann": Param("hlld", "Riemann solver", choices=("hlld", "hlle", "hllc")),
        "limiter": Param("vanleer", "slope limiter of the PLM reconstruction", choices=("vanleer", "mc")),
        "density_floor": Param(1e-10, "density floor [code units]", positive=True),
        "pressure_floor": Param(1e-12, "pressure floor [code units]", positive=True),
    },
    "cr": {
        "enabled": Param(False, "two-moment cosmic-ray transport"),
        "v_max": Param(100.0, "reduced speed of light V_m [code velocity]", positive=True),
        "gamma_c": Param(4.0 / 3.0, "CR adiabatic index: P_c = (gamma_c - 1) E_c (4/3: relativistic)",
                         positive=True),
        "exchange": Param(True, "CR energy and momentum exchange with the gas"),
        "cfl": Param(0.0, "sub-step cfl * min(dx) / V_m, in (0, 1] (0: 1/ndim, i.e. the HLL "
                          "Courant numbers sum to sqrt(gamma_c - 1) = 0.58)"),
        "max_subcycles": Param(1000, "CR sub-steps per MHD step at most", positive=True),
        "stream_scale": Param(0.0, "length h_c of the smooth sign tanh(h_c b.grad P_c / P_c) in "
                                   "streaming [code length] (0: 1000 x the domain size)", minimum=0),
        "streaming_scheme": Param("centred", "discretisation of streaming: centred (opacity from the centred "
                                             "grad P_c, van Leer; Jiang & Oh 2018) or consistent (opacity from "
                                             "the gradient the flux equation sees, third-order E_c, no flux lag: "
                                             "bottleneck L1 error 4-5x smaller at 512 cells); docs/implicit_cr.md",
                                  choices=STREAMING_SCHEMES),
        "adiabatic_shocks": Param(True, "CRs compressed adiabatically at detected shocks (invariant "
                                        "P_c^(1/gamma_c) advected with the gas; needs exchange, adiabatic gas)"),
        "shock_jump": Param(0.01, "shock detector: relative total-pressure difference across a converging "
                                 "cell above which it is a shock", positive=True),
        "integrator": Param("explicit", "CR time integration: explicit (sub-cycled at V_m), implicit "
                                        "(backward Euler over each MHD step, at most max_subcycles explicit "
                                        "steps long; adaptive sub-steps where Newton fails), steady (steady CR profile on the frozen gas, "
                                        "pseudo-transient continuation); docs/implicit_cr.md",
                            choices=("explicit", "implicit", "steady")),
        "newton_rtol": Param(1e-9, "implicit: Newton tolerance on the RMS backward-Euler residual, "
                                   "each variable scaled by its largest magnitude", positive=True),
        "newton_max_iter": Param(30, "implicit: Newton iterations per step at most (steady: x 100 "
                                     "pseudo steps)", positive=True),
        "steady_rtol": Param(1e-5, "steady: stop when max|dE_c/dt| / max E_c, in units of the light-crossing "
                                    "time L/V_m of the domain, is below this (bottleneck: 1e-6 per unit time, "
                                    "the explicit run's time.steady_tol)", positive=True),
        "linear_solver": Param("line", "implicit and steady, 2D/3D, periodic or across ranks: line (GMRES "
                                       "on the Newton matrix, preconditioned by a band LU of its x1 lines) "
                                       "or lu (sparse LU of the whole matrix on one rank; of each rank's "
                                       "block across ranks)", choices=("line", "lu")),
    },
    "units": {
        "length": Param(1.0, "code length unit [cm]", positive=True),
        "mass": Param(1.0, "code mass unit [g]", positive=True),
        "time": Param(1.0, "code time unit [s]", positive=True),
    },
    "output": {
        "dt": Param(0.0, "time between yt (GDF) outputs (0 = only the last)", minimum=0),
        "dt_history": Param(0.0, "time between history rows (0 = every 10 cycles)", minimum=0),
        "dt_checkpoint": Param(0.0, "time between checkpoints (0 = only the last)", minimum=0),
        "progress": Param(True, "show a progress bar on rank 0"),
    },
    "sources": {
        "enabled": Param([], "source terms to switch on, comma separated (see crplugin list)"),
    },
}
