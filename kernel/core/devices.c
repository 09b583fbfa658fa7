/*
 * The device capabilities made at boot: the console, the screen's
 * windows, the timer and the debug capability (their calls are
 * api/devices.c's and api/debug.c's).
 */
#include "devices.h"
#include "cspace.h"
#include "arch/hooks.h"

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
		w->device.window = i;
		cdt_insert_child(&cdt_anchor, w);
	}
	memset(timer, 0, sizeof(*timer));
	timer->type = CAP_TIMER;
	cdt_insert_child(&cdt_anchor, timer);
	memset(debug, 0, sizeof(*debug));
	debug->type = CAP_DEBUG;
	cdt_insert_child(&cdt_anchor, debug);
}
