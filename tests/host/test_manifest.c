/*
 * The root task's manifest parser (user/root/manifest.c) on the host: the
 * `layout` key (docs/manifest.md), which asks for the LLP lab's layout,
 * and the `caps` key with capabilities over other containers (KIND@ID),
 * and their every refusal.  The parser's messages are captured from
 * root_log, which this file provides.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"
#include "user/root/root.h"

static char logged[512];

void root_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(logged, sizeof(logged), fmt, ap);
	va_end(ap);
}

static struct manifest m;

#define HEAD "container lab\n\tid 3\n\tpager labtest\n\tmemory 1M\n"

static int parse(const char *text)
{
	logged[0] = '\0';
	return manifest_parse(text, strlen(text), &m);
}

/* `layout ...` as the fifth line must be refused with message `want`. */
static void refused(const char *layout, const char *want)
{
	char text[256];
	snprintf(text, sizeof(text), HEAD "\tlayout %s\n", layout);
	t_ok(parse(text) == -1 && !strcmp(logged, want),
	     "'layout %s' is refused: %s", layout, logged);
}

/* `caps ...` as the fifth line must be refused with message `want`. */
static void caps_refused(const char *caps, const char *want)
{
	char text[256];
	snprintf(text, sizeof(text), HEAD "\tcaps %s\n", caps);
	t_ok(parse(text) == -1 && !strcmp(logged, want),
	     "'caps %s' is refused: %s", caps, logged);
}

static void caps_key(void)
{
	const struct container_spec *c = &m.c[0];

	T_EQ(parse(HEAD "\tcaps ipc@9 ipc tctrl@0 mutex ipc@254\n"), 0,
	     "'caps ipc@9 ipc tctrl@0 mutex ipc@254'");
	t_ok(c->n_caps == 5 && c->cap_list[0].kind == SK_IPC &&
		 c->cap_list[0].cid == 9 && c->cap_list[1].kind == SK_IPC &&
		 c->cap_list[1].cid == CAPS_OWN &&
		 c->cap_list[2].kind == SK_TCTRL && c->cap_list[2].cid == 0 &&
		 c->cap_list[3].kind == SK_MUTEX &&
		 c->cap_list[3].cid == CAPS_OWN && c->cap_list[4].cid == 254,
	     "the five, in the line's order, each over its container");
	t_ok(c->caps == ((1u << SK_IPC) | (1u << SK_MUTEX)),
	     "the kinds over its own container are ipc and mutex");
	T_EQ(parse(HEAD "\tcaps ipc@0x10\n"), 0, "'caps ipc@0x10'");
	t_ok(c->n_caps == 1 && c->cap_list[0].cid == 16 && !c->caps,
	     "a hexadecimal id; nothing over its own container");
	caps_refused("ipc ipc",
		     "manifest line 5: capability 'ipc' named twice");
	caps_refused("ipc@3 ipc@3",
		     "manifest line 5: capability 'ipc@3' named twice");
	caps_refused("ipc@255", "manifest line 5: 'ipc@255': the container id "
				"after '@' is not 0 to 254");
	caps_refused("ipc@", "manifest line 5: 'ipc@': the container id after "
			     "'@' is not 0 to 254");
	caps_refused("ipc@x", "manifest line 5: 'ipc@x': the container id "
			      "after '@' is not 0 to 254");
	caps_refused("irq@2", "manifest line 5: unknown capability 'irq@2' "
			      "(ipc tctrl exregs capctrl mutex, each "
			      "optionally @ID)");
	caps_refused("@2", "manifest line 5: unknown capability '@2' (ipc "
			   "tctrl exregs capctrl mutex, each optionally @ID)");
	caps_refused("averyveryverylongname@2",
		     "manifest line 5: unknown capability "
		     "'averyveryverylongname@2' (ipc tctrl exregs capctrl "
		     "mutex, each optionally @ID)");
	caps_refused("ipc tctrl exregs capctrl mutex ipc@1 ipc@2 ipc@3 ipc@4 "
		     "ipc@5 ipc@6",
		     "manifest line 5: 11 capabilities; at most 10");
}

