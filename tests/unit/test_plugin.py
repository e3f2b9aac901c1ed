"""crplugin.plugin.HostAdapter: views of host arrays, unit conventions, bad input."""
import math

import numpy as np
import pytest

from crplugin.plugin import HostAdapter
from crplugin.units import CodeUnits

PYRO_VARS = {"density": 0, "energy": 1, "momentum_x": 2, "momentum_y": 3}


def pyro_like(n=(6, 5), ng=4, **kw):
    return HostAdapter("ijv", ng, (0.0, 0.0), (1.0, 1.0), n, PYRO_VARS, **kw)


def test_views_are_views_in_crplugin_order():
    a = pyro_like()
    U = np.random.default_rng(1).random((6 + 8, 5 + 8, 4))
    v = a.view(U, "U")
    assert v.shape == (4, 1, 5 + 4, 6 + 4) and np.shares_memory(v, U)
    # crplugin [var, 0, j, i] with 2 ghosts is pyro [i + 2, j + 2, var] with 4
    for var, j, i in [(0, 0, 0), (3, 8, 9), (1, 4, 2)]:
        assert v[var, 0, j, i] == U[i + 2, j + 2, var]
    v[2, 0, 3, 4] = -7.0  # writes reach the host's memory
    assert U[6, 5, 2] == -7.0
    cells = np.arange(14 * 13.0).reshape(14, 13)
    c = a.cell_view(cells, "heat")
    assert c.shape == (1, 9, 10) and np.shares_memory(c, cells) and c[0, 1, 3] == cells[5, 3]


def test_3d_athena_layout_and_1d():
    a = HostAdapter("vkji", 3, (0, 0, 0), (1, 1, 1), (4, 3, 2),
                    {"density": 0, "momentum_x": 1, "momentum_y": 2, "momentum_z": 3, "energy": 4})
    U = np.random.default_rng(2).random((5, 2 + 6, 3 + 6, 4 + 6))
    v = a.view(U, "U")
    assert v.shape == (5, 6, 7, 8) and np.shares_memory(v, U)
    assert v[4, 2, 3, 5] == U[4, 3, 4, 6]
    one = HostAdapter("iv", 2, (0,), (1,), (8,), {"density": 0, "energy": 1})
    U1 = np.zeros((12, 2))
    assert one.view(U1, "U").shape == (2, 1, 1, 12)


@pytest.mark.parametrize("shape, words", [((14, 13), "shape (14, 13)"), ((13, 14, 4), "(14, 13, nvar)"),
                                          ((14, 13, 4, 1), "layout 'ijv'")])
def test_wrong_host_array_is_one_line_naming_it(shape, words):
    with pytest.raises(ValueError) as exc:
        pyro_like().view(np.zeros(shape), "U")
    msg = str(exc.value)
    assert msg.startswith("U: host array") and words in msg and "\n" not in msg


@pytest.mark.parametrize("kwargs, words", [
    (dict(layout="ijv", ng=1), "ng: the host has 1 ghost cells"),
    (dict(layout="ijx", ng=4), "layout: 'ijx'"),
    (dict(layout="ijv", ng=4, magnetic="gauss"), "magnetic: 'gauss'"),
])
def test_bad_adapter_arguments(kwargs, words):
    layout, ng = kwargs.pop("layout"), kwargs.pop("ng")
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        HostAdapter(layout, ng, (0, 0), (1, 1), (6, 5), PYRO_VARS, **kwargs)


def state(a, seed=3):
    rng = np.random.default_rng(seed)
    U = np.zeros((14, 13, 4))
    U[..., 0] = 1.0 + rng.random((14, 13))
    U[..., 1] = 2.0 + rng.random((14, 13))
    U[..., 2:] = 0.1 * rng.standard_normal((14, 13, 2))
    cr = a.cr_zeros()
    cr[..., 0] = 1.0 + rng.random((14, 13))
    return U, cr


def test_magnetic_conventions_give_the_same_heating():
    """A host field in Gaussian units (P_m = B^2/8pi) is sqrt(4 pi) times the B^2/2 one:
    same v_A, same heating.  The unit system enters only through v_A/c (PA heating)."""
    units = CodeUnits(length=3.0857e21, mass=1e-26 * 3.0857e21**3, time=3.15576e13)
    srcs = ("streaming", "cr_diagnostics", "pa_heating")
    hl = pyro_like(sources=srcs, units=units, magnetic="B2/2")
    gauss = pyro_like(sources=srcs, units=units, magnetic="B2/8pi")
    U, cr = state(hl)
    b = (0.3, 0.1, 0.0)
    f1 = hl.fields(U, cr, b)
    f2 = gauss.fields(U, cr, tuple(math.sqrt(4 * math.pi) * c for c in b))
    for name in ("streaming_heating", "pa_heating", "stream_speed"):
        assert np.abs(f1[name]).max() > 0
        np.testing.assert_allclose(f2[name], f1[name], rtol=1e-13, err_msg=name)
    # v_A = B/sqrt(rho) in the B^2/2 convention
    act = (slice(4, -4), slice(4, -4))
    np.testing.assert_allclose(f1["stream_speed"][act], math.hypot(0.3, 0.1) / np.sqrt(U[..., 0][act]),
                               rtol=1e-14)


def test_field_not_enabled_names_the_providers():
    a = pyro_like(sources=("streaming",))
    U, cr = state(a)
    with pytest.raises(ValueError, match="'pa_heating' is provided by none of the enabled source terms "
                                         r"\(streaming\); enable one of pa_heating"):
        a.pa_heating(U, cr, (1.0, 0.0, 0.0))


def test_unknown_parameter_lists_valid_keys():
    with pytest.raises(ValueError, match="cr.v_maxx"):
        pyro_like(params={"cr.v_maxx": 3.0})
