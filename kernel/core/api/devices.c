/*
 * The device calls of the LLP lab and the console: console_putc and
 * console_write (the Console capability writes in the colour badged on
 * it), window_putc, window_cls and window_set_attr (a Window: a region of
 * the screen; each call needs its right, and the badge caps message
 * length), timer_ticks (the Timer hides the badged number of low bits),
 * the IPC-buffer calls (alloc_buffer, print_buffer, print_string), and
 * console input (input_read, input_info: the Input capability, input.c).
 * Each decodes (lookups, rights, user memory) and then invokes.
 */
#include "syscalls.h"
#include "core/cspace.h"
#include "core/input.h"
#include "core/space.h"
#include "core/thread.h"
#include "core/untyped.h"
#include "core/usercopy.h"
#include "core/vspace.h"
#include "arch/hooks.h"
#include "tessera/syscall.h"

#define CONSOLE_WRITE_MAX 4096
#define PRINT_STRING_MAX 4096
#define ATTR_MAX 0xff /* a VGA colour attribute */

/* ------------------------------------------------------------ console */

struct out_args {
	struct cap *c; /* the Console or Window */
	vaddr_t ptr;   /* the text, in the caller's space */
	u64 len;
	u64 arg; /* a character, an attribute */
};

static int decode_console_putc(const u64 *a, struct out_args *x)
{
	x->arg = a[1];
	return cap_lookup_type(a[0], CAP_CONSOLE, &x->c);
}

static long invoke_console_putc(const struct out_args *x)
{
	arch_console_putc_attr((char)x->arg, (u8)x->c->device.badge);
	return 0;
}

long sys_console_putc(const u64 *a)
{
	struct out_args x;
	int r = decode_console_putc(a, &x);
	return r ? r : invoke_console_putc(&x);
}

/* console_write(cap, ptr, len): all of [ptr, ptr+len) readable, or nothing
 * is printed. */
static int decode_console_write(const u64 *a, struct out_args *x)
{
	int r = cap_lookup_type(a[0], CAP_CONSOLE, &x->c);
	if (r)
		return r;
	x->ptr = a[1];
	x->len = a[2];
	if (x->len > CONSOLE_WRITE_MAX)
		return -E_TOOBIG;
	if (user_check(arch_current()->space, x->ptr, x->len, false))
		return -E_FAULT;
	return 0;
}

static long invoke_console_write(const struct out_args *x)
{
	struct space *s = arch_current()->space;
	char buf[128];
	for (u64 off = 0; off < x->len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), x->len - off);
		user_read(s, buf, x->ptr + off, n);
		for (u64 i = 0; i < n; i++)
			arch_console_putc_attr(buf[i], (u8)x->c->device.badge);
	}
	return (long)x->len;
}

long sys_console_write(const u64 *a)
{
	struct out_args x;
	int r = decode_console_write(a, &x);
	return r ? r : invoke_console_write(&x);
}

/* ------------------------------------------------------------ windows */

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
	return (unsigned)c->device.window;
}

static int decode_window_putc(const u64 *a, struct out_args *x)
{
	x->arg = a[1];
	return window_lookup(a[0], CAN_putchar, &x->c);
}

static long invoke_window_putc(const struct out_args *x)
{
	arch_window_putc(window_of(x->c), (char)x->arg);
	return 0;
}

long sys_window_putc(const u64 *a)
{
	struct out_args x;
	int r = decode_window_putc(a, &x);
	return r ? r : invoke_window_putc(&x);
}

static int decode_window_cls(const u64 *a, struct out_args *x)
{
	return window_lookup(a[0], CAN_cls, &x->c);
}

static long invoke_window_cls(const struct out_args *x)
{
	arch_window_cls(window_of(x->c));
	return 0;
}

long sys_window_cls(const u64 *a)
{
	struct out_args x;
	int r = decode_window_cls(a, &x);
	return r ? r : invoke_window_cls(&x);
}

