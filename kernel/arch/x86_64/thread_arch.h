/* The x86_64 part of a thread: saved kernel context, TLS bases, FPU state. */
#ifndef ARCH_THREAD_ARCH_H
#define ARCH_THREAD_ARCH_H

#include <stdint.h>

struct arch_thread {
	uint64_t kernel_rsp; /* saved by arch_switch_stack */
	uint64_t fs_base, gs_base;
	uint8_t work;	  /* ARCH_WORK_*: what a switch from or to it must do */
	uint8_t fpu_used; /* time slices it used the FPU in, mod 256 (fpu.c) */
	uint8_t fpu[512] __attribute__((aligned(16))); /* fxsave area */
};

/* A switch between two threads with none of these bits does no more than
 * load the stack and the space (cpu.c, load_thread_state). */
#define ARCH_WORK_TLS (1u << 0)	      /* fs_base or gs_base is not 0 */
#define ARCH_WORK_FPU_LIVE (1u << 1)  /* its FPU state is in the registers */
#define ARCH_WORK_FPU_EAGER (1u << 2) /* load its FPU state at switch-in */

#endif
