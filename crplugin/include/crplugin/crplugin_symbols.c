/* External symbols for every crplugin closure.
 *
 * The headers define the closures `static inline`; Fortran's bind(C) interfaces
 * (crplugin.f90) and hosts that prefer a library need functions with external
 * linkage.  Compiling this file gives each closure an ordinary definition under
 * its own name (crp_<name>), from the same headers:
 *
 *     cc -O2 -c -I<include> crplugin_symbols.c      (<include>: crplugin.get_c_include())
 */
#define CRP_EXTERNAL_DEFINITIONS
#include "../crplugin.h"
