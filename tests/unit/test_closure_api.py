"""The public-closure contract, checked for every closure of ``crplugin.closures``.

Closures are discovered, not listed: any public function carrying the
``.args`` / ``.driver`` attributes set by ``crplugin.closures._wrap.closure``
is tested, so a new closure is covered as soon as it is exported.  Valid
inputs come from each argument's ``Arg`` spec (units, positive, nonnegative,
bounds), at physically typical magnitudes for its units.

What is checked here is the interface (scalars, arrays, broadcasting, units,
validation, ``out=``), the agreement between the vectorised driver and
cell-by-cell calls, and finiteness on valid input.  The physics of each
closure is tested in its own test file.  ``_wrap`` itself is tested at the
end with a pure-numpy driver.
"""
import inspect
import math

import numpy as np
import pytest
import unyt

import crplugin.closures as closures
from crplugin.closures._wrap import Arg, closure, finish, prepare, validate


# --------------------------------------------------------------------------
# discovery and input generation (also used by test_capi.py)

def public_closures():
    """``{name: closure}`` for every public closure exported by ``crplugin.closures``."""
    found = {}
    for name in sorted(dir(closures)):
        obj = getattr(closures, name)
        if name.startswith("_") or not callable(obj):
            continue
        if hasattr(obj, "args") and hasattr(obj, "driver"):
            found[name] = obj
    return found


CLOSURES = public_closures()
NAMES = sorted(CLOSURES)

# Typical magnitudes (cgs) of the quantities the closures take, chosen for the
# diffuse ISM/CGM so that inputs are physically sensible; matched by dimension.
_TYPICAL = [
    ("G", 1e-6),                 # magnetic field
    ("g/cm**3", 1e-26),          # mass density
    ("cm**-3", 1e-2),            # number density
    ("K", 1e6),                  # temperature
    ("cm/s", 1e7),               # speed
    ("dyn/cm**2", 1e-13),        # pressure, energy density
    ("erg/(cm**3*s)", 1e-26),    # volumetric heating/injection rate
    ("s", 1e13),                 # time
    ("cm", 3e21),                # length
    ("1/s", 1e-10),              # rate
    ("erg", 1.6e-3),             # particle energy (1 GeV)
    ("g*cm/s", 5.3e-14),         # particle momentum (1 GeV/c)
    ("cm**2/s", 3e28),           # diffusion coefficient
    ("1/cm", 3e-13),             # wavenumber ~ 1 / GeV gyroradius in a microgauss field
    ("dyn/cm**3", 1e-34),        # pressure gradient
]


def typical_value(spec):
    """A physically typical magnitude for an argument with ``spec.units`` (1 if unknown)."""
    if not spec.units:
        return 0.5
    dims = unyt.Unit(spec.units).dimensions
    for unit, value in _TYPICAL:
        if unyt.Unit(unit).dimensions == dims:
            return float(unyt.unyt_quantity(value, unit).to_value(spec.units))
    return 1.0


def _interval(spec):
    lo, hi = (-math.inf, math.inf) if spec.bounds is None else (float(spec.bounds[0]), float(spec.bounds[1]))
    return lo, hi


def sample_value(spec, rng, shape=()):
    """Valid, strictly interior values for ``spec`` (no zeros, no endpoints)."""
    lo, hi = _interval(spec)
    if spec.positive or spec.nonnegative:
        lo = max(lo, 0.0)
    t = typical_value(spec)
    factor = np.exp(rng.uniform(np.log(0.5), np.log(2.0), size=shape))
    if math.isfinite(lo) and math.isfinite(hi):
        return lo + (hi - lo) * rng.uniform(0.1, 0.9, size=shape)
    if math.isfinite(lo):
        return lo + t * factor
    if math.isfinite(hi):
        return hi - t * factor
    sign = rng.choice([-1.0, 1.0], size=shape)
    return sign * t * factor


