/*
 * System V shared memory: Codezero's shmtest.  Segments with keys 2 and 3
 * are made, attached, written, detached and attached again (the bytes
 * are still there); a forked child attaches key 2 and both see each
 * other's writes; and the errors of shmget, shmat and shmdt.
 */
#include <sys/shm.h>

#include "test0.h"

#define SEG_SIZE (3 * PAGE_SIZE)

static int filled(const unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

void test_shm(void)
{
	int id2 = shmget(2, SEG_SIZE, IPC_CREAT | 0666);
	int id3 = shmget(3, SEG_SIZE, IPC_CREAT | 0666);
	if (!tap_ok(id2 >= 0 && id3 >= 0 && id2 != id3,
		    "shm: shmget of keys 2 and 3 gives two segments (%d, %d)",
		    id2, id3))
		return;
	unsigned char *a = shmat(id2, NULL, 0), *b = shmat(id3, NULL, 0);
	if (!tap_ok(a != (void *)-1 && b != (void *)-1 && a != b,
		    "shm: shmat of both"))
		return;
	tap_ok(filled(a, SEG_SIZE, 0) && filled(b, SEG_SIZE, 0),
	       "shm: new segments read as zeros");
	memset(a, 0x22, SEG_SIZE);
	memset(b, 0x33, SEG_SIZE);
	expect_eq(shmdt(a), 0, "shm: shmdt of key 2's segment");
	expect_eq(shmdt(b), 0, "shm: shmdt of key 3's segment");
	expect_err(shmdt(a), EINVAL,
		   "shm: shmdt of a detached address is EINVAL");

	expect_eq(shmget(2, SEG_SIZE, 0), id2,
		  "shm: shmget(2) without IPC_CREAT finds the segment");
	expect_err(shmget(2, SEG_SIZE, IPC_CREAT | IPC_EXCL | 0666), EEXIST,
		   "shm: IPC_CREAT|IPC_EXCL on key 2 is EEXIST");
	expect_err(shmget(4, SEG_SIZE, 0), ENOENT,
		   "shm: shmget of an unknown key is ENOENT");
	expect_err(shmget(2, SEG_SIZE * 4, 0), EINVAL,
		   "shm: asking for more than the segment is EINVAL");
	expect_err(shmat(9999, NULL, 0) == (void *)-1 ? -1 : 0, EINVAL,
		   "shm: shmat of a bad id is EINVAL");

	a = shmat(id2, NULL, 0);
	b = shmat(id3, NULL, 0);
	tap_ok(a != (void *)-1 && filled(a, SEG_SIZE, 0x22),
	       "shm: attached again, key 2's segment holds what was written");
	tap_ok(b != (void *)-1 && filled(b, SEG_SIZE, 0x33),
	       "shm: attached again, key 3's segment holds what was written");

	pid_t pid = fork();
	if (pid == 0) {
		unsigned char *c = shmat(shmget(2, SEG_SIZE, 0), NULL, 0);
		int ok = c != (void *)-1 && filled(c, SEG_SIZE, 0x22);
		if (ok)
			memset(c, 0x44, SEG_SIZE);
		_exit(ok ? 0 : 1);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "shm: a child attaching key 2 sees the parent's bytes");
	tap_ok(filled(a, SEG_SIZE, 0x44),
	       "shm: the parent sees the child's writes");
	shmdt(a);
	shmdt(b);
}
