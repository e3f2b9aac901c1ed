! A Fortran host calling the crplugin closures through the module crplugin
! (iso_c_binding interfaces): no Python.
!
! Build (see docs/linking.md):
!     INC=$(python -c "import crplugin; print(crplugin.get_c_include())")
!     cc -O2 -c -I"$INC" "$INC/crplugin/crplugin_symbols.c"     # the closures, external symbols
!     gfortran -O2 -c "$INC/crplugin/crplugin.f90"               # module crplugin
!     gfortran -O2 examples/fortran_host.f90 crplugin.o crplugin_symbols.o -o fortran_host
!
! The gas is the hot halo of Zweibel (2021), section 6.  The host keeps its
! cells in Fortran arrays and calls the closures in its own loops (they are
! pure, so `do concurrent` is allowed); arrays go to the closures that take
! them (the QLT integral) as plain assumed-size arguments.
!
! Every value is printed as "crp_<name> <args> <value>" with 17 significant
! digits, so that a test can recompute it with crplugin.closures.
program fortran_host
  use, intrinsic :: iso_c_binding, only: c_double, c_ptrdiff_t
  use crplugin, only: crp_gas_density, crp_alfven_speed, crp_flux_tube_expansion_time, &
                      crp_pa_heating, crp_streaming_heating, crp_kappa_par_qlt_sampled, &
                      crp_diffusion_tensor_components, crp_pc, crp_c_light
  implicit none

  integer, parameter :: dp = c_double, ncell = 8, nmu = 21
  character(len=*), parameter :: fmt = '(a,*(1x,es25.17e3))'
  real(dp), parameter :: P_g = 3.2e-13_dp, T = 1.1e6_dp, mu_mol = 0.61_dp, B = 1.0e-6_dp
  real(dp), parameter :: P_m = 3.97e-14_dp, dPc_dt = 1.67e-25_dp, P_c = 8.2e-14_dp
  real(dp), parameter :: gamma_g = 5.0_dp / 3.0_dp, gamma_c = 4.0_dp / 3.0_dp, gamma_m = 2.0_dp
  real(dp) :: rho, v_A, tau_B, H_pa, dx, nu, v, kappa
  real(dp) :: Pc(0:ncell + 1), grad(ncell), H_st(ncell), mu(nmu), D_mumu(nmu), D(9)
  integer :: i

  rho = crp_gas_density(P_g, T, mu_mol)
  write (*, fmt) 'crp_gas_density', P_g, T, mu_mol, rho
  v_A = crp_alfven_speed(B, rho)
  write (*, fmt) 'crp_alfven_speed', B, rho, v_A

  ! Zweibel (2021) eq 3 with P_c = 0 in the inertia, as the paper evaluates it
  tau_B = crp_flux_tube_expansion_time(P_g, 0.0_dp, P_m, dPc_dt, gamma_g, gamma_c, gamma_m)
  write (*, fmt) 'crp_flux_tube_expansion_time', P_g, 0.0_dp, P_m, dPc_dt, &
                 gamma_g, gamma_c, gamma_m, tau_B
  H_pa = crp_pa_heating(v_A, P_c, 1.0_dp / tau_B)
  write (*, fmt) 'crp_pa_heating', v_A, P_c, 1.0_dp / tau_B, H_pa

  ! a column of cells: the host differentiates P_c, the closure heats
  dx = 0.1e3_dp * crp_pc
  do i = 0, ncell + 1
    Pc(i) = P_c * exp(-real(i - 1, dp) * dx / (1.0e3_dp * crp_pc))
  end do
  do concurrent (i = 1:ncell)
    grad(i) = (Pc(i + 1) - Pc(i - 1)) / (2.0_dp * dx)
    H_st(i) = crp_streaming_heating(v_A, grad(i))
  end do
  do i = 1, ncell
    write (*, fmt) 'crp_streaming_heating', v_A, grad(i), H_st(i)
  end do

  ! QLT: kappa_par from D_mumu = nu (1 - mu^2) / 2 sampled on nmu points;
  ! the review's exact result is v^2 / (3 nu)
  nu = 1.0e-9_dp
  v = crp_c_light
  do i = 1, nmu
    mu(i) = -1.0_dp + 2.0_dp * real(i - 1, dp) / real(nmu - 1, dp)
    D_mumu(i) = 0.5_dp * nu * (1.0_dp - mu(i)**2)
  end do
  kappa = crp_kappa_par_qlt_sampled(mu, D_mumu, int(nmu, c_ptrdiff_t), v)
  write (*, '(a,1x,i0,*(1x,es25.17e3))') 'crp_kappa_par_qlt_sampled', nmu, nu, v, kappa

  ! the diffusion tensor of a field along (1, 2, 2)/3, row-major D(1:9)
  call crp_diffusion_tensor_components(1.0_dp, 2.0_dp, 2.0_dp, 3.0e28_dp, 3.0e26_dp, 1.0e27_dp, D)
  write (*, fmt) 'crp_diffusion_tensor_components', 1.0_dp, 2.0_dp, 2.0_dp, &
                 3.0e28_dp, 3.0e26_dp, 1.0e27_dp, D

  write (*, '(a,1x,es10.3)') 'v_A/c', v_A / crp_c_light   ! paper: 2e-4
  write (*, '(a,1x,es10.3)') 'tau_B', tau_B               ! paper: 3.67e12 s
  write (*, '(a,1x,es10.3)') 'H_pa', H_pa                 ! paper: 1.2e-30 (eq 48, P_c = 0 in tau_B)
end program fortran_host
