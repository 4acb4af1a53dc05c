/*
 * The CMOS RTC (MC146818 registers): index port 0x70, data port 0x71.
 * Status A bit 7 is set while the clock updates its registers; status B
 * bit 1 selects 24-hour mode (else bit 7 of the hour is PM) and bit 2
 * binary (else BCD). QEMU keeps it in UTC. No century register is read:
 * the year is taken as 2000..2099.
 */
#include "arch/x86_64/rtc.h"

#include "arch/x86_64/cpu.h"
#include "console.h"
#include "lib/string.h"

#define CMOS_INDEX     0x70
#define CMOS_DATA      0x71
#define RTC_STATUS_A   0x0a
#define RTC_STATUS_B   0x0b
#define RTC_UPDATING   0x80
#define RTC_24_HOUR    0x02
#define RTC_BINARY     0x04
#define RTC_HOUR_PM    0x80
#define RTC_SPINS      1000000 /* an update lasts under 2 ms */
#define RTC_TRIES      8

uint64_t rtc_boot_seconds, rtc_boot_tsc;

uint32_t rtc_bcd(uint8_t bcd)
{
	return (bcd >> 4) * 10u + (bcd & 0xf);
}

bool rtc_decode(const uint8_t raw[RTC_FIELDS], uint8_t status_b,
		struct rtc_date *date)
{
	uint32_t v[RTC_FIELDS];

	for (int i = 0; i < RTC_FIELDS; i++) {
		uint8_t byte = i == RTC_HOUR ? raw[i] & ~RTC_HOUR_PM : raw[i];
		v[i] = status_b & RTC_BINARY ? byte : rtc_bcd(byte);
	}
	if (!(status_b & RTC_24_HOUR))
		v[RTC_HOUR] = v[RTC_HOUR] % 12 +
			      (raw[RTC_HOUR] & RTC_HOUR_PM ? 12 : 0);
	*date = (struct rtc_date){ 2000 + v[RTC_YEAR], v[RTC_MONTH],
				   v[RTC_DAY], v[RTC_HOUR], v[RTC_MINUTE],
				   v[RTC_SECOND] };
	return v[RTC_YEAR] < 100 && v[RTC_MONTH] >= 1 && v[RTC_MONTH] <= 12 &&
	       v[RTC_DAY] >= 1 && v[RTC_DAY] <= 31 && v[RTC_HOUR] < 24 &&
	       v[RTC_MINUTE] < 60 && v[RTC_SECOND] < 60;
}

/* Days from 1970-01-01 by the proleptic Gregorian calendar, counting years
 * from March so that the leap day ends a year. */
uint64_t rtc_unix_seconds(const struct rtc_date *d)
{
	uint64_t year = d->year - (d->month <= 2);
	uint64_t month = d->month > 2 ? d->month - 3 : d->month + 9;
	uint64_t day_of_year = (153 * month + 2) / 5 + d->day - 1;
	uint64_t days = year * 365 + year / 4 - year / 100 + year / 400 +
			day_of_year - 719468; /* days from 0000-03-01 */

	return days * 86400 + d->hour * 3600 + d->minute * 60 + d->second;
}

static uint8_t cmos_read(uint8_t index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

/* One reading outside an update; false when the update flag never clears
 * (no RTC: the port reads 0xff). */
static bool rtc_snapshot(uint8_t raw[RTC_FIELDS])
{
	static const uint8_t index[RTC_FIELDS] = { 0x00, 0x02, 0x04,
						   0x07, 0x08, 0x09 };

	for (int spins = 0; cmos_read(RTC_STATUS_A) & RTC_UPDATING; spins++)
		if (spins == RTC_SPINS)
			return false;
	for (int i = 0; i < RTC_FIELDS; i++)
		raw[i] = cmos_read(index[i]);
	return true;
}

void rtc_init(void)
{
	uint8_t raw[RTC_FIELDS], again[RTC_FIELDS];
	struct rtc_date date;

	/* Two equal readings in a row cannot straddle an update. */
	for (int tries = 0; tries < RTC_TRIES && rtc_snapshot(raw); tries++) {
		if (!rtc_snapshot(again) || memcmp(raw, again, RTC_FIELDS))
			continue;
		rtc_boot_tsc = read_tsc();
		if (!rtc_decode(raw, cmos_read(RTC_STATUS_B), &date))
			break;
		rtc_boot_seconds = rtc_unix_seconds(&date);
		kinfo("wicket: rtc: %u-%02u-%02u %02u:%02u:%02u UTC\n",
		      date.year, date.month, date.day, date.hour, date.minute,
		      date.second);
		return;
	}
	kprintf("wicket: rtc: unreadable; the libOS gets no wall-clock time\n");
}
