# Physical constants (cgs, Gaussian units; CODATA 2018) for Cython code.
# They are the C macros of crplugin/constants.h (crplugin.get_c_include()), the
# one compiled definition, so they fold into the compiled expressions; the same
# numbers are exposed to Python in crplugin/constants.py (a test compares them).
# A module that cimports this needs crplugin.get_c_include() on its C include path.
cdef extern from "crplugin/constants.h":
    const double CRP_C_LIGHT
    const double CRP_M_P
    const double CRP_M_E
    const double CRP_E_CHARGE
    const double CRP_K_B
    const double CRP_EV
    const double CRP_PC
    const double CRP_PI
