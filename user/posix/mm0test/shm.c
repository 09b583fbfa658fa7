/*
 * Finding 11, System V shared memory: segments can be removed
 * (IPC_RMID) and described (IPC_STAT), and one process cannot fill the
 * table for everyone (at most 16 segments made by one process, of 64).
 *
 * A removed segment can no longer be found or attached, but stays usable
 * where it is attached until the last detach, which gives its memory
 * back.  A child makes segments until refused: it gets its 16 and then
 * ENOSPC, while init can still make one.
 */
#include <sys/mman.h>
#include <sys/shm.h>

#include "mm0test.h"

#define SEG (3 * PAGE_SIZE)
#define PER_PROCESS 16

static void remove_and_stat(void)
{
	struct px_stats s0 = stats();
	struct shmid_ds ds;
	int id = shmget(4242, SEG, IPC_CREAT | 0600);
	char *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
	if (!tap_ok(id >= 0 && a != (void *)-1 && b != (void *)-1,
		    "shm: a segment attached twice"))
		return;
	memset(a, 0x5a, SEG);
	expect_eq(shmctl(id, IPC_STAT, &ds), 0, "shm: IPC_STAT");
	tap_ok(
	    ds.shm_key == 4242 && ds.shm_segsz == SEG && ds.shm_nattch == 2 &&
		ds.shm_cpid == getpid(),
	    "shm: ...key, size, 2 attachments, made by us (%ld, %zu, %lu, %d)",
	    ds.shm_key, ds.shm_segsz, ds.shm_nattch, ds.shm_cpid);
	expect_eq(shmctl(id, IPC_RMID, NULL), 0, "shm: IPC_RMID");
	expect_err(shmget(4242, SEG, 0), ENOENT,
		   "shm: ...its key finds nothing any more");
	expect_err(shmat(id, NULL, 0) == (void *)-1 ? -1 : 0, EINVAL,
		   "shm: ...its id attaches nothing");
	expect_err(shmctl(id, IPC_STAT, &ds), EINVAL,
		   "shm: ...nor describes anything");
	tap_ok(b[SEG - 1] == 0x5a && (b[0] = 7, a[0] == 7),
	       "shm: the attachments still share its memory");
	expect_eq(shmdt(a) | shmdt(b), 0, "shm: both detached");
	expect_eq(stats().untyped_remaining, s0.untyped_remaining,
		  "shm: ...and its memory is back");
	expect_err(shmctl(id, 99, &ds), EINVAL,
		   "shm: an unknown command: EINVAL");
}

static void per_process_limit(void)
{
	int *ids = shared_page();
	pid_t pid = fork();
	if (pid == 0) {
		int n = 0, id;
		while (n < 64 &&
		       (id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)) >= 0)
			ids[1 + n++] = id;
		ids[0] = n;
		_exit(id < 0 && errno == ENOSPC ? 0 : 1);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "shm: a child making segments is refused with ENOSPC...");
	expect_eq(ids[0], PER_PROCESS, "shm: ...after its %d", PER_PROCESS);
	int mine = shmget(IPC_PRIVATE, PAGE_SIZE, 0600);
	tap_ok(mine >= 0, "shm: init can still make one");
	shmctl(mine, IPC_RMID, NULL);
	int removed = 0;
	for (int i = 0; i < ids[0]; i++)
		removed += shmctl(ids[1 + i], IPC_RMID, NULL) == 0;
	expect_eq(removed, ids[0],
		  "shm: the child's segments outlive it until removed");
	munmap(ids, PAGE_SIZE);
}

void test_smaller(void)
{
	remove_and_stat();
	per_process_limit();
}
