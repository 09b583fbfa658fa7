/*
 * The native demo container's pager.  The root task starts it with the
 * capabilities include/tessera/pager.h lists and nothing else; it shows
 * what a container gets: its window (cleared, a banner, its ids, the timer
 * ticking for about a second), and what it does not get: any other window.
 * It ends with one summary line on its console and exits 0 (unless its
 * args ask for a fault: see fault_if_asked).
 *
 * While it counts ticks it yields (thread_switch) on every turn of its
 * loop, so the other pagers of its priority run meanwhile.  (Pagers of a
 * lower priority wait: the kernel has no sleep to block on.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tess.h>
#include <tessera/pager.h>

#define DEMO_SECONDS_US 1000000
#define DEMO_STEP_US 250000

static int have_window;
static char who[48]; /* a prefix for lines on the console, if no window */

/* A line for the window, or the console (prefixed) if there is none. */
static void show(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void show(const char *fmt, ...)
{
	va_list ap;

	if (!have_window)
		printf("%s", who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static uint64_t now_us(void)
{
	struct tess_timeval tv;
	if (tess_time(&tv))
		return 0;
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

static int is_cap(cptr_t slot, uint32_t type)
{
	struct cap_info info;
	return tess_cap_info(slot, &info) == 0 && info.type == type;
}

/* Clear the window, print the banner, and keep printf on it. */
static void open_window(const struct pager_bootinfo *bi,
			const struct task_ids *me)
{
	long r;

	snprintf(who, sizeof(who), "demo %.31s: ", bi->name);
	have_window = is_cap(PAGER_SLOT_WINDOW, CAP_WINDOW);
	if (!have_window) {
		show("no window capability: printing here instead\n");
	} else {
		if ((r = tess_window_cls(PAGER_SLOT_WINDOW)))
			printf("%swindow_cls: %s\n", who, tess_strerror(r));
		tess_use_window(PAGER_SLOT_WINDOW);
	}
	show("== Tessera: container %.31s ==\n", bi->name);
	show("container id %u\n", bi->cid);
	show("thread 0x%08x\n", me->tid);
}

/* FNV-1a over a module's bytes: reading every page shows it is mapped. */
static uint32_t fnv1a(const uint8_t *p, uint64_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void show_modules(const struct pager_bootinfo *bi)
{
	unsigned n = bi->n_modules < PAGER_MAX_MODULES ? bi->n_modules
						       : PAGER_MAX_MODULES;
	for (unsigned i = 0; i < n; i++) {
		const struct pager_module *m = &bi->modules[i];
		show("%.12s: %lu B, %08x\n", m->name, (unsigned long)m->size,
		     fnv1a((const uint8_t *)m->vaddr, m->size));
	}
}

/* The scope capabilities the root granted: each should cover exactly
 * this container and keep the generic bits (reading them needs capctrl). */
static void show_scope_caps(uint32_t cid)
{
	struct capability caps[16];
	long n = tess_capability_control(CAP_CONTROL_READ, 16, caps);
	unsigned good = 0;

	if (n == -E_NOCAP) {
		show("scope caps: no capctrl to read\n");
		return;
	}
	if (n < 0) {
		show("scope caps: %s\n", tess_strerror(n));
		return;
	}
	for (long i = 0; i < n; i++)
		if (caps[i].scope == SCOPE_CONTAINER && caps[i].resid == cid &&
		    (caps[i].rights & CAP_GENERIC_ALL) == CAP_GENERIC_ALL)
			good++;
	show("%ld scope caps, %u for cid %u\n", n, good, cid);
}

/* About one second of timer ticks, a line every quarter second; returns
 * the ticks counted. */
static long count_ticks(void)
{
	uint64_t start = now_us(), next = DEMO_STEP_US, el;
	long t0 = tess_timer_ticks(PAGER_SLOT_TIMER), t = t0;

	if (t0 < 0) {
		show("timer: %s\n", tess_strerror(t0));
		return t0;
	}
	while ((el = now_us() - start) < DEMO_SECONDS_US) {
		if (el >= next) {
			t = tess_timer_ticks(PAGER_SLOT_TIMER);
			show("%4lu ms: %ld ticks\n", (unsigned long)(el / 1000),
			     t - t0);
			next += DEMO_STEP_US;
		}
		tess_thread_switch(TID_NIL);
	}
	t = tess_timer_ticks(PAGER_SLOT_TIMER);
	show("1 s = %ld timer ticks\n", t - t0);
	return t - t0;
}

/*
 * The root keeps windows 1 and 2 in its slots 3 and 4; in this CSpace
 * those slots hold the timer and the untyped.  Printing through them must
 * fail, and no slot anywhere may hold a second window.  Returns the error
 * of the first attempt (negative) or 1 if a foreign window printed.
 */
static long check_isolation(unsigned *windows)
{
	static const cptr_t other[] = {BOOT_SLOT_WINDOW1, BOOT_SLOT_WINDOW2};
	long first = 0;

	for (unsigned i = 0; i < 2; i++) {
		long r = tess_window_putc(other[i], '!');
		show("slot %lu: %ld %s\n", (unsigned long)other[i], r,
		     r < 0 ? tess_strerror(r) : "PRINTED");
		if (r >= 0)
			return 1;
		if (!first)
			first = r;
	}
	*windows = 0;
	for (cptr_t s = 0; s < (1u << PAGER_CSPACE_BITS); s++)
		if (is_cap(s, CAP_WINDOW))
			(*windows)++;
	show("window caps held: %u\n", *windows);
	return first;
}

/*
 * For tests of the root task: the manifest's args line "fault=pf", "=ud"
 * or "=sys" makes the demo take that fault at the end, which its pager
 * (the root) answers by killing it.
 */
static void fault_if_asked(const char *args)
{
	const char *f = strstr(args, "fault=");

	if (!f)
		return;
	f += 6;
	printf("demo: taking fault '%.3s' as asked\n", f);
	fflush_stdout();
	if (!strncmp(f, "pf", 2)) {
		volatile uintptr_t addr = 0x10; /* hidden from the compiler */
		*(volatile int *)addr = 1;
	} else if (!strncmp(f, "ud", 2))
		__asm__ volatile("ud2");
	else if (!strncmp(f, "sys", 3))
		__asm__ volatile("syscall"
				 :
				 : "a"(39l)
				 : "rcx", "r11", "memory");
	printf("demo: unknown fault '%s'\n", f);
}

int main(long arg)
{
	const struct pager_bootinfo *bi = (const struct pager_bootinfo *)arg;
	struct task_ids me;
	char args[sizeof(bi->args) + 1];
	unsigned windows = 0;
	long r, ticks, iso;

	if (!bi || bi->magic != PAGER_BOOTINFO_MAGIC) {
		printf("demo: no pager boot info at %lx\n", (unsigned long)arg);
		return 2;
	}
	if ((r = tess_getid(&me))) {
		printf("demo: getid: %s\n", tess_strerror(r));
		return 3;
	}
	open_window(bi, &me);
	show_modules(bi);
	show_scope_caps(bi->cid);
	ticks = count_ticks();
	iso = check_isolation(&windows);
	show("bye\n");
	tess_use_console(PAGER_SLOT_CONSOLE);
	printf("demo: container %.31s (id %u) thread 0x%08x: %s, %ld ticks in "
	       "1 s; "
	       "other windows: %s (%ld, %s), %u window cap(s) held\n",
	       bi->name, bi->cid, me.tid,
	       have_window ? "window written" : "no window", ticks,
	       iso < 0 ? "unreachable" : "REACHABLE", iso,
	       iso < 0 ? tess_strerror(iso) : "printed", windows);
	memcpy(args, bi->args, sizeof(bi->args));
	args[sizeof(bi->args)] = '\0';
	fault_if_asked(args);
	if (me.tid != bi->tid)
		printf("demo: boot info names thread 0x%x, but I am 0x%x\n",
		       bi->tid, me.tid);
	return iso < 0 && ticks >= 0 && windows <= 1 && me.tid == bi->tid ? 0
									  : 1;
}
