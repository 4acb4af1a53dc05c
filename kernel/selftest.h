/*
 * Faults forced from the command line (`wicket.test=NAME`) so that the boot
 * tests can check the panic reports and the exit paths:
 *   ud2             an invalid opcode in selftest_invalid_opcode
 *   panic           panic() from selftest_panic
 *   write-text      a write to the kernel's own text (W^X)
 *   execute-data    a call into the kernel's data (NX)
 *   stack-overflow  unbounded recursion into the main stack's guard page
 *   exit:N          exit with status N (0..255)
 * An unknown name is reported and ignored.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

void selftest_run(const char *name);

#endif /* KERNEL_SELFTEST_H */
