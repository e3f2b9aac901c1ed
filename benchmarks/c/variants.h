/* Loops over the closures compiled in other translation units (no inlining):
 * extern.c through the external symbols of crplugin_symbols.c, capi.c through
 * the embedded-Python C API (capi_api.h).  Without -DHAVE_CAPI=1 the capi
 * loops are stubs and the program needs no Python. */
#ifndef CRP_BENCH_VARIANTS_H
#define CRP_BENCH_VARIANTS_H

#ifndef HAVE_CAPI
#define HAVE_CAPI 0
#endif

void pa_heating_extern(const double *v_A, const double *P_c, const double *rate, double *out);
void alfven_speed_extern(const double *B, const double *rho, double *out);
void pa_heating_capi(const double *v_A, const double *P_c, const double *rate, double *out);
void alfven_speed_capi(const double *B, const double *rho, double *out);
int variants_init(void);
void variants_finish(void);

#endif
