/*
 * test0's main: waits until mm0 is ready (PX_SYNC), runs every area's
 * tests in Codezero's order (file I/O, directories, mmap, shm, file I/O
 * with seek, fork, clone, undefined instruction, IPC, user mutex, exec),
 * then what else Codezero's test0 did, mm0's writes into zero-page pages,
 * malformed requests, the cost of fork, and the suite's areas in eight
 * processes at once, and ends with the plan line and the tally.  Exit
 * status 0 only if every check passed.
 */
#include <sys/wait.h>

#include "test0.h"

int spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		tess_thread_switch(TID_NIL);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	expect_eq(posix_sync(), 0, "PX_SYNC: mm0 answers the first request");
	tap_diag("test0: pid %x, mm0 is thread %x", getpid(), posix_pager());

	test_fileio_small();
	test_dirs();
	test_mmap();
	test_shm();
	test_fileio_seek();
	test_fork();
	test_clone();
	test_undef();
	test_ipc();
	test_mutex();
	test_exec();
	test_codezero();
	test_zero_page();
	test_malformed();
	test_fork_cost();
	test_concurrent();
	return tap_finish();
}
