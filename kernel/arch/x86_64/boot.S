/*
 * The two ways into the kernel, and the climb to 64-bit long mode.
 *
 * multiboot2 (GRUB, BIOS and UEFI): the loader has put the segments at their
 * physical addresses (p_paddr) and jumps to the ELF entry,
 * boot_multiboot2_entry, in 32-bit protected mode: paging off, CS a flat
 * 32-bit code segment, DS/ES/SS flat, interrupts off, EAX = 0x36d76289,
 * EBX = physical address of the multiboot2 information, no usable stack,
 * A20 on. Under UEFI, GRUB has left firmware bits in CR0, CR4 and EFER
 * (e.g. EFER.NXE): set and clear bits, never assume zero.
 *
 * PVH (QEMU -kernel, Firecracker-class VMMs): found through the Xen
 * PHYS32_ENTRY note below; the VMM enters boot_pvh_entry in the same 32-bit
 * flat protected mode with paging off and EBX = physical address of the
 * hvm_start_info.
 *
 * Both then run boot_start32, which:
 *   1. saves the protocol and the info address for kmain,
 *   2. checks that the CPU has long mode (else prints why on COM1 and halts),
 *   3. builds the early page tables: the first 4 GiB mapped with 2 MiB pages
 *      at identity and at DIRECT_MAP_BASE, the first 1 GiB at KERNEL_VMA,
 *   4. enables PAE, loads CR3, sets EFER.LME, enables paging (and CR0.WP),
 *   5. far-jumps into 64-bit code, which jumps to the higher half, takes the
 *      boot stack and calls kmain(protocol, info_address).
 * kmain replaces these tables with its own (paging.c) soon after.
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/page_table.h"
#include "arch/x86_64/serial.h"

#define PHYS(symbol) ((symbol) - KERNEL_VMA)

#define MULTIBOOT2_HEADER_MAGIC 0xe85250d6
#define MULTIBOOT2_ARCH_I386    0
#define CR0_PG       0x80000000
#define CR0_WP       0x00010000
#define CR0_PE       0x00000001
#define CR4_PAE      0x20
#define MSR_EFER     0xc0000080
#define EFER_LME     0x100
#define EARLY_PAGE_TABLE_PAGES 7 /* PML4, two PDPTs, four PDs */

/* ---- multiboot2 header: 8-byte aligned, in the first 32 KiB of the file */
	.section .boot.multiboot2, "a"
	.balign 8
multiboot2_header:
	.long MULTIBOOT2_HEADER_MAGIC
	.long MULTIBOOT2_ARCH_I386
	.long multiboot2_header_end - multiboot2_header
	.long 0x100000000 - (MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_ARCH_I386 + \
		(multiboot2_header_end - multiboot2_header))

	/* Information request (optional: a loader that lacks a tag still boots
	 * us): command line 1, modules 3, memory map 6, framebuffer 8,
	 * ACPI 1.0 RSDP 14, ACPI 2.0 RSDP 15. */
	.balign 8
multiboot2_info_request:
	.word 1, 1
	.long multiboot2_info_request_end - multiboot2_info_request
	.long 1, 3, 6, 8, 14, 15
multiboot2_info_request_end:

	/* Page-align modules: #3 maps them into the user half. */
	.balign 8
	.word 6, 0
	.long 8

	/* Framebuffer, optional, any size: a linear framebuffer if the loader
	 * sets one up (grub.cfg's gfxpayload: the GOP mode under UEFI, text
	 * on BIOS). */
	.balign 8
	.word 5, 1
	.long 20
	.long 0, 0, 0

	.balign 8
	.word 0, 0
	.long 8
multiboot2_header_end:

/* ---- PVH: the Xen PHYS32_ENTRY note. QEMU reads 8 bytes of descriptor. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4                 /* name size, "Xen\0" */
	.long 8                 /* descriptor size */
	.long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.long boot_pvh_entry
	.long 0

/* ---- 32-bit code, running at its physical address */
	.section .boot.text, "ax"
	.code32

	.globl boot_multiboot2_entry
boot_multiboot2_entry:
	cli
	movl $boot_message_not_multiboot2, %esi
	cmpl $0x36d76289, %eax
	jne boot_fail32
	movl $BOOT_ENTRY_MULTIBOOT2, %eax
	jmp boot_start32

	.globl boot_pvh_entry
