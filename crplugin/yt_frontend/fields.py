r"""Fields of crplugin outputs, with yt's names and cgs/Gaussian units.

On-disk fields (``("gdf", name)``, cgs, as written by :mod:`crplugin.io`)
are aliased to yt's names:

==================================  ===========================  ==================
``("gas", name)``                    on disk (``"gdf"``)          units
==================================  ===========================  ==================
``cosmic_ray_energy_density``        ``cr_energy_density``        erg cm^-3
``cosmic_ray_flux_x/y/z``            ``cr_flux_x/y/z``            erg cm^-2 s^-1
``streaming_heating``, ``pa_heating``, ``cr_work_rate``, ``kappa_par``, ...
                                     same name (diagnostics of the enabled source terms)
==================================  ===========================  ==================

and derived (same names as yt's AREPO and GAMER frontends where yt has one):

====================================  ======================================================  ==============
``cosmic_ray_pressure``               :math:`P_c = (\gamma_c - 1) E_c`, :math:`\gamma_c` =     dyn cm^-2
                                      ``cr.gamma_c`` of the run (4/3 if not stored)
``cosmic_ray_flux_magnitude``         :math:`|\mathbf F_c|`                                    erg cm^-2 s^-1
``alfven_speed``                      :func:`crplugin.closures.alfven_speed` of |B| and rho    cm s^-1
                                      (total density, as the solver with ion_fraction = 1)
``cr_to_gas_pressure_ratio``          :math:`P_c/P_g`                                          dimensionless
``cr_to_magnetic_pressure_ratio``     :math:`P_c/(B^2/8\pi)`                                   dimensionless
``streaming_heating``                 the solver's field when written (``cr_diagnostics``);    erg cm^-3 s^-1
                                      else, on periodic domains only, the solver's kernel
                                      (:func:`streaming_heating_cgs`: regularised sign) with
                                      the centred :math:`\hat b\cdot\nabla P_c`
====================================  ======================================================  ==============

yt's own magnetic fields (``magnetic_pressure`` = :math:`B^2/8\pi`,
``plasma_beta``, ...) come from the aliased ``magnetic_field_x/y/z``.
"""
import numpy as np
from yt.fields.derived_field import ValidateSpatial
from yt.frontends.gdf.fields import GDFFieldInfo

_E = "erg/cm**3"
_F = "erg/(cm**2*s)"
_H = "erg/(cm**3*s)"

# on-disk name -> yt name of the CR variables
CR_FIELDS = {"cr_energy_density": "cosmic_ray_energy_density",
             **{f"cr_flux_{c}": f"cosmic_ray_flux_{c}" for c in "xyz"}}


def _cosmic_ray_pressure(field, data):
    return (data.ds.gamma_c - 1.0) * data["gas", "cosmic_ray_energy_density"]


def _flux_magnitude(field, data):
    return np.sqrt(sum(data["gas", f"cosmic_ray_flux_{c}"] ** 2 for c in "xyz"))


def _alfven_speed(field, data):
    from crplugin import closures
    b = data["gas", "magnetic_field_strength"].to("G").d
    rho = data["gas", "density"].to("g/cm**3").d
    return data.ds.arr(closures.alfven_speed(b, rho), "cm/s")


def _cr_to_gas(field, data):
    return data["gas", "cosmic_ray_pressure"] / data["gas", "pressure"]


def _cr_to_magnetic(field, data):
    return data["gas", "cosmic_ray_pressure"] / data["gas", "magnetic_pressure"]


def stream_scale_cm(ds):
    """The run's regularisation length h_c of the streaming sign, in cm: ``cr.stream_scale``
    (code lengths), or its default, DEFAULT_STREAM_SCALE x the longest domain extent."""
    from crplugin.solver.cr import DEFAULT_STREAM_SCALE
    h_c = float(ds.parameters.get("cr.stream_scale", 0.0) or 0.0)
    if h_c > 0:
        return float(ds.quan(h_c, "code_length").to("cm"))
    return DEFAULT_STREAM_SCALE * max(float(w.to("cm")) for w, n in zip(ds.domain_width, ds.domain_dimensions)
                                      if n > 1)