def sample_inputs(func, rng, shape=()):
    """``{arg: values}`` valid for every argument of ``func``."""
    return {name: sample_value(spec, rng, shape) for name, spec in func.args.items()}


def edge_values(spec):
    """Edge inputs the validation lets through: zero where allowed, the bounds' endpoints."""
    lo, hi = _interval(spec)
    vals = []
    if not spec.positive and lo <= 0.0 <= hi:
        vals.append(0.0)
    vals += [v for v in (lo, hi) if math.isfinite(v) and not (spec.positive and v <= 0)
             and not (spec.nonnegative and v < 0)]
    return vals


def invalid_value(spec):
    """A finite value outside ``spec``, or None if every finite number is allowed."""
    lo, hi = _interval(spec)
    if math.isfinite(hi):
        return hi + max(1.0, abs(hi - lo) if math.isfinite(lo) else 1.0)
    if math.isfinite(lo):
        return lo - max(1.0, abs(lo))
    if spec.positive or spec.nonnegative:
        return -typical_value(spec)
    return None


def valid_inputs(name, rng, shape=()):
    """Inputs valid under the Arg specs of closure ``name``; skip if the closure rejects them.

    A closure that rejects such inputs has checks its Arg specs do not declare:
    that is reported once, by test_arg_specs_describe_the_domain.
    """
    func = CLOSURES[name]
    inputs = sample_inputs(func, rng, shape)
    try:
        func(**inputs)
    except ValueError as exc:
        pytest.skip(f"{name} rejects input its Arg specs allow ({exc}); "
                    "see test_arg_specs_describe_the_domain")
    return inputs


def scalar_call(func, inputs, i):
    return func(**{k: float(v.ravel()[i]) for k, v in inputs.items()})


@pytest.fixture
def rng():
    return np.random.default_rng(20210924)


def test_some_closures_are_found():
    assert "alfven_speed" in CLOSURES


# --------------------------------------------------------------------------
# the contract, for every public closure

@pytest.mark.parametrize("name", NAMES)
def test_declaration(name):
    func = CLOSURES[name]
    params = list(inspect.signature(func).parameters)
    assert set(params) == set(func.args), "every argument needs exactly one Arg"
    for arg, spec in func.args.items():
        assert isinstance(spec, Arg)
        unyt.Unit(spec.units or "dimensionless")  # parses
        if spec.bounds is not None:
            assert spec.bounds[0] < spec.bounds[1], arg
    unyt.Unit(func.units or "dimensionless")
    assert func.driver.__name__.endswith("_array")


@pytest.mark.parametrize("name", NAMES)
def test_docstring(name):
    func = CLOSURES[name]
    params = list(inspect.signature(func).parameters)
    doc = inspect.getdoc(func) or ""
    assert "Parameters\n----" in doc and "Returns\n----" in doc, (
        "numpydoc docstring expected (Parameters and Returns sections)")
    # numpydoc allows a range "first, ..., last" for a run of similar arguments
    covered = set()
    for i, first in enumerate(params):
        for j in range(i + 1, len(params)):
            if f"{first}, ..., {params[j]}" in doc:
                covered.update(params[i:j + 1])
    for arg in params:
        assert arg in doc or arg in covered, f"argument {arg} is not documented"


@pytest.mark.parametrize("name", NAMES)
def test_arg_specs_describe_the_domain(name, rng):
    """Every input the Arg specs allow is accepted.

    The specs are the machine-readable domain of a closure (the C API, the
    benchmarks and these tests draw inputs from them), so a closure must not
    reject values they allow.
    """
    func = CLOSURES[name]
    for _ in range(3):
        inputs = sample_inputs(func, rng, shape=(16,))
        try:
            func(**inputs)
        except ValueError as exc:
            pytest.fail(f"{name} rejects input that its Arg specs allow: {exc}")


