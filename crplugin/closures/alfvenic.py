"""Alfvenic coupling: Alfven speed, streaming velocity, CR convection speed, magnetoacoustic speed."""
from crplugin.closures._wrap import Arg, closure
from crplugin.kernels import alfvenic as _k

__all__ = ["alfven_speed"]


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
