/*
 * Ending the run. power_exit() prints "wicket: exit status N" (the line the
 * runner reads, docs/runner.md), then tries in order: QEMU's
 * isa-debug-exit device (port 0xf4, only when fw_cfg says this is QEMU),
 * ACPI S5 power-off, and finally halts the CPU for good.
 */
#ifndef KERNEL_ARCH_X86_64_POWER_H
#define KERNEL_ARCH_X86_64_POWER_H

__attribute__((noreturn)) void power_exit(int status);

#endif /* KERNEL_ARCH_X86_64_POWER_H */
