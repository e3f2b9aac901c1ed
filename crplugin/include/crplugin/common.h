/* Shared definitions of the crplugin C closures: linkage macros and includes.
 *
 * Every closure is declared `CRP_API double crp_<name>(double, ...)`.  By
 * default CRP_API is `static inline`: a host that includes the header gets
 * the formula inlined in its own loops, with no library to link.  A
 * translation unit that defines CRP_EXTERNAL_DEFINITIONS before including
 * crplugin.h (crplugin_symbols.c does) turns every closure into an ordinary
 * external function with the same name, for Fortran's bind(C) interfaces or
 * for a host that wants a library.
 *
 * The headers are C99 and C++ (g++, clang++) clean.
 */
#ifndef CRPLUGIN_COMMON_H
#define CRPLUGIN_COMMON_H

#include <math.h>
#include <stddef.h>

#include "constants.h"

#ifdef CRP_EXTERNAL_DEFINITIONS
#  define CRP_API
#else
#  define CRP_API static inline
#endif

/* private helpers stay in the translation unit in both modes */
#define CRP_PRIVATE static inline

#ifdef __cplusplus
#  define CRP_BEGIN_DECLS extern "C" {
#  define CRP_END_DECLS }
#else
#  define CRP_BEGIN_DECLS
#  define CRP_END_DECLS
#endif

#endif /* CRPLUGIN_COMMON_H */
