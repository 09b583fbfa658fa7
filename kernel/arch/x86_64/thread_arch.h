/* The x86_64 part of a thread: saved kernel context, TLS bases, FPU state. */
#ifndef ARCH_THREAD_ARCH_H
#define ARCH_THREAD_ARCH_H

#include <stdint.h>

struct arch_thread {
	uint64_t kernel_rsp; /* saved by arch_switch_stack */
	uint64_t fs_base, gs_base;
	uint8_t tls; /* fs_base or gs_base is not 0 (arch_set_tls) */
	uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave area */
};

#endif
