/* A C host calling the crplugin closures, header only: no Python, no library.
 *
 * Build (C99 or later; -lm for the math library):
 *     INC=$(python -c "import crplugin; print(crplugin.get_c_include())")
 *     cc -O2 -I"$INC" examples/c_host.c -o c_host -lm
 *
 * The program is the hot halo gas of Zweibel (2021), section 6
 * (P_g = 3.2e-13 dyn cm^-2, T = 1.1e6 K, fully ionised H+He with mu = 0.61,
 * B = 1 microgauss, CR injection dP_c/dt = 1.67e-25 erg cm^-3 s^-1), written
 * the way a hydro code would use the closures: a column of cells with a CR
 * pressure profile, the gradient taken by the host, and the closures called
 * inside the host's own loop, where the compiler inlines them.
 *
 * Every closure value is printed as one line
 *     crp_<name> <arg 1> ... <arg n> <value>
 * (%.17g, so that a test can recompute it with crplugin.closures.<name>),
 * followed by the paper's headline numbers.
 */
#include <stdio.h>

#include <crplugin.h>

#define NCELL 8

static double report2(const char *name, double a, double b, double value)
{
    printf("%s %.17g %.17g %.17g\n", name, a, b, value);
    return value;
}

static double report3(const char *name, double a, double b, double c, double value)
{
    printf("%s %.17g %.17g %.17g %.17g\n", name, a, b, c, value);
    return value;
}

int main(void)
{
    const double P_g = 3.2e-13, T = 1.1e6, mu = 0.61;  /* Zweibel (2021) section 6 */
    const double B = 1.0e-6, P_m = B * B / (8.0 * CRP_PI);
    const double dPc_dt = 1.67e-25, P_c = 8.2e-14;
    const double gamma_g = 5.0 / 3.0, gamma_c = 4.0 / 3.0, gamma_m = 2.0;

    double rho = report3("crp_gas_density", P_g, T, mu, crp_gas_density(P_g, T, mu));
    double v_A = report2("crp_alfven_speed", B, rho, crp_alfven_speed(B, rho));

    /* eq 3 with P_c = 0 in the inertia, as the paper evaluates it */
    double tau_B = crp_flux_tube_expansion_time(P_g, 0.0, P_m, dPc_dt, gamma_g, gamma_c, gamma_m);
    printf("crp_flux_tube_expansion_time %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
           P_g, 0.0, P_m, dPc_dt, gamma_g, gamma_c, gamma_m, tau_B);
    double H_pa = report3("crp_pa_heating", v_A, P_c, 1.0 / tau_B,
                          crp_pa_heating(v_A, P_c, 1.0 / tau_B));

    /* A column of cells: P_c falls off over 1 kpc, the host differentiates it and
     * the closure turns the gradient into streaming heating, cell by cell. */
    const double dx = 0.1 * 1e3 * CRP_PC;
    double Pc[NCELL + 2];
    for (int i = 0; i < NCELL + 2; i++)
        Pc[i] = P_c * exp(-(i - 1) * dx / (1e3 * CRP_PC));
    for (int i = 1; i <= NCELL; i++) {
        double grad = (Pc[i + 1] - Pc[i - 1]) / (2.0 * dx);
        report2("crp_streaming_heating", v_A, grad, crp_streaming_heating(v_A, grad));
    }

    printf("v_A/c %.3g\n", v_A / CRP_C_LIGHT);   /* paper: 2e-4 */
    printf("tau_B %.3g\n", tau_B);               /* paper: 3.67e12 s */
    printf("H_pa %.3g\n", H_pa);                 /* paper: 1.2e-30 (eq 48, P_c = 0 in tau_B) */
    return 0;
}
