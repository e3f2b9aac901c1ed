# Physical constants (cgs, Gaussian units; CODATA 2018) shared by every kernel.
# Kept as C macros so that they fold into the compiled expressions; the same
# numbers are exposed to Python in crplugin/constants.py.
cdef extern from *:
    """
    #define CRP_C_LIGHT  2.99792458e10
    #define CRP_M_P      1.67262192369e-24
    #define CRP_M_E      9.1093837015e-28
    #define CRP_E_CHARGE 4.80320471e-10
    #define CRP_K_B      1.380649e-16
    #define CRP_EV       1.602176634e-12
    #define CRP_PC       3.0856775814913673e18
    #define CRP_PI       3.14159265358979323846
    """
    const double CRP_C_LIGHT
    const double CRP_M_P
    const double CRP_M_E
    const double CRP_E_CHARGE
    const double CRP_K_B
    const double CRP_EV
    const double CRP_PC
    const double CRP_PI
