/*
 * The kernel image. Loaded at physical KERNEL_PHYS_BASE (1 MiB) by both
 * GRUB and QEMU's PVH loader, which place segments at p_paddr.
 *
 * The boot segment (multiboot2 header, 32-bit code) runs at its physical
 * address; everything else runs at KERNEL_VMA + physical. Each segment
 * starts on a page so that paging.c can map text RX, rodata R and data/bss
 * RW, the last two NX; the link is --nmagic, so the file stores no padding
 * between them (GRUB and QEMU load by p_offset and p_paddr). The symbol
 * table (.ksyms, generated after a first link) follows rodata so that adding
 * it moves no code.
 *
 * This file goes through the C preprocessor (kernel/meson.build) so that
 * the addresses come from arch/x86_64/layout.h.
 */
#include "arch/x86_64/layout.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(boot_multiboot2_entry)

PHDRS
{
	boot   PT_LOAD FLAGS(5);  /* R X */
	text   PT_LOAD FLAGS(5);  /* R X */
	rodata PT_LOAD FLAGS(4);  /* R   */
	data   PT_LOAD FLAGS(6);  /* R W */
	bss    PT_LOAD FLAGS(6);  /* R W, no file bytes: its own segment, so
				     that its pages' alignment does not pad
				     the file before .data */
	note   PT_NOTE FLAGS(4);
}

SECTIONS
{
	. = KERNEL_PHYS_BASE;
	__kernel_phys_start = .;

	.boot : {
		KEEP(*(.boot.multiboot2))
		*(.boot.text)
		*(.boot.rodata)
	} :boot
	.note.Xen : { KEEP(*(.note.Xen)) } :boot :note

	. = ALIGN(4096) + KERNEL_VMA;

	.text : AT(ADDR(.text) - KERNEL_VMA) {
		__text_start = .;
		*(.text .text.*)
	} :text
	/* Page bounds for paging.c's W^X mapping; each segment starts on a
	 * page, but no padding is stored in the file (linked --nmagic). */
	__text_end = ALIGN(4096);

	/* The page start as an address, not as the section's alignment: a
	 * section aligned to 4096 would make the segment's p_align 4096 and
	 * pad the file to match. */
	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - KERNEL_VMA) {
		__rodata_start = .;
		*(.rodata .rodata.*)
	} :rodata
	/* The exception table, in link order until tools/extable_sort sorts
	 * it in the ELF and sets the mark in .extable_sorted. */
	.extable : AT(ADDR(.extable) - KERNEL_VMA) ALIGN(8) {
		__extable_start = .;
		KEEP(*(.extable))
		__extable_end = .;
	} :rodata
	.extable_sorted : AT(ADDR(.extable_sorted) - KERNEL_VMA) ALIGN(4) {
		KEEP(*(.extable_sorted))
	} :rodata
	.ksyms : AT(ADDR(.ksyms) - KERNEL_VMA) {
		KEEP(*(.ksyms))
	} :rodata
	__rodata_end = ALIGN(4096);

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - KERNEL_VMA) {
		__data_start = .;
		*(.data .data.*)
	} :data
	/* Linker-made sections that a non-PIC static kernel leaves empty. */
	.got : AT(ADDR(.got) - KERNEL_VMA) { *(.got .got.plt .igot.plt) } :data
	.iplt : AT(ADDR(.iplt) - KERNEL_VMA) { *(.iplt) } :data
	/* Ends on a page: paging.c maps the data segment up to __kernel_end. */
	.bss : AT(ADDR(.bss) - KERNEL_VMA) {
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(4096);
	} :bss
	ASSERT(SIZEOF(.got) == 0 && SIZEOF(.iplt) == 0,
	       "the kernel must not need a GOT or PLT: build it -fno-pic")

	__kernel_end = .;
	__kernel_phys_end = . - KERNEL_VMA;

	/* Not loaded: kept for gdb. (ld writes .symtab, .strtab and
	 * .shstrtab, which the symbol generator reads, by itself.) */
	.comment 0 : { *(.comment) }
	.debug_info 0 : { *(.debug_info) }
	.debug_abbrev 0 : { *(.debug_abbrev) }
	.debug_line 0 : { *(.debug_line) }
	.debug_line_str 0 : { *(.debug_line_str) }
	.debug_str 0 : { *(.debug_str) }
	.debug_aranges 0 : { *(.debug_aranges) }
	.debug_rnglists 0 : { *(.debug_rnglists) }
	.debug_loclists 0 : { *(.debug_loclists) }
	.debug_frame 0 : { *(.debug_frame) }

	/DISCARD/ : {
		*(.note.gnu.*)
		*(.note.GNU-stack)
		*(.eh_frame .eh_frame_hdr)
		*(.rela.*)
	}
}