@pytest.mark.parametrize("name", NAMES)
def test_scalar_in_float_out(name, rng):
    func = CLOSURES[name]
    inputs = {k: float(v) for k, v in valid_inputs(name, rng).items()}
    result = func(**inputs)
    assert type(result) is float
    assert math.isfinite(result)


@pytest.mark.parametrize("name", NAMES)
def test_array_matches_cell_by_cell(name, rng):
    func = CLOSURES[name]
    inputs = valid_inputs(name, rng, shape=(3, 4))
    result = func(**inputs)
    assert isinstance(result, np.ndarray) and result.shape == (3, 4) and result.dtype == np.float64
    assert np.all(np.isfinite(result))
    expected = np.array([scalar_call(func, inputs, i) for i in range(12)]).reshape(3, 4)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("name", NAMES)
def test_positional_and_keyword_calls_agree(name, rng):
    func = CLOSURES[name]
    inputs = valid_inputs(name, rng, shape=(5,))
    order = list(inspect.signature(func).parameters)
    np.testing.assert_array_equal(func(*(inputs[k] for k in order)), func(**inputs))


@pytest.mark.parametrize("name", NAMES)
def test_broadcasting(name, rng):
    func = CLOSURES[name]
    names = list(func.args)
    inputs = valid_inputs(name, rng, shape=(4,))
    # first argument varies along axis 0, the others along axis 1, plus one scalar
    inputs[names[0]] = inputs[names[0]][:3].reshape(3, 1)
    if len(names) > 2:
        inputs[names[-1]] = float(inputs[names[-1]][0])
    shape = (3, 4) if len(names) > 1 else (3, 1)
    result = func(**inputs)
    assert result.shape == shape
    full = {k: np.broadcast_to(np.asarray(v), shape) for k, v in inputs.items()}
    for i, j in np.ndindex(shape):
        assert result[i, j] == func(**{k: float(v[i, j]) for k, v in full.items()})


@pytest.mark.parametrize("name", NAMES)
def test_mismatched_shapes_raise(name, rng):
    func = CLOSURES[name]
    names = list(func.args)
    if len(names) < 2:
        pytest.skip("one argument: nothing to mismatch")
    inputs = valid_inputs(name, rng, shape=(4,))
    inputs[names[1]] = inputs[names[1]][:3]
    with pytest.raises(ValueError, match="broadcast"):
        func(**inputs)


@pytest.mark.parametrize("name", NAMES)
def test_out_is_filled(name, rng):
    func = CLOSURES[name]
    inputs = valid_inputs(name, rng, shape=(2, 3))
    out = np.full((2, 3), np.nan)
    returned = func(**inputs, out=out)
    assert returned is out
    np.testing.assert_array_equal(out, func(**inputs))
    with pytest.raises(ValueError, match="out"):
        func(**inputs, out=np.empty(5))
    with pytest.raises(ValueError, match="out"):
        func(**inputs, out=np.empty((2, 3), dtype=np.float32))


