/*
 * Loading the libOS and entering it (abi.h has the layout and the entry
 * state). The libOS is the first boot module, an ELF that the kernel does
 * not trust: the header is checked against the module's size before
 * anything is mapped, and each segment against the module and the user half
 * before it is mapped; a refusal ends the run (nothing of the image runs)
 * with a message and WK_EXIT_BAD_IMAGE.
 */
#include "libos.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/virtio_net.h"
#include "console.h"
#include "events.h"
#include "kmain.h"
#include "lib/string.h"
#include "lib/unaligned.h"
#include "mm/memmap.h"
#include "mm/page.h"
#include "mm/user_memory.h"
#include "screen.h"
#include "wicket/abi.h"

/* ELF64 (System V gABI and the x86-64 psABI): the fields read here. */
#define ELF_HEADER_BYTES     64
#define ELF_PROGRAM_HEADER_BYTES 56
#define ELF_CLASS_64         2
#define ELF_DATA_LSB         1
#define ELF_VERSION_CURRENT  1
#define ELF_TYPE_EXEC        2
#define ELF_MACHINE_X86_64   62
#define ELF_SEGMENT_LOAD     1
#define ELF_FLAG_X           1
#define ELF_FLAG_W           2
#define ELF_FLAG_R           4
#define ELF_PROGRAM_HEADERS_MAX 64

struct elf_segment {
	uint32_t type, flags;
	uint64_t offset, address, file_size, memory_size;
};

__attribute__((noreturn)) static void refuse(const char *reason)
{
	kprintf("wicket: bad libOS image: %s\n", reason);
	power_exit(WK_EXIT_BAD_IMAGE);
}

static struct elf_segment read_segment(const uint8_t *header)
{
	return (struct elf_segment){
		.type = load_le32(header),
		.flags = load_le32(header + 4),
		.offset = load_le64(header + 8),
		.address = load_le64(header + 16),
		.file_size = load_le64(header + 32),
		.memory_size = load_le64(header + 40),
	};
}

/* Maps the pages of [address, address + size) (one page when size is 0)
 * zeroed, copies the `count` bytes at `bytes` to `address`, then gives the
 * pages `prot`. Returns user_memory_map's status. */
static long map_filled(uint64_t address, uint64_t size, const void *bytes,
		       uint64_t count, unsigned prot)
{
	uint64_t start = page_round_down(address);
	uint64_t length = page_round_up(address + (size ? size : 1)) - start;
	long status = user_memory_map(start, length,
				      WK_PROT_READ | WK_PROT_WRITE);

	if (status == 0) {
		copy_to_user(user_pointer(address), bytes, count);
		user_memory_protect(start, length, prot);
	}
	return status;
}

static unsigned segment_prot(uint32_t flags)
{
	return ((flags & ELF_FLAG_R) ? WK_PROT_READ : 0) |
	       ((flags & ELF_FLAG_W) ? WK_PROT_WRITE : 0) |
	       ((flags & ELF_FLAG_X) ? WK_PROT_EXEC : 0);
}

/* Checks the header, then checks and maps each PT_LOAD; returns the entry
 * point. */
static uint64_t load_image(const uint8_t *image, uint64_t size)
{
	if (size < ELF_HEADER_BYTES || memcmp(image, "\177ELF", 4) != 0)
		refuse("not an ELF file (bad magic)");
	if (image[4] != ELF_CLASS_64 || image[5] != ELF_DATA_LSB ||
	    image[6] != ELF_VERSION_CURRENT)
		refuse("not a little-endian ELF64 file");
	if (load_le16(image + 18) != ELF_MACHINE_X86_64)
		refuse("not an x86-64 ELF (wrong machine)");
	if (load_le16(image + 16) != ELF_TYPE_EXEC)
		refuse("not an executable linked at a fixed address (ET_EXEC)");

	uint64_t entry = load_le64(image + 24);
	uint64_t headers = load_le64(image + 32);
	uint16_t header_size = load_le16(image + 54);
	uint16_t count = load_le16(image + 56);
	if (header_size != ELF_PROGRAM_HEADER_BYTES || count == 0 ||
	    count > ELF_PROGRAM_HEADERS_MAX)
		refuse("bad program header size or count");
	if (headers > size || (uint64_t)count * header_size > size - headers)
		refuse("program headers run past the end of the module");

	bool entry_executable = false, loadable = false;
	for (uint16_t i = 0; i < count; i++) {
		struct elf_segment s =
			read_segment(image + headers + (uint64_t)i * header_size);
		if (s.type != ELF_SEGMENT_LOAD || s.memory_size == 0)
			continue;
		loadable = true;
		if (s.file_size > s.memory_size)
			refuse("a segment's file size exceeds its memory size");
		if (s.offset > size || s.file_size > size - s.offset)
			refuse("a segment runs past the end of the module");
		if (s.address < WK_USER_MIN ||
		    !user_range_ok(s.address, s.memory_size))
			refuse("a segment lies outside the user half");
		if (s.address + s.memory_size > WK_INFO_ADDRESS)
			refuse("a segment reaches the kernel-placed area (info "
			       "page, modules, stack) at WK_INFO_ADDRESS");
		if ((s.flags & ELF_FLAG_W) && (s.flags & ELF_FLAG_X))
			refuse("a segment is both writable and executable");
		if ((s.flags & ELF_FLAG_X) && entry >= s.address &&
		    entry - s.address < s.memory_size)
			entry_executable = true;

		/* Checked: map it (the zeroed bss needs nothing more). */
		long status = map_filled(s.address, s.memory_size,
					 image + s.offset, s.file_size,
					 segment_prot(s.flags));
		if (status == -WK_EEXIST)
			refuse("two segments share a page");
		if (status != 0)
			refuse("out of memory for the segments");
	}
	if (!loadable)
		refuse("no loadable segment");
	if (!entry_executable)
		refuse("the entry point is not in an executable segment");
	return entry;
}

