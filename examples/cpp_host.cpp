// A C++ host calling the crplugin closures, header only: no Python, no library.
//
// Build (C++11 or later):
//     INC=$(python -c "import crplugin; print(crplugin.get_c_include())")
//     c++ -O2 -I"$INC" examples/cpp_host.cpp -o cpp_host
//
// The closures are plain functions, so they go wherever a host keeps its
// physics: here into a std::transform over a block of cells, the shape of an
// Athena++ or Parthenon source-term loop.  The gas is Zweibel's (2021)
// section 6 halo gas with a range of field strengths and flux-tube expansion
// rates; the output lines "crp_<name> <args> <value>" are checked against
// crplugin.closures by the tests.
#include <algorithm>
#include <cstdio>
#include <vector>

#include <crplugin.h>

int main()
{
    const double rho = crp_gas_density(3.2e-13, 1.1e6, 0.61);
    const double P_c = 8.2e-14;

    std::vector<double> B, dlnB_dt;
    for (int i = 0; i < 6; ++i) {
        B.push_back(0.5e-6 * (i + 1));          // 0.5 ... 3 microgauss
        dlnB_dt.push_back(-2.7e-13 * (i - 2));  // compression and expansion [s^-1]
    }

    std::vector<double> H(B.size());
    std::transform(B.begin(), B.end(), dlnB_dt.begin(), H.begin(),
                   [&](double b, double rate) {
                       return crp_pa_heating(crp_alfven_speed(b, rho), P_c, rate);
                   });

    for (std::size_t i = 0; i < B.size(); ++i) {
        const double v_A = crp_alfven_speed(B[i], rho);
        std::printf("crp_alfven_speed %.17g %.17g %.17g\n", B[i], rho, v_A);
        std::printf("crp_pa_heating %.17g %.17g %.17g %.17g\n", v_A, P_c, dlnB_dt[i], H[i]);
    }
    return 0;
}
