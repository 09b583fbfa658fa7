/*
 * The demo root task for `make run` (until the real root task exists):
 * greet, show what the kernel handed over, exit (which powers off).
 */
#include <stdio.h>
#include <tess.h>

int main(long arg)
{
	const struct bootinfo *bi = tess_bootinfo;
	(void)arg;

	printf("hello from the root task, in user mode\n");
	if (!bi)
		return 1;
	printf("boot took %lu us to reach user mode; %lu MiB of RAM\n",
	       (unsigned long)((bi->user_tsc - bi->boot_tsc) /
			       (bi->tsc_hz / 1000000)),
	       (unsigned long)(bi->mem_total >> 20));
	printf("untyped memory blocks: %u\n", bi->n_untyped);
	for (unsigned i = 0; i < bi->n_untyped && i < 8; i++)
		printf("  %016lx  2^%u bytes\n",
		       (unsigned long)bi->untyped[i].phys, bi->untyped[i].bits);
	printf("boot modules: %u\n", bi->n_modules);
	printf("goodbye\n");
	return 0;
}
