/*
 * Kernel panics: a report on the console (message or exception, registers,
 * a symbolised backtrace), then the "kernel panic" exit status
 * (WK_EXIT_KERNEL_PANIC). A panic during a panic stops at once.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>
#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/* Prints " <name+0xoffset>" for a kernel text address, or nothing.
 * `return_address`: the address follows a call (see panic.c). */
void panic_print_symbol(uint64_t address, bool return_address);

/* Prints the frame-pointer chain starting at `rip` (a faulting instruction,
 * or a return address) with frame `rbp`; stops at the first frame pointer
 * outside a known kernel stack. */
void panic_print_backtrace(uint64_t rip, bool rip_is_return_address,
			   uint64_t rbp);

/* Marks the start of a panic report; a second panic while one is being
 * reported stops the machine at once. */
void panic_begin(void);

#endif /* KERNEL_PANIC_H */