@pytest.mark.parametrize("name", NAMES)
def test_unyt_in_unyt_out(name, rng):
    func = CLOSURES[name]
    inputs = valid_inputs(name, rng, shape=(5,))
    plain = func(**inputs)
    with_units = {k: unyt.unyt_array(v, func.args[k].units or "dimensionless") for k, v in inputs.items()}
    result = func(**with_units)
    assert isinstance(result, unyt.unyt_array)
    assert result.units == unyt.Unit(func.units or "dimensionless")
    np.testing.assert_array_equal(result.to_value(func.units or "dimensionless"), plain)
    # the same quantities in SI units are converted back to cgs (roundoff only).
    # Potentials stay in statV: unyt 3.2 converts statV <-> V with the inverse
    # factor (1 statV -> 1/299.79 V), which the closures deliberately correct.
    statv = unyt.Unit("statV").dimensions
    si = {k: v if unyt.Unit(func.args[k].units or "dimensionless").dimensions == statv
          else v.in_mks() for k, v in with_units.items()}
    np.testing.assert_allclose(func(**si).to_value(func.units or "dimensionless"), plain, rtol=1e-12)
    # a scalar with units gives a quantity
    one = {k: v[0] for k, v in with_units.items()}
    q = func(**one)
    assert isinstance(q, unyt.unyt_quantity) and q.units == result.units
    # mixing plain numbers with unyt inputs is allowed (they are taken in cgs)
    if len(inputs) > 1:
        first = next(iter(inputs))
        mixed = dict(with_units, **{first: inputs[first]})
        mixed_result = func(**mixed)
        assert isinstance(mixed_result, unyt.unyt_array)
        np.testing.assert_array_equal(mixed_result.to_value(func.units or "dimensionless"), plain)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_units_raise_naming_the_argument(name, rng):
    func = CLOSURES[name]
    inputs = valid_inputs(name, rng, shape=(2,))
    for arg, spec in func.args.items():
        wrong = "g" if unyt.Unit(spec.units or "dimensionless").dimensions != unyt.Unit("g").dimensions else "K"
        bad = dict(inputs, **{arg: unyt.unyt_array(inputs[arg], wrong)})
        with pytest.raises(ValueError, match=f"'{arg}'"):
            func(**bad)


@pytest.mark.parametrize("name", NAMES)
def test_nan_and_inf_raise_naming_the_argument(name, rng):
    func = CLOSURES[name]
    for arg in func.args:
        for bad_value in (np.nan, np.inf):
            inputs = valid_inputs(name, rng, shape=(3,))
            inputs[arg] = inputs[arg].copy()
            inputs[arg][1] = bad_value
            with pytest.raises(ValueError, match=f"'{arg}'"):
                func(**inputs)


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_raises_naming_the_argument(name, rng):
    func = CLOSURES[name]
    checked = 0
    for arg, spec in func.args.items():
        bad_value = invalid_value(spec)
        if bad_value is None:
            continue
        inputs = valid_inputs(name, rng, shape=(3,))
        inputs[arg] = inputs[arg].copy()
        inputs[arg][2] = bad_value
        with pytest.raises(ValueError, match=f"'{arg}'"):
            func(**inputs)
        if spec.positive:
            inputs[arg][2] = 0.0
            with pytest.raises(ValueError, match=f"'{arg}'"):
                func(**inputs)
        checked += 1
    if checked == 0:
        pytest.skip("every finite value of every argument is valid")


@pytest.mark.parametrize("name", NAMES)
def test_non_numeric_input_raises_naming_the_argument(name, rng):
    func = CLOSURES[name]
    arg = next(iter(func.args))
    inputs = valid_inputs(name, rng)
    inputs[arg] = "a string"
    with pytest.raises(ValueError, match=f"'{arg}'"):
        func(**inputs)


@pytest.mark.parametrize("name", NAMES)
def test_edge_inputs_give_finite_results(name, rng):
    """Kernels never return NaN or inf for input the validation lets through."""
    func = CLOSURES[name]
    base = valid_inputs(name, rng)
    for arg, spec in func.args.items():
        for value in edge_values(spec):
            inputs = dict(base, **{arg: value})
            try:
                result = func(**inputs)
            except ValueError as exc:
                pytest.fail(f"{name} rejects {arg}={value}, which its Arg spec allows: {exc}")
            assert math.isfinite(result), f"{name}({arg}={value}) = {result}"


# --------------------------------------------------------------------------
# _wrap on its own, with a pure-numpy driver

def _product_driver(a, b, out):
    np.multiply(a, b, out=out)


@closure(_product_driver, units="erg/cm**3",
         pressure=Arg("dyn/cm**2", nonnegative=True), factor=Arg("", bounds=(-1, 1)))
def _scaled(pressure, factor=0.5):
    """Toy closure: pressure * factor."""