boot_pvh_entry:
	movl $BOOT_ENTRY_PVH, %eax
	/* fall through */

/* EAX = the protocol (BOOT_ENTRY_*), EBX = the info address. */
boot_start32:
	cli
	cld
	/* 1. For kmain. */
	movl %eax, PHYS(boot_protocol)
	movl %ebx, PHYS(boot_info_address)
	movl $PHYS(boot_stack_top), %esp

	/* 2. Long mode: CPUID 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb boot_no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc boot_no_long_mode

	/* 3. Early page tables (in .bss, which the loader zeroed; zeroed again
	 * here because the tables must start empty whatever the loader did). */
	movl $PHYS(early_page_tables), %edi
	movl $(EARLY_PAGE_TABLE_PAGES * 4096 / 4), %ecx
	xorl %eax, %eax
	rep stosl

	/* PML4[0] and PML4[256] -> the low PDPT; PML4[511] -> the high PDPT. */
	movl $(PHYS(early_pdpt_low) + PTE_PRESENT + PTE_WRITABLE), %eax
	movl %eax, PHYS(early_pml4)
	movl %eax, PHYS(early_pml4) + 256 * 8
	movl $(PHYS(early_pdpt_high) + PTE_PRESENT + PTE_WRITABLE), %eax
	movl %eax, PHYS(early_pml4) + 511 * 8

	/* Low PDPT[0..3] -> the four page directories (4 GiB); high PDPT[510]
	 * (KERNEL_VMA) -> the first of them (1 GiB). */
	movl $(PHYS(early_pd) + PTE_PRESENT + PTE_WRITABLE), %eax
	movl $PHYS(early_pdpt_low), %edi
	movl %eax, PHYS(early_pdpt_high) + 510 * 8
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b

	/* 2048 directory entries of 2 MiB pages: entry i maps i << 21. The high
	 * dword of entry i is i >> 11 (0 for the first 4 GiB). */
	movl $PHYS(early_pd), %edi
	movl $(PTE_PRESENT + PTE_WRITABLE + PTE_HUGE), %eax
	movl $2048, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	/* 4. CR4 = PAE alone (clearing whatever the firmware left, LA57
	 * included), CR3, EFER.LME, then paging with write protection. */
	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(early_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG + CR0_WP + CR0_PE), %eax
	movl %eax, %cr0

	/* 5. Into 64-bit mode through the boot GDT. */
	lgdt boot_gdt_pointer
	ljmp $GDT_KERNEL_CODE, $boot_start64

boot_no_long_mode:
	movl $boot_message_no_long_mode, %esi
	/* fall through */

/* Prints the NUL-terminated string at ESI on COM1, then halts for good. */
boot_fail32:
	movw $(SERIAL_COM1 + 5), %dx
3:	inb %dx, %al
	testb $0x20, %al
	jz 3b
	movb (%esi), %al
	testb %al, %al
	jz 4f
	movw $SERIAL_COM1, %dx
	outb %al, %dx
	incl %esi
	jmp boot_fail32
4:	cli
	hlt
	jmp 4b

	.code64
boot_start64:
	movl $GDT_KERNEL_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_higher_half, %rax
	jmp *%rax

	.section .boot.rodata, "a"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9b000000ffff        /* 0x08: 64-bit code, accessed */
	.quad 0x00cf93000000ffff        /* 0x10: data, accessed */
boot_gdt_end:
boot_gdt_pointer:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

boot_message_not_multiboot2:
	.asciz "wicket: entered at the multiboot2 entry without the multiboot2 magic; halting\r\n"
boot_message_no_long_mode:
	.asciz "wicket: this CPU has no 64-bit long mode; halting\r\n"

/* ---- the higher half */
	.text
boot_higher_half:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl boot_protocol(%rip), %edi
	movl boot_info_address(%rip), %esi
	call kmain
5:	cli
	hlt
	jmp 5b

	.bss
	.balign 4096
early_page_tables:
early_pml4:      .skip 4096
early_pdpt_low:  .skip 4096
early_pdpt_high: .skip 4096
early_pd:        .skip 4 * 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_BYTES
boot_stack_top:
boot_protocol:     .long 0
boot_info_address: .long 0

	.section .note.GNU-stack, "", @progbits
