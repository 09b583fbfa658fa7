/*
 * The device capabilities of the LLP lab: Console (write in the colour
 * badged on the capability), Window (a region of the screen: putchar, cls
 * and setAttr each need their right; the badge caps message length),
 * Timer (ticks with the badged number of low bits hidden), the IPC buffer
 * calls (allocBuffer, printBuffer, printString), and the Debug capability.
 */
#include "devices.h"
#include "cspace.h"
#include "untyped.h"
#include "vspace.h"
#include "thread.h"
#include "space.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

#define CONSOLE_WRITE_MAX 4096
#define PRINT_STRING_MAX 4096

long sys_console_putc(const u64 *a)
{
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_CONSOLE, &c);
	if (r)
		return r;
	arch_console_putc_attr((char)a[1], (u8)c->data[0]);
	return 0;
}

/* console_write(cap, ptr, len): all of [ptr, ptr+len) readable, or nothing
 * is printed. */
long sys_console_write(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *c;
	vaddr_t ptr = a[1];
	u64 len = a[2];
	char buf[128];
	int r = cap_lookup_type(a[0], CAP_CONSOLE, &c);

	if (r)
		return r;
	if (len > CONSOLE_WRITE_MAX)
		return -E_TOOBIG;
	for (u64 off = 0; off < len; off += sizeof(buf))
		if (arch_copy_from_user(cur->space, buf, ptr + off,
					MIN(sizeof(buf), len - off), NULL))
			return -E_FAULT;
	for (u64 off = 0; off < len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), len - off);
		arch_copy_from_user(cur->space, buf, ptr + off, n, NULL);
		for (u64 i = 0; i < n; i++)
			arch_console_putc_attr(buf[i], (u8)c->data[0]);
	}
	return (long)len;
}

static int window_lookup(cptr_t cptr, u32 right, struct cap **out)
{
	int r = cap_lookup_type(cptr, CAP_WINDOW, out);
	if (r)
		return r;
	if (!((*out)->rights & right))
		return -E_RIGHTS;
	return 0;
}

static unsigned window_of(const struct cap *c)
{
	return (unsigned)c->data[1];
}

long sys_window_putc(const u64 *a)
{
	struct cap *c;
	int r = window_lookup(a[0], CAN_putchar, &c);
	if (r)
		return r;
	arch_window_putc(window_of(c), (char)a[1]);
	return 0;
}

long sys_window_cls(const u64 *a)
{
	struct cap *c;
	int r = window_lookup(a[0], CAN_cls, &c);
	if (r)
		return r;
	arch_window_cls(window_of(c));
	return 0;
}

long sys_window_set_attr(const u64 *a)
{
	struct cap *c;
	int r = window_lookup(a[0], CAN_setAttr, &c);
	if (r)
		return r;
	if (a[1] > 0xff)
		return -E_RANGE;
	arch_window_set_attr(window_of(c), (u8)a[1]);
	return 0;
}

long sys_timer_ticks(const u64 *a)
{
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_TIMER, &c);
	if (r)
		return r;
	u64 t = arch_ticks();
	return (long)(t & ~((1ull << c->data[0]) - 1) & 0x7fffffffffffffffull);
}

/*
 * allocBuffer(untyped, addr): a new page from `untyped`, mapped read-write
 * at `addr` in the caller's space, becomes the caller's IPC buffer (UTCB).
 * Its capability is kept in the thread object.
 */
