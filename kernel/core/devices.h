/* The device capabilities made at boot (devices.c). */
#ifndef CORE_DEVICES_H
#define CORE_DEVICES_H

#include "kernel.h"
#include "cap.h"

/* Boot: the console, window, timer and debug capabilities. */
void device_make_boot_caps(struct cap *console, struct cap *windows,
			   struct cap *timer, struct cap *debug);

#endif
