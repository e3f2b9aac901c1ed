/* The closures as external functions (crplugin_symbols.o): a real call per cell,
 * the cost a Fortran host pays through the module's bind(C) interfaces. */
#include "variants.h"

#define N 4096

double crp_pa_heating(double v_A, double P_c, double dlnB_dt);
double crp_alfven_speed(double B, double rho_ion);

void pa_heating_extern(const double *v_A, const double *P_c, const double *rate, double *out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_pa_heating(v_A[i], P_c[i], rate[i]);
}

void alfven_speed_extern(const double *B, const double *rho, double *out)
{
    for (int i = 0; i < N; i++)
        out[i] = crp_alfven_speed(B[i], rho[i]);
}
