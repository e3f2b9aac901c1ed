"""Alfvenic coupling: Alfven speed, gas and ion density, streaming velocity,
CR convection speed, magnetoacoustic speed."""
from crplugin.closures._wrap import Arg, closure
from crplugin.kernels import alfvenic as _k

__all__ = [
    "alfven_speed",
    "gas_density",
    "ion_mass_density",
    "streaming_velocity",
    "cr_convection_speed",
    "magnetoacoustic_speed",
]


@closure(_k.alfven_speed_array, units="cm/s", B=Arg("G"), rho_ion=Arg("g/cm**3", positive=True))
def alfven_speed(B, rho_ion):
    r"""Ion Alfven speed :math:`v_A = |B| / \sqrt{4\pi\rho_i}`.

    Zweibel (2021), section 1: the waves that scatter CRs propagate at the
    Alfven speed of the *ionised* component, so ``rho_ion`` is the ion mass
    density, not the total gas density (they differ in partially neutral gas).

    Parameters
    ----------
    B : float or array_like
        Magnetic field strength [G].  Its sign is ignored; B = 0 gives 0.
    rho_ion : float or array_like
        Ion mass density [g cm^-3], > 0.

    Returns
    -------
    v_A : float or ndarray (unyt array if any input had units)
        Alfven speed [cm s^-1].

    Notes
    -----
    Non-relativistic: valid while v_A << c.
    """


@closure(_k.gas_density_array, units="g/cm**3",
         P_g=Arg("dyn/cm**2", positive=True), T=Arg("K", positive=True), mu=Arg("", positive=True))
def gas_density(P_g, T, mu=0.61):
    r"""Ideal-gas mass density :math:`\rho = \mu m_p P_g / (k_B T)`.

    Used to obtain the density of Zweibel (2021) section 6 from the printed
    thermal pressure and temperature (P_g = 3.2e-13 dyn cm^-2, T = 1.1e6 K,
    mu = 0.61 for a fully ionised H+He gas with n_He/n_H = 0.1, which gives
    rho = 2.15e-27 g cm^-3 and v_A/c = 2.0e-4 with B = 1 microgauss).

    Parameters
    ----------
    P_g : float or array_like
        Thermal pressure [dyn cm^-2], > 0.
    T : float or array_like
        Temperature [K], > 0.
    mu : float or array_like, optional
        Mean mass per particle in units of m_p (electrons included in the
        particle count), > 0.  Default 0.61: fully ionised H + He with
        n_He/n_H = 0.1 (mu = 1.4/2.3).

    Returns
    -------
    rho : float or ndarray
        Mass density [g cm^-3].

    Notes
    -----
    Ideal, non-degenerate gas in thermal equilibrium between species.
    """


@closure(_k.ion_mass_density_array, units="g/cm**3",
         rho=Arg("g/cm**3", nonnegative=True), ion_mass_fraction=Arg("", bounds=(0.0, 1.0)))
def ion_mass_density(rho, ion_mass_fraction=1.0):
    r"""Ion mass density :math:`\rho_i = x_i \rho` to use in :func:`alfven_speed`.

    Zweibel (2021) section 1: the scattering waves are Alfven waves of the
    plasma component, :math:`v_A = B/\sqrt{4\pi\rho_i}`.

    Parameters
    ----------
    rho : float or array_like
        Total gas mass density [g cm^-3], >= 0.
    ion_mass_fraction : float or array_like, optional
        Fraction of the mass in ions, in [0, 1]; 1 (default) for a fully
        ionised gas.  For hydrogen with ionisation fraction x_e by number and
        no helium this is x_e (electron mass neglected).

    Returns
    -------
    rho_ion : float or ndarray
        Ion mass density [g cm^-3].

    Notes
    -----
    Valid when ions and neutrals are decoupled on the wave period (the
    gyroresonant waves of GeV CRs: k v_A >> nu_in); in the strongly coupled
    limit the total density sets the Alfven speed instead.
    """


@closure(_k.streaming_velocity_array, units="cm/s",
         v_A=Arg("cm/s", nonnegative=True), grad_par_Pc=Arg("dyn/cm**3"),
         grad_scale=Arg("dyn/cm**3", positive=True))
