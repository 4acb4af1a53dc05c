/*
 * Faults forced from the command line (`wicket.test=NAME`) so that the boot
 * tests can check the panic reports and the exit paths:
 *   ud2             an invalid opcode in selftest_invalid_opcode
 *   panic           panic() from selftest_panic
 *   write-text      a write to the kernel's own text (W^X)
 *   execute-data    a call into the kernel's data (NX)
 *   uaccess         copy_from_user, copy_to_user and strncpy_from_user on
 *                   good, straddling, unmapped, kernel-half, non-canonical
 *                   and wrapping user ranges (prints a verdict, goes on)
 *   smap-read-user  a kernel read of a user page without STAC (SMAP);
 *                   without SMAP it says so and goes on
 *   smep-execute-user  a kernel call into a user page (SMEP); likewise
 *   stack-overflow  unbounded recursion into the main stack's guard page
 *   exit:N          exit with status N (0..255)
 * An unknown name is reported and ignored.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

void selftest_run(const char *name);

/* Kernel-side benchmarks (`wicket.bench=NAME`), printed as
 * "wicket: bench: ..." lines:
 *   usercopy   copy_from_user of 4 KiB from a user page through the
 *              exception-table path, 1,000 times: median and minimum
 *              TSC cycles
 */
void selftest_bench(const char *name);

#endif /* KERNEL_SELFTEST_H */
