/*
 * Table layouts from the ACPI 6.x specification, chapter 5: the RSDP (RSDT
 * address at 16, revision at 15, XSDT address at 24), the common 36-byte
 * header (length at 4), the FADT (DSDT at 40, SMI_CMD at 48, ACPI_ENABLE at
 * 52, PM1a_CNT_BLK at 64, PM1b_CNT_BLK at 68, X_DSDT at 140) and PM1
 * control (SCI_EN bit 0, SLP_TYP bits 10-12, SLP_EN bit 13).
 */
#include "arch/x86_64/acpi.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "console.h"
#include "lib/unaligned.h"
#include "lib/string.h"

#define ACPI_HEADER_BYTES 36
#define FADT_MIN_BYTES    72  /* through PM1b_CNT_BLK */
#define FADT_X_DSDT_BYTES 148 /* through X_DSDT */
#define FADT_RESET_BYTES  129 /* through RESET_VALUE */
#define FADT_FLAG_RESET_REG (1u << 10)
#define GAS_SYSTEM_IO     1
#define PM1_SLEEP_TYPE    (7u << 10)
#define ACPI_TABLE_MAX    (1u << 20) /* refuse absurd lengths */
#define PM1_SCI_ENABLE    (1u << 0)
#define PM1_SLEEP_ENABLE  (1u << 13)
#define AML_NAME_OP       0x08
#define AML_PACKAGE_OP    0x12
#define AML_BYTE_PREFIX   0x0a
#define AML_ZERO_OP       0x00
#define AML_ONE_OP        0x01

static uint8_t rsdp[BOOT_RSDP_MAX]; /* all zero when none was found */

static bool checksum_ok(const uint8_t *bytes, size_t length)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < length; i++)
		sum += bytes[i];
	return sum == 0;
}

static bool rsdp_valid(const uint8_t *candidate)
{
	return memcmp(candidate, "RSD PTR ", 8) == 0 &&
	       checksum_ok(candidate, 20);
}

static bool scan_for_rsdp(uint64_t start, uint64_t length)
{
	const uint8_t *area = paging_map_physical(start, length);

	if (area == NULL)
		return false;
	for (uint64_t offset = 0; offset + 20 <= length; offset += 16) {
		if (rsdp_valid(area + offset)) {
			size_t n = area[offset + 15] >= 2 && offset + 36 <= length
					   ? 36 : 20;
			memcpy(rsdp, area + offset, n);
			return true;
		}
	}
	return false;
}

void acpi_init(const struct boot_info *info)
{
	if (info->rsdp_length >= 20 && rsdp_valid(info->rsdp)) {
		memcpy(rsdp, info->rsdp, info->rsdp_length);
		return;
	}
	/* The EBDA's segment is at 0x40e; its first KiB, then the BIOS area. */
	const uint8_t *bda = paging_map_physical(0x40e, 2);
	uint64_t ebda = bda ? (uint64_t)(bda[0] | bda[1] << 8) << 4 : 0;
	if (ebda < 0x80000 || ebda >= 0xa0000 || !scan_for_rsdp(ebda, 1024))
		scan_for_rsdp(0xe0000, 0x20000);
}

uint64_t acpi_root_table(uint8_t *revision)
{
	if (rsdp[0] == 0)
		return 0;
	*revision = rsdp[15];
	if (rsdp[15] >= 2 && load_le64(rsdp + 24) != 0)
		return load_le64(rsdp + 24);
	return load_le32(rsdp + 16);
}

/* Maps a whole table after checking its header; NULL if bad. */
static const uint8_t *map_table(uint64_t address)
{
	const uint8_t *header = paging_map_physical(address, ACPI_HEADER_BYTES);

	if (header == NULL)
		return NULL;
	uint32_t length = load_le32(header + 4);
	if (length < ACPI_HEADER_BYTES || length > ACPI_TABLE_MAX)
		return NULL;
	const uint8_t *table = paging_map_physical(address, length);
	if (table == NULL || !checksum_ok(table, length))
		return NULL;
	return table;
}

const uint8_t *acpi_find_table(const char signature[4])
{
	uint8_t revision;
	uint64_t root_address = acpi_root_table(&revision);

	if (root_address == 0)
		return NULL;
	const uint8_t *root = map_table(root_address);
	if (root == NULL)
		return NULL;
	bool extended = memcmp(root, "XSDT", 4) == 0;
	size_t entry_size = extended ? 8 : 4;
	uint32_t length = load_le32(root + 4);

	for (size_t offset = ACPI_HEADER_BYTES; offset + entry_size <= length;
	     offset += entry_size) {
		uint64_t address = extended ? load_le64(root + offset)
					    : load_le32(root + offset);
		const uint8_t *table = map_table(address);
		if (table != NULL && memcmp(table, signature, 4) == 0)
			return table;
	}
	return NULL;
}