def streaming_heating_cgs(b, grad_pc, rho, pc, h_c):
    """The solver's streaming heating (Zweibel 2021 eq 38 with its regularised sign,
    :math:`v_A|\\hat b\\cdot\\nabla P_c||\\tanh(h_c\\hat b\\cdot\\nabla P_c/P_c)|`): the kernel
    ``crplugin.kernels.cr_transport.cr_streaming_heating`` the CR step uses, with
    v_A from :func:`crplugin.closures.alfven_speed` (total density: ion_fraction = 1).

    ``b``, ``grad_pc``: x, y, z components (G, dyn cm^-3, plain arrays); ``rho``
    g cm^-3; ``pc`` dyn cm^-2; ``h_c`` cm.  Returns erg cm^-3 s^-1.
    """
    from crplugin import closures
    from crplugin.kernels.cr_transport import cr_streaming_heating_array
    bmag = np.sqrt(sum(c**2 for c in b))
    bdotg = sum(c * g for c, g in zip(b, grad_pc))
    g_par = np.divide(bdotg, bmag, out=np.zeros_like(bdotg), where=bmag > 0)
    v_a = closures.alfven_speed(bmag, rho)
    args = [np.ascontiguousarray(a, dtype=float).ravel() for a in np.broadcast_arrays(v_a, h_c, pc, g_par)]
    out = np.empty_like(args[0])
    cr_streaming_heating_array(*args, out)
    return out.reshape(np.shape(g_par))


def _streaming_heating(field, data):
    """Centred differences of P_c on the block grown by one ghost layer (yt builds it
    on periodic domains), then :func:`streaming_heating_cgs`."""
    pc = data["gas", "cosmic_ray_pressure"].to("dyn/cm**2").d
    b = [data["gas", f"magnetic_field_{c}"].to("G").d for c in "xyz"]
    grad = [np.zeros_like(pc) for _ in range(3)]
    for a in range(3):
        if data.ds.domain_dimensions[a] == 1:
            continue
        hi, lo = [slice(1, -1)] * 3, [slice(1, -1)] * 3
        hi[a], lo[a] = slice(2, None), slice(None, -2)
        dx = float((data.ds.domain_width[a] / data.ds.domain_dimensions[a]).to("cm"))  # one level
        grad[a][1:-1, 1:-1, 1:-1] = (pc[tuple(hi)] - pc[tuple(lo)]) / (2.0 * dx)
    heat = streaming_heating_cgs(b, grad, data["gas", "density"].to("g/cm**3").d, pc, stream_scale_cm(data.ds))
    return data.ds.arr(heat, _H)


class CRPluginFieldInfo(GDFFieldInfo):
    known_other_fields = GDFFieldInfo.known_other_fields + (
        ("cr_energy_density", (_E, [CR_FIELDS["cr_energy_density"]], r"E_c")),
        *((f"cr_flux_{c}", (_F, [CR_FIELDS[f"cr_flux_{c}"]], rf"F_{{c,{c}}}")) for c in "xyz"),
    )

    def setup_fluid_fields(self):
        super().setup_fluid_fields()  # magnetic_field_x/y/z aliases (Gaussian)
        on_disk = {name for ftype, name in self.field_list if ftype == "gdf"}
        known = {name for name, _ in self.known_other_fields}
        # every other field the solver wrote (source-term diagnostics) under its own name
        for name in sorted(on_disk - known - {f"magnetic_field_{c}" for c in "xyz"}):
            self.alias(("gas", name), ("gdf", name))
        have_b = all(f"magnetic_field_{c}" in on_disk for c in "xyz")
        if have_b and "density" in on_disk:
            self.add_field(("gas", "alfven_speed"), sampling_type="cell", function=_alfven_speed,
                           units="cm/s", force_override=True)
        if "cr_energy_density" not in on_disk:
            return
        self.add_field(("gas", "cosmic_ray_pressure"), sampling_type="cell",
                       function=_cosmic_ray_pressure, units="dyn/cm**2")
        if all(f"cr_flux_{c}" in on_disk for c in "xyz"):
            self.add_field(("gas", "cosmic_ray_flux_magnitude"), sampling_type="cell",
                           function=_flux_magnitude, units=_F)
        if "pressure" in on_disk:
            self.add_field(("gas", "cr_to_gas_pressure_ratio"), sampling_type="cell",
                           function=_cr_to_gas, units="")
        if have_b:
            self.add_field(("gas", "cr_to_magnetic_pressure_ratio"), sampling_type="cell",
                           function=_cr_to_magnetic, units="")
        periodic = all(p for p, n in zip(self.ds.periodicity, self.ds.domain_dimensions) if n > 1)
        if have_b and "density" in on_disk and "streaming_heating" not in on_disk and periodic:
            self.add_field(("gas", "streaming_heating"), sampling_type="cell", function=_streaming_heating,
                           units=_H, validators=[ValidateSpatial(1, [("gas", "cosmic_ray_pressure")])])
