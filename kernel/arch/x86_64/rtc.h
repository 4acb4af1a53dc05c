/*
 * The CMOS real-time clock, read once at boot for the libOS's
 * CLOCK_REALTIME (wk_info.rtc_unix_seconds and rtc_tsc).
 */
#ifndef KERNEL_ARCH_X86_64_RTC_H
#define KERNEL_ARCH_X86_64_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* CMOS registers 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, in this order. */
enum { RTC_SECOND, RTC_MINUTE, RTC_HOUR, RTC_DAY, RTC_MONTH, RTC_YEAR,
       RTC_FIELDS };

struct rtc_date {
	uint32_t year, month, day, hour, minute, second;
};

/* The boot reading: Unix seconds (0 when the RTC was unreadable) and the
 * TSC at the read. */
extern uint64_t rtc_boot_seconds, rtc_boot_tsc;

/* Reads the RTC into rtc_boot_*, and prints it unless quiet. Interrupts
 * off. */
void rtc_init(void);

/* Pure, for the host tests. */
uint32_t rtc_bcd(uint8_t bcd);
/* Register values as read, with status register B (bit 1: 24-hour, bit 2:
 * binary), into a date in 2000..2099; false when out of range. */
bool rtc_decode(const uint8_t raw[RTC_FIELDS], uint8_t status_b,
		struct rtc_date *date);
/* Seconds since 1970-01-01 00:00:00 UTC of a date from 1970 on. */
uint64_t rtc_unix_seconds(const struct rtc_date *date);

#endif /* KERNEL_ARCH_X86_64_RTC_H */
