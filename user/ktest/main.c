/*
 * ktest: the kernel API test suite, run as the root task (see ktest.h).
 * With "suite=input" on the kernel command line it runs only the input
 * tests that need tools/input-driver.py to type; with "fuzz", the fuzzer
 * instead of the suites (fuzz.h).
 */
#include "ktest.h"
#include "fuzz.h"

struct tess_alloc *ka;

int main(long arg)
{
	(void)arg;
	printf("# ktest: kernel API tests\n");
	ka = tess_alloc_default();
	if (tess_bootinfo && strstr(tess_bootinfo->cmdline, "suite=input")) {
		test_input_driven();
		return tap_finish();
	}
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
	test_reply();
	test_faults();
	test_cpu();
	test_capctrl();
	test_mutex();
	test_deadlines();
	test_input();
	test_tlb();
	test_fpu();
	return tap_finish();
}