def streaming_velocity(v_A, grad_par_Pc, grad_scale):
    r"""Streaming velocity along :math:`\hat b`, regularised sign:
    :math:`v_{st} = -v_A \tanh(\hat b\cdot\nabla P_c / g_0)`.

    Self-confined CRs stream down their pressure gradient at the Alfven speed,
    :math:`\mathbf v_{st} = -v_A\,\hat b\,\mathrm{sign}(\hat b\cdot\nabla P_c)`
    (Zweibel 2021 section 1 and eq 38; Zweibel 2017).  The discontinuous
    sign is replaced by :math:`\tanh`, as in Sharma, Colella & Martin (2010),
    who write :math:`\tanh(h_c\,\hat b\cdot\nabla P_c/P_c)` with a smoothing
    length :math:`h_c`: here :math:`g_0 = P_c/h_c`.  The speed goes to 0
    smoothly where the gradient vanishes (e.g. in a bottleneck's flat
    :math:`P_c`) and to :math:`\mp v_A` for :math:`|\hat b\cdot\nabla P_c| \gg g_0`.

    Parameters
    ----------
    v_A : float or array_like
        Ion Alfven speed [cm s^-1], >= 0 (see :func:`alfven_speed`).
    grad_par_Pc : float or array_like
        :math:`\hat b\cdot\nabla P_c` [dyn cm^-3].
    grad_scale : float or array_like
        Regularisation scale :math:`g_0` [dyn cm^-3], > 0.  Smaller is
        sharper; the kernel itself treats g_0 <= 0 as the exact sign function.

    Returns
    -------
    v_st : float or ndarray
        Component of the streaming velocity along :math:`\hat b` [cm s^-1]
        (the vector is :math:`v_{st}\hat b`; flipping :math:`\hat b` flips both
        the gradient component and this result, leaving the vector unchanged).

    Notes
    -----
    Regime: self-confinement with negligible damping (drift speed = v_A); a
    finite damping rate adds a super-Alfvenic excess (see
    :func:`crplugin.closures.self_confined_drift_speed`).
    """


@closure(_k.cr_convection_speed_array, units="cm/s",
         H_c=Arg("", bounds=(-1.0, 1.0)), v_A=Arg("cm/s", nonnegative=True))
def cr_convection_speed(H_c, v_A):
    r"""CR convection speed along :math:`\mathbf B_0` by slab Alfven waves
    with cross helicity: :math:`V = H_c V_A`.

    Schlickeiser (2019) eq 34: the first-order term of the diffusion-convection
    equation for slab Alfven waves of cross helicity
    :math:`H_c = (I^+ - I^-)/(I^+ + I^-)` convects CRs at :math:`H_c V_A`
    (:math:`H_c = \pm 1`: all waves in one direction, CRs stream at
    :math:`\pm V_A`; :math:`H_c = 0`: balanced waves, no streaming).

    Parameters
    ----------
    H_c : float or array_like
        Cross helicity, in [-1, 1].
    v_A : float or array_like
        Alfven speed [cm s^-1], >= 0.

    Returns
    -------
    V : float or ndarray
        Convection speed along B_0 [cm s^-1] (sign from H_c).

    Notes
    -----
    Quasilinear slab turbulence, V_A << v (relativistic CRs), weak turbulence
    dB << B_0.
    """


@closure(_k.magnetoacoustic_speed_array, units="cm/s",
         P_g=Arg("dyn/cm**2", nonnegative=True), P_c=Arg("dyn/cm**2", nonnegative=True),
         P_m=Arg("dyn/cm**2", nonnegative=True), rho=Arg("g/cm**3", positive=True),
         gamma_g=Arg("", nonnegative=True), gamma_c=Arg("", nonnegative=True),
         gamma_m=Arg("", nonnegative=True))
def magnetoacoustic_speed(P_g, P_c, P_m, rho, gamma_g=5.0 / 3.0, gamma_c=4.0 / 3.0, gamma_m=2.0):
    r"""Magnetoacoustic speed of a CR-loaded gas,
    :math:`C_{ma} = [(\gamma_g P_g + \gamma_c P_c + \gamma_m P_m)/\rho]^{1/2}`.

    Zweibel (2021) eq 1: the speed at which a flux tube expands transversally
    when CR pressure is injected into it.

    Parameters
    ----------
    P_g, P_c, P_m : float or array_like
        Thermal, CR and magnetic (B^2/8pi) pressures [dyn cm^-2], >= 0.
    rho : float or array_like
        Gas mass density [g cm^-3], > 0.
    gamma_g, gamma_c, gamma_m : float or array_like, optional
        Effective polytropic indices: 5/3, 4/3 and 2 (transverse expansion:
        B ~ rho) by default.

    Returns
    -------
    C_ma : float or ndarray
        [cm s^-1]; 0 if all pressures vanish.

    Notes
    -----
    Uses the isotropic P_c for the perpendicular CR pressure (accurate to
    O(v_A/c) at marginal stability, Zweibel 2021 below eq 1); heating and
    cooling folded into gamma_g.  Exact for perpendicular fast waves in the
    long-wavelength limit.
    """
