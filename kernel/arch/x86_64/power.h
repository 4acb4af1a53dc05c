/*
 * Ending the run. power_exit() prints "wicket: exit status N" (the line the
 * runner reads, docs/runner.md), then, as wicket.on_exit says:
 *   poweroff (the default)  QEMU's isa-debug-exit device (port 0xf4, only
 *                           when fw_cfg says this is QEMU), then ACPI S5;
 *   reboot                  the FADT's reset register, then the 8042's
 *                           reset line, then a triple fault;
 *   halt                    nothing;
 * and halts the CPU for good when nothing worked.
 */
#ifndef KERNEL_ARCH_X86_64_POWER_H
#define KERNEL_ARCH_X86_64_POWER_H

enum power_on_exit { POWER_OFF, POWER_REBOOT, POWER_HALT };

/* From the command line (wicket.on_exit); unknown words keep POWER_OFF. */
void power_set_on_exit(const char *word);

__attribute__((noreturn)) void power_exit(int status);

#endif /* KERNEL_ARCH_X86_64_POWER_H */