def test_wrap_attributes_and_metadata():
    assert _scaled.units == "erg/cm**3"
    assert set(_scaled.args) == {"pressure", "factor"}
    assert _scaled.driver is _product_driver
    assert _scaled.__name__ == "_scaled" and "Toy closure" in _scaled.__doc__
    assert list(inspect.signature(_scaled).parameters) == ["pressure", "factor"]


def test_wrap_defaults_scalars_and_arrays():
    assert _scaled(2.0) == 1.0 and type(_scaled(2.0)) is float
    assert _scaled(2.0, -1.0) == -2.0
    np.testing.assert_array_equal(_scaled([[1.0], [2.0]], [0.5, -0.5, 1.0]),
                                  [[0.5, -0.5, 1.0], [1.0, -1.0, 2.0]])
    assert _scaled(np.array([], dtype=float)).shape == (0,)


def test_wrap_units_conversion():
    r = _scaled(unyt.unyt_array([1.0, 2.0], "Pa"), 1.0)  # 1 Pa = 10 dyn cm^-2
    assert isinstance(r, unyt.unyt_array) and r.units == unyt.Unit("erg/cm**3")
    np.testing.assert_allclose(r.value, [10.0, 20.0], rtol=1e-15)
    q = _scaled(unyt.unyt_quantity(3.0, "dyn/cm**2"), unyt.unyt_quantity(1.0, "dimensionless"))
    assert isinstance(q, unyt.unyt_quantity) and float(q) == 3.0
    with pytest.raises(ValueError, match="'pressure'.*cannot be converted"):
        _scaled(unyt.unyt_array([1.0], "cm"))


def test_wrap_validation_messages():
    with pytest.raises(ValueError, match="'pressure' must be non-negative"):
        _scaled([1.0, -1.0])
    with pytest.raises(ValueError, match=r"'factor' must lie in \[-1, 1\]"):
        _scaled(1.0, 1.5)
    with pytest.raises(ValueError, match="'pressure' contains NaN"):
        _scaled(np.nan)
    with pytest.raises(ValueError, match="'factor'"):
        _scaled(1.0, "x")
    with pytest.raises(ValueError, match=r"pressure\(2,\), factor\(3,\)"):
        _scaled([1.0, 2.0], [0.1, 0.2, 0.3])
    with pytest.raises(TypeError):
        _scaled(1.0, 0.5, 0.1)  # too many arguments


def test_wrap_positive_rejects_zero():
    spec = Arg("g/cm**3", positive=True)
    validate("rho", np.array([1.0]), spec)
    with pytest.raises(ValueError, match="'rho' must be positive"):
        validate("rho", np.array([1.0, 0.0]), spec)


def test_wrap_out_argument():
    out = np.zeros(3)
    assert _scaled([1.0, 2.0, 3.0], 0.5, out=out) is out
    np.testing.assert_array_equal(out, [0.5, 1.0, 1.5])
    with pytest.raises(ValueError, match="'out'"):
        _scaled([1.0, 2.0, 3.0], out=np.zeros((3, 1)))
    with pytest.raises(ValueError, match="'out'"):
        _scaled([1.0, 2.0, 3.0], out=np.zeros(6)[::2])


def test_wrap_missing_arg_spec_is_an_error():
    with pytest.raises(TypeError, match="no Arg"):
        @closure(_product_driver, units="", a=Arg())
        def bad(a, b):
            """no spec for b"""


def test_prepare_and_finish():
    flat, shape, had_units = prepare({"x": Arg(), "y": Arg()}, {"x": [[1.0], [2.0]], "y": 3.0})
    assert shape == (2, 1) and not had_units
    assert all(f.flags.c_contiguous and f.dtype == np.float64 and f.shape == (2,) for f in flat)
    np.testing.assert_array_equal(flat[1], [3.0, 3.0])
    assert finish(np.array([4.0]), (), False, "") == 4.0
    u = finish(np.array([4.0, 5.0]), (2,), True, "")
    assert isinstance(u, unyt.unyt_array) and u.units == unyt.Unit("dimensionless")
