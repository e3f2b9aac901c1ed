/* The old path: the closures through the embedded-Python C API
 * (crplugin.kernels.capi, capi_api.h), two function pointers per call. */
#include "variants.h"

#define N 4096

#if HAVE_CAPI
#include <Python.h>
#include "crplugin/kernels/capi_api.h"

int variants_init(void)
{
    Py_Initialize();
    if (import_crplugin__kernels__capi() < 0) {
        PyErr_Print();
        return 1;
    }
    return 0;
}

void variants_finish(void)
{
    Py_Finalize();
}

void pa_heating_capi(const double *v_A, const double *P_c, const double *rate, double *out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_pa_heating(v_A[i], P_c[i], rate[i]);
}

void alfven_speed_capi(const double *B, const double *rho, double *out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_alfven_speed(B[i], rho[i]);
}

#else
int variants_init(void) { return 0; }
void variants_finish(void) {}
void pa_heating_capi(const double *v_A, const double *P_c, const double *rate, double *out)
{ (void)v_A; (void)P_c; (void)rate; (void)out; }
void alfven_speed_capi(const double *B, const double *rho, double *out)
{ (void)B; (void)rho; (void)out; }
#endif