static int decode_window_set_attr(const u64 *a, struct out_args *x)
{
	int r = window_lookup(a[0], CAN_setAttr, &x->c);
	if (r)
		return r;
	x->arg = a[1];
	return x->arg > ATTR_MAX ? -E_RANGE : 0;
}

static long invoke_window_set_attr(const struct out_args *x)
{
	arch_window_set_attr(window_of(x->c), (u8)x->arg);
	return 0;
}

long sys_window_set_attr(const u64 *a)
{
	struct out_args x;
	int r = decode_window_set_attr(a, &x);
	return r ? r : invoke_window_set_attr(&x);
}

/* ------------------------------------------------------------ timer */

static int decode_timer_ticks(const u64 *a, struct cap **c)
{
	return cap_lookup_type(a[0], CAP_TIMER, c);
}

static long invoke_timer_ticks(const struct cap *c)
{
	u64 t = arch_ticks();
	return (long)(t & ~((1ull << c->device.badge) - 1) & (u64)INT64_MAX);
}

long sys_timer_ticks(const u64 *a)
{
	struct cap *c;
	int r = decode_timer_ticks(a, &c);
	return r ? r : invoke_timer_ticks(c);
}

/* ------------------------------------------------------------ IPC buffer
 * alloc_buffer(untyped, addr): a new page from `untyped`, mapped
 * read-write at `addr` in the caller's space, becomes the caller's IPC
 * buffer (UTCB).  Its capability is kept in the thread object.
 */

struct buffer_args {
	struct cap *u;
	vaddr_t addr;
	u64 offset;
	u32 size_bits;
};

static int decode_alloc_buffer(const u64 *a, struct buffer_args *x)
{
	struct thread *cur = arch_current();
	int r = cap_lookup_type(a[0], CAP_UNTYPED, &x->u);

	if (r)
		return r;
	x->addr = a[1];
	if (!cap_is_null(&cur->slots[THREAD_SLOT_BUFFER]) || cur->utcb)
		return -E_BUSY; /* already has one */
	if (x->addr >= USER_ADDR_TOP)
		return -E_RANGE;
	if (x->addr & (PAGE_SIZE - 1))
		return -E_ALIGN;
	r = untyped_check_retype(x->u, CAP_PAGE, 0, 1, &x->offset,
				 &x->size_bits);
	if (r)
		return r;
	/* Would the mapping work?  Checked before the page is made. */
	return vspace_place_check(CAP_PAGE, cur->space, x->addr);
}

static long invoke_alloc_buffer(const struct buffer_args *x)
{
	struct thread *cur = arch_current();
	struct cap *slot = &cur->slots[THREAD_SLOT_BUFFER];

	untyped_retype(x->u, CAP_PAGE, x->size_bits, x->offset, slot, 1, false);
	vspace_map(slot, cur->space, x->addr,
		   RIGHT_PAGE_READ | RIGHT_PAGE_WRITE);
	cur->utcb = x->addr;
	return 0;
}

long sys_alloc_buffer(const u64 *a)
{
	struct buffer_args x;
	int r = decode_alloc_buffer(a, &x);
	return r ? r : invoke_alloc_buffer(&x);
}

/* Read the NUL-terminated string at `addr`, at most `max` bytes, checking
 * each page through the caller's tables.  Returns its length, or -E_FAULT
 * if a byte before the end is unreadable. */
static long user_strlen(struct space *s, vaddr_t addr, u64 max)
{
	char buf[64];
	u64 n = 0;
	while (n < max) {
		u64 chunk = MIN(sizeof(buf), max - n);
		/* stay within one page per read so an unmapped next page is
		 * only touched if the string goes on into it */
		u64 to_page = PAGE_SIZE - ((addr + n) & (PAGE_SIZE - 1));
		chunk = MIN(chunk, to_page);
		if (user_read(s, buf, addr + n, chunk))
			return -E_FAULT;
		for (u64 i = 0; i < chunk; i++)
			if (!buf[i])
				return (long)(n + i);
		n += chunk;
	}
	return (long)n;
}