/* The AML integer constant at p (ZeroOp, OneOp or BytePrefix) into *value;
 * returns its length in bytes, 0 when there is none. */
static unsigned read_small_integer(const uint8_t *p, const uint8_t *end,
				   uint8_t *value)
{
	if (p < end && (*p == AML_ZERO_OP || *p == AML_ONE_OP)) {
		*value = *p;
		return 1;
	}
	if (p + 1 < end && *p == AML_BYTE_PREFIX) {
		*value = p[1];
		return 2;
	}
	return 0;
}

/* Finds `Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...})` in the DSDT. */
static bool find_s5(const uint8_t *dsdt, uint8_t type[2])
{
	uint32_t length = load_le32(dsdt + 4);
	const uint8_t *end = dsdt + length;

	for (const uint8_t *p = dsdt + ACPI_HEADER_BYTES; p + 4 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		/* The name is preceded by NameOp, possibly with a root
		 * prefix '\'. */
		if (!(p[-1] == AML_NAME_OP ||
		      (p[-1] == '\\' && p[-2] == AML_NAME_OP)))
			continue;
		const uint8_t *q = p + 4;
		if (q >= end || *q != AML_PACKAGE_OP)
			continue;
		q++;
		if (q >= end)
			return false;
		q += 1 + (*q >> 6); /* PkgLength: lead byte + 0..3 more */
		q++;                /* NumElements */
		unsigned first = read_small_integer(q, end, &type[0]);
		return first && read_small_integer(q + first, end, &type[1]);
	}
	return false;
}

void acpi_power_off(void)
{
	const uint8_t *fadt = acpi_find_table("FACP");

	if (fadt == NULL)
		return;
	uint32_t fadt_length = load_le32(fadt + 4);
	if (fadt_length < FADT_MIN_BYTES)
		return;
	uint64_t dsdt_address = load_le32(fadt + 40);
	if (fadt_length >= FADT_X_DSDT_BYTES && load_le64(fadt + 140) != 0)
		dsdt_address = load_le64(fadt + 140);
	const uint8_t *dsdt = map_table(dsdt_address);
	uint8_t type[2];
	if (dsdt == NULL || !find_s5(dsdt, type))
		return;

	uint32_t smi_command = load_le32(fadt + 48);
	uint8_t acpi_enable = fadt[52];
	/* PM1a and PM1b control ports; PM1b is optional (0). */
	uint16_t pm1[2] = { load_le32(fadt + 64), load_le32(fadt + 68) };
	if (pm1[0] == 0)
		return;

	/* ACPI mode: hand the SCI over from SMM if the firmware has not. */
	if (!(inw(pm1[0]) & PM1_SCI_ENABLE) && smi_command && acpi_enable) {
		outb((uint16_t)smi_command, acpi_enable);
		for (unsigned i = 0;
		     i < 1000000 && !(inw(pm1[0]) & PM1_SCI_ENABLE); i++)
			;
	}
	kprintf("wicket: powering off through ACPI (PM1a %#x, sleep type %u)\n",
		pm1[0], type[0] & 7);
	/* Keep the other PM1 control bits; set SLP_TYP, then SLP_EN. */
	for (int i = 0; i < 2 && pm1[i]; i++) {
		uint16_t control = inw(pm1[i]) &
				   ~(PM1_SLEEP_TYPE | PM1_SLEEP_ENABLE);
		control |= (uint16_t)((type[i] & 7) << 10);
		outw(pm1[i], control);
		outw(pm1[i], control | PM1_SLEEP_ENABLE);
	}
	/* S5 takes effect asynchronously on real hardware. */
	for (unsigned i = 0; i < 100000000; i++)
		__asm__ volatile("pause");
}

/* The FADT (ACPI 6.x, table 5.9): flags at 112; RESET_REG, a Generic
 * Address Structure, at 116 (address space at +0, address at +4); the
 * value to write at 128. */
void acpi_reset(void)
{
	const uint8_t *fadt = acpi_find_table("FACP");

	if (fadt == NULL || load_le32(fadt + 4) < FADT_RESET_BYTES ||
	    !(load_le32(fadt + 112) & FADT_FLAG_RESET_REG) ||
	    fadt[116] != GAS_SYSTEM_IO)
		return;
	uint64_t port = load_le64(fadt + 120);

	if (port == 0 || port > 0xffff)
		return;
	kprintf("wicket: resetting through ACPI (port %#lx, value %#x)\n",
		port, fadt[128]);
	outb((uint16_t)port, fadt[128]);
	for (unsigned i = 0; i < 10000000; i++)
		__asm__ volatile("pause");
}
