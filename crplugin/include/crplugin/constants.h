/* Physical constants of crplugin: cgs, Gaussian units, CODATA 2018.
 *
 * The one compiled definition: the C closures (this folder), the Cython
 * kernels (crplugin/kernels/constants.pxd) and the Fortran module use these
 * macros; crplugin/constants.py holds the same numbers for Python and a test
 * compares the two.
 */
#ifndef CRPLUGIN_CONSTANTS_H
#define CRPLUGIN_CONSTANTS_H

#define CRP_C_LIGHT  2.99792458e10            /* speed of light [cm s^-1] */
#define CRP_M_P      1.67262192369e-24        /* proton mass [g] */
#define CRP_M_E      9.1093837015e-28         /* electron mass [g] */
#define CRP_E_CHARGE 4.80320471e-10           /* elementary charge [statC] */
#define CRP_K_B      1.380649e-16             /* Boltzmann constant [erg K^-1] */
#define CRP_EV       1.602176634e-12          /* electron volt [erg] */
#define CRP_PC       3.0856775814913673e18    /* parsec [cm] */
#define CRP_PI       3.14159265358979323846

#endif /* CRPLUGIN_CONSTANTS_H */