/* The counters page (abi.h): a page of the kernel image of its own, so
 * that the entry code counts with one RIP-relative increment; the user
 * half sees it read-only at WK_COUNTERS_ADDRESS. */
union counters_page {
	struct wk_counters counters;
	uint8_t page[WK_PAGE_SIZE];
};
__attribute__((aligned(WK_PAGE_SIZE))) union counters_page kernel_counters;

/* The info page holds all that boot_info holds, strings whole. */
_Static_assert(WK_INFO_MODULES_MAX >= BOOT_MODULES_MAX &&
	       WK_INFO_STRING_MAX == BOOT_MODULE_STRING_MAX &&
	       WK_INFO_CMDLINE_MAX == BOOT_CMDLINE_MAX,
	       "wk_info's tables and strings match boot_info's");

void libos_start(const struct boot_info *boot, uint64_t boot_tsc,
		 uint64_t tsc_hz, uint32_t tsc_source)
{
	static struct wk_info info;

	if (boot->module_count == 0) {
		kprintf("wicket: no libOS module was given; nothing to run\n");
		power_exit(WK_EXIT_SUCCESS);
	}
	const struct boot_module *libos = &boot->modules[0];
	const uint8_t *image = paging_map_physical(
		libos->start, libos->end > libos->start
				      ? libos->end - libos->start : 1);
	if (image == NULL)
		refuse("the module is not in addressable memory");
	uint64_t entry = load_image(image, libos->end - libos->start);

	info.magic = WK_INFO_MAGIC;
	info.abi_version = WK_ABI_VERSION;
	info.cpu_features = cpu_features.abi;
	info.devices = events_devices;
	memcpy(info.net_mac, virtio_net_mac, sizeof(info.net_mac));
	info.screen_columns = (uint16_t)screen_columns;
	info.screen_rows = (uint16_t)screen_rows;
	info.tsc_frequency_hz = tsc_hz;
	info.tsc_source = tsc_source;
	info.boot_tsc = boot_tsc;
	info.memory_bytes = page_usable_bytes(boot);
	info.stack_top = WK_STACK_TOP;
	info.stack_bottom = WK_STACK_TOP - WK_STACK_BYTES;
	info.xsave_components = cpu_xsave_components;
	info.rtc_unix_seconds = rtc_boot_seconds;
	info.rtc_tsc = rtc_boot_tsc;
	memcpy(info.cmdline, boot->cmdline, sizeof(info.cmdline));

	/* Module 0 is the libOS itself; the others are mapped read-only, one
	 * after the other with an unmapped page between them. */
	uint64_t next = WK_MODULES_ADDRESS;
	info.module_count = boot->module_count;
	for (uint32_t i = 0; i < boot->module_count; i++) {
		const struct boot_module *m = &boot->modules[i];
		struct wk_module *slot = &info.modules[i];
		slot->size = m->end - m->start;
		memcpy(slot->string, m->string, sizeof(slot->string));
		if (i == 0)
			continue;
		const void *bytes = paging_map_physical(m->start,
							slot->size ? slot->size : 1);
		if (bytes == NULL || map_filled(next, slot->size, bytes,
						slot->size, WK_PROT_READ))
			boot_fail("wicket: cannot map module %u (%lu bytes)\n",
				  i, slot->size);
		slot->address = next;
		next += page_round_up(slot->size ? slot->size : 1) +
			WK_PAGE_SIZE;
	}

	boot_stage_tsc[WK_BOOT_STAGE_COUNT - 1] = read_tsc();
	memcpy(info.boot_stage_tsc, boot_stage_tsc, sizeof(boot_stage_tsc));
	if (map_filled(WK_INFO_ADDRESS, sizeof(info), &info, sizeof(info),
		       WK_PROT_READ) ||
	    paging_user_map(WK_COUNTERS_ADDRESS,
			    (uint64_t)&kernel_counters - KERNEL_VMA,
			    WK_PROT_READ) ||
	    user_memory_map(info.stack_bottom, WK_STACK_BYTES,
			    WK_PROT_READ | WK_PROT_WRITE))
		boot_fail("wicket: out of memory for the libOS's info page and "
			  "stack\n");

	kinfo("wicket: entering the libOS at 0x%lx (tsc %lu Hz)\n", entry,
	      info.tsc_frequency_hz);
	struct trap_frame frame = {
		.rip = entry,
		.cs = GDT_USER_CODE64 | 3,
		.rflags = RFLAGS_IF,
		.rsp = WK_STACK_TOP,
		.ss = GDT_USER_DATA | 3,
		.rdi = WK_INFO_ADDRESS,
	};
	arch_enter_user(&frame);
}