static u64 window_limit(const struct cap *w, u64 max)
{
	return w->device.badge && w->device.badge < max ? w->device.badge : max;
}

/* The string's length, found by the decode (-E_FAULT if unreadable). */
static int decode_string(struct out_args *x, u64 max)
{
	long len =
	    user_strlen(arch_current()->space, x->ptr, window_limit(x->c, max));
	if (len < 0)
		return (int)len;
	x->len = (u64)len;
	return 0;
}

static long invoke_print(const struct out_args *x)
{
	struct space *s = arch_current()->space;
	char buf[64];
	for (u64 off = 0; off < x->len; off += sizeof(buf)) {
		u64 n = MIN(sizeof(buf), x->len - off);
		user_read(s, buf, x->ptr + off, n);
		for (u64 i = 0; i < n; i++)
			arch_window_putc(window_of(x->c), buf[i]);
	}
	return (long)x->len;
}

/* print_buffer(window): print the string in the caller's buffer, stopping
 * at a NUL, the end of the buffer page, or the window's message length. */
static int decode_print_buffer(const u64 *a, struct out_args *x)
{
	struct thread *cur = arch_current();
	int r = window_lookup(a[0], CAN_putchar, &x->c);
	if (r)
		return r;
	if (!cur->utcb)
		return -E_NOBUF;
	x->ptr = cur->utcb;
	return decode_string(x, PAGE_SIZE - (cur->utcb & (PAGE_SIZE - 1)));
}

long sys_print_buffer(const u64 *a)
{
	struct out_args x;
	int r = decode_print_buffer(a, &x);
	return r ? r : invoke_print(&x);
}

/* print_string(window, addr): print the string at any user address. */
static int decode_print_string(const u64 *a, struct out_args *x)
{
	int r = window_lookup(a[0], CAN_putchar, &x->c);
	if (r)
		return r;
	x->ptr = a[1];
	return decode_string(x, PRINT_STRING_MAX);
}

long sys_print_string(const u64 *a)
{
	struct out_args x;
	int r = decode_print_string(a, &x);
	return r ? r : invoke_print(&x);
}

/* ------------------------------------------------------------ input */

struct input_args {
	vaddr_t buf;
	u64 len;
	bool nonblock;
};

static int decode_input_read(const u64 *a, struct input_args *x)
{
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_INPUT, &c);

	if (r)
		return r;
	if (a[3] & ~(u64)INPUT_NONBLOCK)
		return -E_INVAL;
	x->buf = a[1];
	x->len = MIN(a[2], INPUT_RING_SIZE);
	x->nonblock = a[3] & INPUT_NONBLOCK;
	if (user_check(arch_current()->space, x->buf, x->len, true))
		return -E_FAULT;
	return 0;
}

/* input_read(input, buf, len, flags): the bytes buffered, at most `len`
 * (and at most INPUT_RING_SIZE); with none, wait for some, unless
 * INPUT_NONBLOCK.  Returns how many were read. */
static long invoke_input_read(const struct input_args *x)
{
	return input_read(arch_current(), x->buf, x->len, x->nonblock);
}

long sys_input_read(const u64 *a)
{
	struct input_args x;
	int r = decode_input_read(a, &x);
	return r ? r : invoke_input_read(&x);
}

/* input_info(input, info): counts since boot and the buffer now. */
static int decode_input_info(const u64 *a, vaddr_t *info)
{
	struct cap *c;
	int r = cap_lookup_type(a[0], CAP_INPUT, &c);
	if (r)
		return r;
	*info = a[1];
	return user_check(arch_current()->space, *info,
			  sizeof(struct input_info), true);
}

static long invoke_input_info(vaddr_t ptr)
{
	struct input_info info = {input.received, input.dropped, input.count,
				  INPUT_RING_SIZE};
	user_write(arch_current()->space, ptr, &info, sizeof(info));
	return 0;
}

long sys_input_info(const u64 *a)
{
	vaddr_t info;
	int r = decode_input_info(a, &info);
	return r ? r : invoke_input_info(info);
}
