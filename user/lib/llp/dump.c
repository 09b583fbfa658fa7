/*
 * The lab's dump(), without a Debug capability.  The lab's kernel printed
 * its own view of the caller (page directory, cspace, untyped); Tessera's
 * prints its view only for a Debug capability, which a lab program does
 * not get.  This dump prints what the program itself can see through the
 * capabilities it holds: every non-empty slot of the lab's 256, with its
 * lab type, rights or badge, and for an untyped its range and use; then
 * every mapping the lab layer made (mapPage, mapPageTable, kmapPage) from
 * its own slots.
 *
 * It writes on the console in slot CONSOLE if that holds a ConsoleCap (a
 * line per call), else in the window in slot 2 (printString), else
 * nowhere.
 */
#include <stdarg.h>
#include "lib/format.h"
#include "lab.h"

#define LINE_MAX 160

static int to_console;
static int to_window;

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void line(const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_buf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	buf[n] = '\0';
	if (to_console)
		tess_console_write(CONSOLE, buf, (size_t)n);
	else if (to_window)
		tess_print_string(LAB_SLOT_WINDOW, buf);
}

static const char *lab_name(uint32_t type)
{
	switch (type) {
	case CAP_CONSOLE:
		return "ConsoleCap";
	case CAP_WINDOW:
		return "WindowCap";
	case CAP_CSPACE:
		return "CspaceCap";
	case CAP_UNTYPED:
		return "UntypedCap";
	case CAP_PAGE:
		return "PageCap";
	case CAP_PT:
		return "PageTableCap";
	case CAP_TIMER:
		return "TimerCap";
	default:
		return NULL;
	}
}

static void show_slot(unsigned slot, const struct cap_info *in)
{
	const char *name = lab_name(in->type);
	long left;

	switch (in->type) {
	case CAP_CONSOLE:
		line("  0x%02x ConsoleCap: attr 0x%02lx", slot,
		     (unsigned long)in->badge);
		break;
	case CAP_WINDOW:
		line("  0x%02x WindowCap: perms 0x%x%s%s%s", slot, in->rights,
		     in->rights & CAN_cls ? " cls" : "",
		     in->rights & CAN_setAttr ? " setAttr" : "",
		     in->rights & CAN_putchar ? " putchar" : "");
		break;
	case CAP_CSPACE:
		line("  0x%02x CspaceCap: %lu slots", slot, 1ul << in->bits);
		break;
	case CAP_UNTYPED:
		left = tess_remaining(slot);
		line("  0x%02x UntypedCap: [0x%lx-0x%lx] 2^%u bytes, 0x%lx "
		     "used, 0x%lx remaining",
		     slot, (unsigned long)in->paddr,
		     (unsigned long)(in->paddr + (1ull << in->bits) - 1),
		     in->bits, (unsigned long)((1l << in->bits) - left),
		     (unsigned long)left);
		break;
	case CAP_TIMER:
		line("  0x%02x TimerCap: %lu low bits hidden", slot,
		     (unsigned long)in->badge);
		break;
	default:
		if (name)
			line("  0x%02x %s: at 0x%lx", slot, name,
			     (unsigned long)in->paddr);
		else
			line("  0x%02x Tessera's type %u", slot, in->type);
	}
}

static void show_mappings(void)
{
	struct tess_alloc *own = llp_own();

	line("dump: mappings made through the lab layer:");
	for (cptr_t s = own->first_slot; s < own->end_slot; s++) {
		cptr_t i = s - own->first_slot;
		struct cap_info in;
		if (!(own->used[i / 64] & (1ull << (i % 64))))
			continue;
		if (tess_cap_info(s, &in) || !in.mapped || !lab_name(in.type))
			continue;
		line("  0x%08lx %s at 0x%lx", (unsigned long)in.vaddr,
		     lab_name(in.type), (unsigned long)in.paddr);
	}
}

void dump(void)
{
	uint32_t type;

	to_console = llp_type(CONSOLE, &type) == 0 && type == CAP_CONSOLE;
	to_window = !to_console && llp_type(LAB_SLOT_WINDOW, &type) == 0 &&
		    type == CAP_WINDOW;
	llp_record(to_console || to_window ? 0 : -E_EMPTY);
	line("dump: process 0x%x, capabilities in slots 0x00-0xff:",
	     llp_self());
	for (unsigned slot = 0; slot < LAB_SLOTS; slot++) {
		struct cap_info in;
		if (tess_cap_info(slot, &in) || in.type == CAP_NULL)
			continue;
		show_slot(slot, &in);
	}
	show_mappings();
	line("dump: end");
}
