/*
 * ktest: the kernel API test suite, run as the root task (see ktest.h).
 */
#include "ktest.h"

struct tess_alloc *ka;

int main(long arg)
{
	(void)arg;
	printf("# ktest: kernel API tests\n");
	ka = tess_alloc_default();
	test_boot();
	test_caps();
	test_memory();
	test_devices();
	test_threads();
	test_ipc();
	test_faults();
	test_cpu();
	test_capctrl();
	test_mutex();
	test_fuzz();
	return tap_finish();
}
