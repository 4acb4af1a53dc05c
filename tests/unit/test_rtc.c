/*
 * Host tests of the pure parts of kernel/arch/x86_64/rtc.c: BCD, the
 * register decoding (BCD or binary, 12- or 24-hour) and the date -> Unix
 * seconds conversion, checked against the C library's timegm().
 */
#define _DEFAULT_SOURCE
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "arch/x86_64/rtc.h"

/* rtc_init's console calls (kinfo is kprintf unless console_quiet); never
 * reached here. */
bool console_quiet;

void kprintf(const char *fmt, ...)
{
	(void)fmt;
}

#define BCD_24 0x02 /* status B: BCD, 24-hour */
#define BIN_24 0x06 /* binary, 24-hour */
#define BCD_12 0x00 /* BCD, 12-hour */
#define BIN_12 0x04 /* binary, 12-hour */

static struct rtc_date decode_ok(uint8_t second, uint8_t minute, uint8_t hour,
				 uint8_t day, uint8_t month, uint8_t year,
				 uint8_t status_b)
{
	const uint8_t raw[RTC_FIELDS] = { second, minute, hour, day, month,
					  year };
	struct rtc_date date;

	cr_assert(rtc_decode(raw, status_b, &date));
	return date;
}

static bool decodes(uint8_t second, uint8_t minute, uint8_t hour,
		    uint8_t day, uint8_t month, uint8_t year, uint8_t status_b)
{
	const uint8_t raw[RTC_FIELDS] = { second, minute, hour, day, month,
					  year };
	struct rtc_date date;

	return rtc_decode(raw, status_b, &date);
}

static uint64_t libc_seconds(int year, int month, int day, int hour,
			     int minute, int second)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1,
			 .tm_mday = day, .tm_hour = hour, .tm_min = minute,
			 .tm_sec = second };

	return (uint64_t)timegm(&tm);
}

static uint64_t seconds(uint32_t year, uint32_t month, uint32_t day,
			uint32_t hour, uint32_t minute, uint32_t second)
{
	struct rtc_date date = { year, month, day, hour, minute, second };

	return rtc_unix_seconds(&date);
}

Test(rtc, bcd)
{
	cr_assert_eq(rtc_bcd(0x00), 0);
	cr_assert_eq(rtc_bcd(0x09), 9);
	cr_assert_eq(rtc_bcd(0x10), 10);
	cr_assert_eq(rtc_bcd(0x59), 59);
	cr_assert_eq(rtc_bcd(0x99), 99);
}

Test(rtc, decode_bcd_24_hour)
{
	struct rtc_date d = decode_ok(0x00, 0x30, 0x04, 0x22, 0x11, 0x26,
				      BCD_24);

	cr_assert_eq(d.year, 2026);
	cr_assert_eq(d.month, 11);
	cr_assert_eq(d.day, 22);
	cr_assert_eq(d.hour, 4);
	cr_assert_eq(d.minute, 30);
	cr_assert_eq(d.second, 0);

	d = decode_ok(0x59, 0x59, 0x23, 0x31, 0x12, 0x99, BCD_24);
	cr_assert_eq(d.year, 2099);
	cr_assert_eq(d.hour, 23);
	cr_assert_eq(d.second, 59);
}

Test(rtc, decode_binary_24_hour)
{
	struct rtc_date d = decode_ok(59, 1, 23, 29, 2, 24, BIN_24);

	cr_assert_eq(d.year, 2024);
	cr_assert_eq(d.month, 2);
	cr_assert_eq(d.day, 29);
	cr_assert_eq(d.hour, 23);
	cr_assert_eq(d.minute, 1);
	cr_assert_eq(d.second, 59);
}

Test(rtc, decode_12_hour)
{
	/* 12 AM is 0, 1..11 AM as is, 12 PM is 12, 1..11 PM + 12; PM is
	 * bit 7 of the hour in either encoding. */
	cr_assert_eq(decode_ok(0, 0, 0x12, 1, 1, 0, BCD_12).hour, 0);
	cr_assert_eq(decode_ok(0, 0, 0x01, 1, 1, 0, BCD_12).hour, 1);
	cr_assert_eq(decode_ok(0, 0, 0x11, 1, 1, 0, BCD_12).hour, 11);
	cr_assert_eq(decode_ok(0, 0, 0x92, 1, 1, 0, BCD_12).hour, 12);
	cr_assert_eq(decode_ok(0, 0, 0x81, 1, 1, 0, BCD_12).hour, 13);
	cr_assert_eq(decode_ok(0, 0, 0x91, 1, 1, 0, BCD_12).hour, 23);
	cr_assert_eq(decode_ok(0, 0, 12, 1, 1, 0, BIN_12).hour, 0);
	cr_assert_eq(decode_ok(0, 0, 0x80 | 12, 1, 1, 0, BIN_12).hour, 12);
	cr_assert_eq(decode_ok(0, 0, 0x80 | 11, 1, 1, 0, BIN_12).hour, 23);
}

Test(rtc, decode_refuses_nonsense)
{
	/* A missing RTC reads 0xff everywhere. */
	cr_assert_not(decodes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, BCD_24));
	cr_assert_not(decodes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, BIN_24));
	cr_assert_not(decodes(0x60, 0, 0, 1, 1, 0, BCD_24));
	cr_assert_not(decodes(0, 0x60, 0, 1, 1, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0x24, 1, 1, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0, 0, 1, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0, 0x32, 1, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0, 1, 0, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0, 1, 0x13, 0, BCD_24));
	cr_assert_not(decodes(0, 0, 0, 1, 1, 100, BIN_24));
}

Test(rtc, unix_seconds_known_dates)
{
	cr_assert_eq(seconds(1970, 1, 1, 0, 0, 0), 0);
	cr_assert_eq(seconds(1970, 1, 2, 0, 0, 1), 86401);
	cr_assert_eq(seconds(2000, 1, 1, 0, 0, 0), 946684800);
	cr_assert_eq(seconds(2000, 2, 29, 12, 0, 0), 951825600);
	cr_assert_eq(seconds(2000, 3, 1, 0, 0, 0), 951868800);
	cr_assert_eq(seconds(2038, 1, 19, 3, 14, 8), 2147483648ull);
	cr_assert_eq(seconds(2099, 12, 31, 23, 59, 59), 4102444799ull);
}

Test(rtc, unix_seconds_match_timegm)
{
	/* Every month's first and last day from 1970 to 2099, leap years and
	 * century rules (2000 is leap, 2100 is not) included. */
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	for (int year = 1970; year <= 2100; year++) {
		bool leap = (year % 4 == 0 && year % 100 != 0) ||
			    year % 400 == 0;

		for (int month = 1; month <= 12; month++) {
			int last = days[month - 1] + (month == 2 && leap);

			cr_assert_eq(seconds(year, month, 1, 0, 0, 0),
				     libc_seconds(year, month, 1, 0, 0, 0),
				     "%d-%02d-01", year, month);
			cr_assert_eq(seconds(year, month, last, 23, 59, 59),
				     libc_seconds(year, month, last, 23, 59,
						  59),
				     "%d-%02d-%02d", year, month, last);
		}
	}
}
