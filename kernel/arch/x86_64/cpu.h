/*
 * Single privileged instructions as static inline functions. Nothing else
 * in the kernel writes inline assembly for these.
 */
#ifndef KERNEL_ARCH_X86_64_CPU_H
#define KERNEL_ARCH_X86_64_CPU_H

#include <stdint.h>

#define CR0_MP        (1ull << 1)
#define CR0_EM        (1ull << 2)
#define CR0_TS        (1ull << 3)
#define CR0_NE        (1ull << 5)
#define CR0_WP        (1ull << 16)
#define CR0_AM        (1ull << 18)
#define CR4_OSFXSR    (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_UMIP      (1ull << 11)
#define CR4_FSGSBASE  (1ull << 16)
#define CR4_SMEP      (1ull << 20)
#define CR4_OSXSAVE   (1ull << 18)
#define CR4_SMAP      (1ull << 21)

#define MSR_PAT       0x277u
/* The power-on PAT (WB, WT, UC-, UC, twice) with entry 1, selected by PWT
 * alone, made write-combining: the framebuffer's memory type. */
#define PAT_ENTRY1_WC 0x0007040600070106ull

#define MSR_EFER      0xc0000080u
#define EFER_SCE      (1ull << 0)
#define EFER_NXE      (1ull << 11)

#define RFLAGS_IF     (1ull << 9)

/* Port I/O: outb, outw, outl and inb, inw, inl (as Linux's BUILDIO). */
#define PORT_IO(suffix, type)                                              \
	static inline void out##suffix(uint16_t port, type value)          \
	{                                                                  \
		__asm__ volatile("out" #suffix " %0, %1"                   \
				 : : "a"(value), "Nd"(port));              \
	}                                                                  \
	static inline type in##suffix(uint16_t port)                       \
	{                                                                  \
		type value;                                                \
		__asm__ volatile("in" #suffix " %1, %0"                    \
				 : "=a"(value) : "Nd"(port));              \
		return value;                                              \
	}
PORT_IO(b, uint8_t)
PORT_IO(w, uint16_t)
PORT_IO(l, uint32_t)

struct cpuid_result {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_result cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_result r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t low, high;

	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((uint64_t)high << 32) | low;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)value),
			     "d"((uint32_t)(value >> 32)));
}

/* read_cr0, read_cr2, read_cr3, read_cr4; write_cr0, write_cr3,
 * write_cr4. */
#define CONTROL_REGISTER_READ(n)                                           \
	static inline uint64_t read_cr##n(void)                            \
	{                                                                  \
		uint64_t value;                                            \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(value));      \
		return value;                                              \
	}
#define CONTROL_REGISTER_WRITE(n)                                          \
	static inline void write_cr##n(uint64_t value)                     \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(value)          \
				 : "memory");                              \
	}
CONTROL_REGISTER_READ(0)
CONTROL_REGISTER_READ(2)
CONTROL_REGISTER_READ(3)
CONTROL_REGISTER_READ(4)
CONTROL_REGISTER_WRITE(0)
CONTROL_REGISTER_WRITE(3)
CONTROL_REGISTER_WRITE(4)

static inline uint64_t read_tsc(void)
{
	uint32_t low, high;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}

/* Sets extended control register `index` (XCR0: the XSAVE components). */
static inline void write_xcr(uint32_t index, uint64_t value)
{
	__asm__ volatile("xsetbv"
			 : : "c"(index), "a"((uint32_t)value),
			     "d"((uint32_t)(value >> 32)));
}

/* A 10-byte descriptor-table pointer for LGDT and LIDT (and SIDT). */
struct __attribute__((packed)) descriptor_pointer {
	uint16_t limit;
	uint64_t base;
};

/* LGDT and LIDT: `limit` is the table's size in bytes minus one. */
static inline void load_gdt(const void *base, uint16_t limit)
{
	struct descriptor_pointer pointer = { limit, (uint64_t)base };

	__asm__ volatile("lgdt %0" : : "m"(pointer) : "memory");
}

static inline void load_idt(const void *base, uint16_t limit)
{
	struct descriptor_pointer pointer = { limit, (uint64_t)base };

	__asm__ volatile("lidt %0" : : "m"(pointer) : "memory");
}

static inline void load_task_register(uint16_t selector)
{
	__asm__ volatile("ltr %0" : : "r"(selector));
}

/* Reloads CS through a far return and the data segment registers; FS and
 * GS get the null selector (their bases are MSRs in long mode). */
static inline void load_segments(uint16_t code, uint16_t data)
{
	__asm__ volatile("pushq %q0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w1, %%ds\n\t"
			 "movw %w1, %%es\n\t"
			 "movw %w1, %%ss\n\t"
			 "movw %w2, %%fs\n\t"
			 "movw %w2, %%gs"
			 : : "r"((uint64_t)code), "r"(data), "r"(0)
			 : "rax", "memory");
}

static inline void interrupts_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void invalidate_page(uint64_t address)
{
	__asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

/* Stops this CPU for good: interrupts off, HLT in a loop (an NMI would
 * leave HLT, hence the loop). */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

#endif /* KERNEL_ARCH_X86_64_CPU_H */
