! The Fortran side of benchmarks/c_closures.py: crp_pa_heating through the module
! crplugin (a bind(C) call per cell into crplugin_symbols.o) against the same
! formula written in Fortran.  Same cells, repeats and CPU timing as inline_vs_hand.c.
program fortran_loop
  use, intrinsic :: iso_c_binding, only: c_double
  use crplugin, only: crp_pa_heating
  implicit none
  integer, parameter :: dp = c_double, n = 4096, trials = 5
  real(dp) :: v_A(n), P_c(n), rate(n), out(n), u(n), t0, t1, best
  character(len=32) :: arg
  integer(8) :: calls, repeat, r
  integer :: i, t, variant

  calls = 10000000_8
  if (command_argument_count() > 0) then
    call get_command_argument(1, arg)
    read (arg, *) calls
  end if
  repeat = max(calls / n, 1_8)
  call random_seed()
  call random_number(u)
  v_A = 6.1e6_dp * (0.5_dp + u)
  P_c = 8.2e-14_dp * (1.5_dp - u)
  rate = 2.7e-13_dp * (u - 0.3_dp)

  do variant = 1, 2
    best = huge(1.0_dp)
    do t = 1, trials
      call cpu_time(t0)
      do r = 1, repeat
        if (variant == 1) then
          do i = 1, n
            out(i) = (4.0_dp / 15.0_dp) * abs(v_A(i)) / 2.99792458e10_dp * abs(rate(i)) * P_c(i)
          end do
        else
          do i = 1, n
            out(i) = crp_pa_heating(v_A(i), P_c(i), rate(i))
          end do
        end if
        call keep(out)   ! an opaque call: the repeats cannot be folded
      end do
      call cpu_time(t1)
      best = min(best, t1 - t0)
    end do
    write (*, '(a,1x,a,1x,f0.4,1x,es25.17e3)') 'pa_heating', &
      trim(merge('fortran_hand  ', 'fortran_module', variant == 1)), &
      1.0e9_dp * best / (real(n, dp) * real(repeat, dp)), sum(out)
  end do

contains

  subroutine keep(x)
    real(dp), intent(inout) :: x(:)
    if (x(1) /= x(1)) x(1) = 0.0_dp   ! never true for these inputs
  end subroutine keep

end program fortran_loop