long sys_alloc_buffer(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *u, *slot = &cur->slots[THREAD_SLOT_BUFFER];
	vaddr_t addr = a[1];
	u64 offset;
	u32 sb;
	int r = cap_lookup_type(a[0], CAP_UNTYPED, &u);

	if (r)
		return r;
	if (!cap_is_null(slot) || cur->utcb)
		return -E_BUSY; /* already has one */
	if (addr >= USER_ADDR_TOP)
		return -E_RANGE;
	if (addr & (PAGE_SIZE - 1))
		return -E_ALIGN;
	r = untyped_check_retype(u, CAP_PAGE, 0, 1, &offset, &sb);
	if (r)
		return r;
	/* Would the mapping work?  Checked before the page is made. */
	r = vspace_map_check(CAP_PAGE, cur->space, addr);
	if (r)
		return r;
	untyped_retype(u, CAP_PAGE, sb, offset, slot, 1, false);
	vspace_map(slot, cur->space, addr, RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	cur->utcb = addr;
	return 0;
}

/* Read the NUL-terminated string at `addr`, at most `max` bytes, checking
 * each page through the caller's tables.  Returns its length, or -E_FAULT
 * if a byte before the end is unreadable. */
static long user_strlen(struct thread *t, vaddr_t addr, u64 max)
{
	char buf[64];
	u64 n = 0;
	while (n < max) {
		u64 chunk = MIN(sizeof(buf), max - n);
		/* stay within one page per read so an unmapped next page is
		 * only touched if the string goes on into it */
		u64 to_page = PAGE_SIZE - ((addr + n) & (PAGE_SIZE - 1));
		chunk = MIN(chunk, to_page);
		if (arch_copy_from_user(t->space, buf, addr + n, chunk, NULL))
			return -E_FAULT;
		for (u64 i = 0; i < chunk; i++)
			if (!buf[i])
				return (long)(n + i);
		n += chunk;
	}
	return (long)n;
}

static void window_print(struct thread *t, const struct cap *w, vaddr_t addr,
			 u64 len)
{
	char buf[64];
	for (u64 off = 0; off < len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), len - off);
		arch_copy_from_user(t->space, buf, addr + off, n, NULL);
		for (u64 i = 0; i < n; i++)
			arch_window_putc(window_of(w), buf[i]);
	}
}

static u64 window_limit(const struct cap *w, u64 max)
{
	return w->data[0] && w->data[0] < max ? w->data[0] : max;
}

/* printBuffer(window): print the string in the caller's buffer, stopping
 * at a NUL, the end of the buffer page, or the window's message length. */
long sys_print_buffer(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *w;
	int r = window_lookup(a[0], CAN_putchar, &w);
	if (r)
		return r;
	if (!cur->utcb)
		return -E_NOBUF;
	u64 max = window_limit(w, PAGE_SIZE - (cur->utcb & (PAGE_SIZE - 1)));
	long len = user_strlen(cur, cur->utcb, max);
	if (len < 0)
		return len;
	window_print(cur, w, cur->utcb, (u64)len);
	return len;
}

/* printString(window, addr): print the string at any user address. */
long sys_print_string(const u64 *a)
{
	struct thread *cur = arch_current();
	struct cap *w;
	int r = window_lookup(a[0], CAN_putchar, &w);
	if (r)
		return r;
	long len = user_strlen(cur, a[1], window_limit(w, PRINT_STRING_MAX));
	if (len < 0)
		return len;
	window_print(cur, w, a[1], (u64)len);
	return len;
}

void device_make_boot_caps(struct cap *console, struct cap *windows,
			   struct cap *timer, struct cap *debug)
{
	memset(console, 0, sizeof(*console));
	console->type = CAP_CONSOLE;
	cdt_insert_child(&cdt_anchor, console);
	for (unsigned i = 0; i < NUM_WINDOWS; i++) {
		struct cap *w = &windows[i];
		memset(w, 0, sizeof(*w));
		w->type = CAP_WINDOW;
		w->rights = RIGHT_WINDOW_ALL;
		w->data[1] = i;
		cdt_insert_child(&cdt_anchor, w);
	}
	memset(timer, 0, sizeof(*timer));
	timer->type = CAP_TIMER;
	cdt_insert_child(&cdt_anchor, timer);
	memset(debug, 0, sizeof(*debug));
	debug->type = CAP_DEBUG;
	cdt_insert_child(&cdt_anchor, debug);
}