int main(void)
{
	const struct lab_layout *lab = &m.c[0].lab;

	T_EQ(parse(HEAD), 0, "a container without 'layout'");
	t_ok(!lab->on, "has Tessera's layout");
	T_EQ(parse(HEAD "\tlayout tessera\n"), 0, "'layout tessera'");
	t_ok(!lab->on, "is Tessera's layout");
	T_EQ(parse(HEAD "\tlayout lab\n"), 0, "'layout lab'");
	t_ok(lab->on && !lab->noconsole && !lab->timer_slot &&
		 lab->perms == (CAN_setAttr | CAN_putchar),
	     "the lab's layout: a console, the lab's window perms, no timer");
	T_EQ(parse(HEAD "\tlayout lab noconsole perms 7 timer 5 3\n"), 0,
	     "'layout lab noconsole perms 7 timer 5 3'");
	t_ok(lab->on && lab->noconsole && lab->perms == 7 &&
		 lab->timer_slot == 5 && lab->timer_bits == 3,
	     "every option is read");
	T_EQ(parse(HEAD "\tlayout lab timer 255 0 perms 0x1\n"), 0,
	     "options in any order, at their limits");
	t_ok(lab->timer_slot == 255 && lab->timer_bits == 0 && lab->perms == 1,
	     "timer slot 255, no bits hidden, perms 1");
	T_EQ(parse(HEAD "\tlayout lab timer 4 63\n"), 0,
	     "timer slot 4, 63 bits");
	t_ok(lab->timer_slot == 4 && lab->timer_bits == 63,
	     "the lowest slot, the most bits");

	refused("", "manifest line 5: layout is 'tessera' or 'lab "
		    "[noconsole] [perms N] [timer SLOT BITS]'");
	refused("seL4", "manifest line 5: layout is 'tessera' or 'lab "
			"[noconsole] [perms N] [timer SLOT BITS]'");
	refused("tessera noconsole",
		"manifest line 5: layout is 'tessera' or 'lab [noconsole] "
		"[perms N] [timer SLOT BITS]'");
	refused("lab console",
		"manifest line 5: layout lab: 'console' is not 'noconsole', "
		"'perms N' or 'timer SLOT BITS' (each at most once)");
	refused("lab noconsole noconsole",
		"manifest line 5: layout lab: 'noconsole' is not 'noconsole', "
		"'perms N' or 'timer SLOT BITS' (each at most once)");
	refused("lab perms 3 perms 7",
		"manifest line 5: layout lab: 'perms' is not 'noconsole', "
		"'perms N' or 'timer SLOT BITS' (each at most once)");
	refused("lab perms",
		"manifest line 5: layout lab: 'perms' is not 'noconsole', "
		"'perms N' or 'timer SLOT BITS' (each at most once)");
	refused("lab timer 5",
		"manifest line 5: layout lab: 'timer' is not 'noconsole', "
		"'perms N' or 'timer SLOT BITS' (each at most once)");
	refused("lab perms 0", "manifest line 5: window perms '0' are not 1 "
			       "to 7 (CAN_putchar 1, CAN_setAttr 2, CAN_cls "
			       "4)");
	refused("lab perms 8", "manifest line 5: window perms '8' are not 1 "
			       "to 7 (CAN_putchar 1, CAN_setAttr 2, CAN_cls "
			       "4)");
	refused("lab perms x", "manifest line 5: window perms 'x' are not 1 "
			       "to 7 (CAN_putchar 1, CAN_setAttr 2, CAN_cls "
			       "4)");
	refused("lab timer 3 0",
		"manifest line 5: timer slot '3' is not 4 to 255");
	refused("lab timer 256 0",
		"manifest line 5: timer slot '256' is not 4 to 255");
	refused("lab timer 5 64",
		"manifest line 5: timer bits '64' are not 0 to 63");
	refused("lab timer 5 -1",
		"manifest line 5: timer bits '-1' are not 0 to 63");
	refused("lab timer 99999999999999999999 0",
		"manifest line 5: timer slot '99999999999999999999' is not 4 "
		"to 255");
	T_EQ(parse(HEAD "\tlayout lab\n\tlayout lab\n"), -1,
	     "a second 'layout' line is refused");
	t_ok(!strcmp(logged, "manifest line 6: a second 'layout' line for "
			     "container lab"),
	     "with the usual message: %s", logged);
	caps_key();
	return t_finish();
}
