/*
 * struct boot_info: everything the kernel keeps from the boot protocol.
 *
 * Each boot protocol has one parser (multiboot2.c, pvh.c) that fills this
 * structure by copying; after parsing, nothing in the kernel reads the
 * loader's structures again or knows which protocol booted it. The parsers
 * are pure functions over bytes so that the host tests can feed them
 * truncated and malformed input.
 */
#ifndef KERNEL_BOOT_BOOT_INFO_H
#define KERNEL_BOOT_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_CMDLINE_MAX        1024
#define BOOT_MEMORY_REGIONS_MAX 128
#define BOOT_MODULES_MAX        16
#define BOOT_MODULE_STRING_MAX  512
#define BOOT_RESERVED_MAX       8
#define BOOT_RSDP_MAX           36 /* an ACPI 2.0+ RSDP */
#define BOOT_RSDP_V1_BYTES      20 /* an ACPI 1.0 RSDP */

/* Memory region types, numbered as in the E820 map (multiboot2 and PVH use
 * the same numbers). Anything else is treated as reserved. */
enum boot_memory_type {
	BOOT_MEMORY_USABLE = 1,
	BOOT_MEMORY_RESERVED = 2,
	BOOT_MEMORY_ACPI_RECLAIMABLE = 3,
	BOOT_MEMORY_ACPI_NVS = 4,
	BOOT_MEMORY_BAD = 5,
};

struct boot_memory_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_memory_type, or the loader's raw value */
};

/* A module: [start, end) in physical memory and the string the loader gave
 * with it (GRUB's `module2 FILE STRING...`, PVH's per-module cmdline). */
struct boot_module {
	uint64_t start;
	uint64_t end;
	char string[BOOT_MODULE_STRING_MAX];
};

enum boot_framebuffer_type {
	BOOT_FRAMEBUFFER_INDEXED = 0,
	BOOT_FRAMEBUFFER_RGB = 1,
	BOOT_FRAMEBUFFER_EGA_TEXT = 2,
};

struct boot_framebuffer {
	uint64_t address;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type; /* enum boot_framebuffer_type */
	/* RGB: red's, green's and blue's lowest bit in a pixel and width in
	 * bits, as multiboot2 orders them; where the loader does not say,
	 * the usual layout (blue in the lowest byte, then green, then red). */
	uint8_t colour_fields[6];
};

/* A physical range the loader's own structures occupy; kept away from the
 * page allocator. */
struct boot_range {
	uint64_t start;
	uint64_t end;
};

struct boot_info {
	char cmdline[BOOT_CMDLINE_MAX];

	uint32_t memory_region_count;
	struct boot_memory_region memory_regions[BOOT_MEMORY_REGIONS_MAX];

	uint32_t module_count;
	struct boot_module modules[BOOT_MODULES_MAX];

	bool has_framebuffer;
	struct boot_framebuffer framebuffer;

	/* A copy of the RSDP (multiboot2 hands a copy, PVH an address). */
	uint32_t rsdp_length;
	uint8_t rsdp[BOOT_RSDP_MAX];

	uint32_t reserved_count;
	struct boot_range reserved[BOOT_RESERVED_MAX];

	/* What did not fit or did not parse: set, never fatal by itself. */
	bool truncated;

	/* Why a parse failed, where the status alone does not say; or NULL. */
	const char *problem;
};

/*
 * Reads `length` bytes of physical memory at `address`: returns a pointer to
 * them, or NULL when the range is not readable (the kernel maps only the low
 * 4 GiB during parsing; the host tests use a fake memory).
 */
typedef const void *(*boot_phys_reader)(uint64_t address, size_t length);

/* Status codes of the parsers. */
enum boot_parse_status {
	BOOT_PARSE_OK = 0,
	BOOT_PARSE_BAD_MAGIC = -1,   /* not this protocol's structure */
	BOOT_PARSE_MALFORMED = -2,   /* a length or pointer out of bounds */
	BOOT_PARSE_UNREADABLE = -3,  /* the reader refused a range */
};

/*
 * Parses a multiboot2 information structure (MBI) of `available` readable
 * bytes at `mbi`, which the loader placed at physical `mbi_address`.
 * Returns BOOT_PARSE_OK and fills `info`, or an error with `info` holding
 * what was parsed before the error. A tag whose size runs past the MBI or
 * past `available` is malformed; unknown tags are skipped.
 */
int multiboot2_parse(const void *mbi, size_t available, uint64_t mbi_address,
		     struct boot_info *info);

/* Parses a PVH `hvm_start_info` at physical `start_info_address`, reading
 * the module list, strings and memory map through `read`. */
int pvh_parse(uint64_t start_info_address, boot_phys_reader read,
	      struct boot_info *info);

/*
 * Shared by the parsers (boot_info.c); each table that is full sets
 * info->truncated instead of growing. boot_reserve records [start, end) as
 * the loader's. boot_add_module returns the new module, or NULL when the
 * table is full. boot_add_memory_region appends the E820-style entry at
 * `entry` (u64 base, u64 length, u32 type), or returns false when the map
 * is full. boot_copy_string copies the string at `source`, which ends at
 * its NUL or after `source_length` bytes, into `destination` of `size`
 * bytes, cutting it to fit; the result is always NUL-terminated.
 */
void boot_reserve(struct boot_info *info, uint64_t start, uint64_t end);
struct boot_module *boot_add_module(struct boot_info *info, uint64_t start,
				    uint64_t end);
bool boot_add_memory_region(struct boot_info *info, const uint8_t *entry);
void boot_copy_string(char *destination, size_t size, const uint8_t *source,
		      size_t source_length, struct boot_info *info);

/* The magic values each entry receives (EAX for multiboot2, the start info's
 * first word for PVH). */
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u
#define PVH_START_MAGIC             0x336ec578u

#endif /* KERNEL_BOOT_BOOT_INFO_H */
