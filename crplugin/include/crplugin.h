/* crplugin: cosmic-ray closures as plain C99 / C++ (header only).
 *
 *     #include <crplugin.h>        with  -I$(python -c "import crplugin; print(crplugin.get_c_include())")
 *
 * Every closure is `static inline double crp_<name>(double, ...)` in cgs units
 * with Gaussian B, the same function the Python and Cython APIs run
 * (crplugin.closures.<name>, crplugin.kernels.<module>.<name>).  One header per
 * concern in crplugin/; include only what you use if you prefer.  Fortran:
 * crplugin/crplugin.f90 and crplugin/crplugin_symbols.c (docs/linking.md).
 */
#ifndef CRPLUGIN_H
#define CRPLUGIN_H

#include "crplugin/constants.h"
#include "crplugin/alfvenic.h"
#include "crplugin/heating.h"
#include "crplugin/instability.h"
#include "crplugin/scattering.h"
#include "crplugin/particles.h"
#include "crplugin/slab.h"
#include "crplugin/qlt.h"
#include "crplugin/malkov.h"
#include "crplugin/cooling.h"

#endif /* CRPLUGIN_H */
