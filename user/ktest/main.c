/*
 * ktest: the kernel API test suite, run as the root task (see ktest.h);
 * with "fuzz" on the kernel command line, the fuzzer instead (fuzz.h).
 */
#include "ktest.h"
#include "fuzz.h"

struct tess_alloc *ka;

int main(long arg)
{
	(void)arg;
	printf("# ktest: kernel API tests\n");
	ka = tess_alloc_default();
	if (tess_bootinfo && strstr(tess_bootinfo->cmdline, "fuzz")) {
		fuzz_campaign(tess_bootinfo->cmdline);
		return tap_finish();
	}
	test_boot();
	test_caps();
	test_memory();
	test_devices();
	test_threads();
	test_ipc();
	test_faults();
	test_capctrl();
	test_mutex();
	return tap_finish();
}
