"""Physical constants in cgs (Gaussian) units, CODATA 2018.

The same numbers are compiled into the kernels and the C/Fortran closures
(``crplugin/include/crplugin/constants.h``; a test checks that they agree).
"""
C_LIGHT = 2.99792458e10        # cm s^-1
M_P = 1.67262192369e-24        # g
M_E = 9.1093837015e-28         # g
E_CHARGE = 4.80320471e-10      # statC
K_B = 1.380649e-16             # erg K^-1
EV = 1.602176634e-12           # erg
PC = 3.0856775814913673e18     # cm
KPC = 1e3 * PC                 # cm
YR = 3.15576e7                 # s (Julian year)
MYR = 1e6 * YR                 # s
