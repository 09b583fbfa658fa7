/*
 * The CMOS real-time clock (MC146818 and compatibles), read once at boot
 * for the wall-clock time.  It is taken to hold UTC (QEMU's default, and
 * what Linux machines set).  Its registers are BCD or binary, 12- or
 * 24-hour, as status register B says; a read racing the clock's update
 * is repeated until two agree.  Nothing here blocks for long: every wait
 * is bounded, and a clock that never answers sensibly gives 0.
 */
#include "cpu.h"
#include "arch.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80 /* keep NMIs off while the index is set */

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0A
#define RTC_STATUS_B 0x0B
#define RTC_CENTURY 0x32 /* where PCs (and QEMU) keep it */

#define STATUS_A_UIP 0x80 /* an update is in progress */
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80 /* 12-hour mode */

struct rtc_time {
	u8 sec, min, hour, day, mon, year, century, status_b;
};

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static void rtc_sample(struct rtc_time *t)
{
	for (int i = 0; i < 100000 && (cmos_read(RTC_STATUS_A) & STATUS_A_UIP);
	     i++)
		pause();
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->mon = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
	t->status_b = cmos_read(RTC_STATUS_B);
}

static unsigned from_bcd(u8 v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian). */
static s64 days_from_civil(s64 y, unsigned m, unsigned d)
{
	y -= m <= 2;
	s64 era = (y >= 0 ? y : y - 399) / 400;
	s64 yoe = y - era * 400;
	s64 doy = (153 * ((s64)m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	s64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The wall-clock time in seconds since 1970-01-01 00:00 UTC, or 0. */
u64 rtc_read_unix(void)
{
	struct rtc_time a, b;
	int tries = 0;

	rtc_sample(&a);
	do {
		b = a;
		rtc_sample(&a);
	} while (memcmp(&a, &b, sizeof(a)) && ++tries < 5);

	bool bcd = !(a.status_b & STATUS_B_BINARY);
	bool pm = !(a.status_b & STATUS_B_24H) && (a.hour & HOUR_PM);
	u8 hour = a.hour & (a.status_b & STATUS_B_24H ? 0xff : 0x7f);
	unsigned sec = bcd ? from_bcd(a.sec) : a.sec;
	unsigned min = bcd ? from_bcd(a.min) : a.min;
	unsigned h = bcd ? from_bcd(hour) : hour;
	unsigned day = bcd ? from_bcd(a.day) : a.day;
	unsigned mon = bcd ? from_bcd(a.mon) : a.mon;
	unsigned year = bcd ? from_bcd(a.year) : a.year;
	unsigned century = bcd ? from_bcd(a.century) : a.century;

	if (!(a.status_b & STATUS_B_24H))
		h = h % 12 + (pm ? 12 : 0);
	if (century < 19 || century > 30)
		century = 20; /* no century register: this one */
	if (sec > 59 || min > 59 || h > 23 || day < 1 || day > 31 || mon < 1 ||
	    mon > 12 || year > 99)
		return 0;
	s64 days = days_from_civil(century * 100 + year, mon, day);
	if (days < 0)
		return 0;
	return (u64)days * 86400 + h * 3600 + min * 60 + sec;
}
