/*
 * Memory: the program break (brk, sbrk: malloc's heap), mappings (mmap,
 * munmap, msync) and System V shared memory (shmget, shmat, shmdt).
 */
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "libposix.h"

/* The break as mm0 last reported it (0: not asked yet).  A forked child
 * inherits it with the rest of memory, which matches its copied heap. */
static uintptr_t cur_brk;

int brk(void *end)
{
	long r = px_call(PX_BRK, (long)end, 0, 0, 0, 0);
	if (r < 0)
		return (int)px_ret(r);
	cur_brk = (uintptr_t)r;
	/* mm0 answers with the break it has: another one means refused. */
	if (cur_brk != (uintptr_t)end)
		return (int)px_ret(-ENOMEM);
	return 0;
}

void *sbrk(intptr_t increment)
{
	if (!cur_brk) {
		long r = px_call(PX_BRK, 0, 0, 0, 0, 0);
		if (r < 0) {
			px_ret(r);
			return (void *)-1;
		}
		cur_brk = (uintptr_t)r;
	}
	uintptr_t old = cur_brk, end = old + (uintptr_t)increment;
	if (increment == 0)
		return (void *)old;
	if ((increment > 0 && end < old) || (increment < 0 && end > old)) {
		px_ret(-ENOMEM);
		return (void *)-1;
	}
	if (brk((void *)end))
		return (void *)-1;
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	/* prot and flags share MR3: prot in the low half. */
	uint64_t pf = (uint32_t)prot | (uint64_t)(uint32_t)flags << 32;
	long r = px_call(PX_MMAP, (long)addr, (long)len, (long)pf, fd, offset);
	if (r < 0) {
		px_ret(r);
		return MAP_FAILED;
	}
	return (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)px_ret(px_call(PX_MUNMAP, (long)addr, (long)len, 0, 0, 0));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)px_ret(
	    px_call(PX_MPROTECT, (long)addr, (long)len, prot, 0, 0));
}

int msync(void *addr, size_t len, int flags)
{
	return (int)px_ret(
	    px_call(PX_MSYNC, (long)addr, (long)len, flags, 0, 0));
}

int shmget(key_t key, size_t size, int flags)
{
	return (int)px_ret(px_call(PX_SHMGET, key, (long)size, flags, 0, 0));
}

void *shmat(int id, const void *addr, int flags)
{
	long r = px_call(PX_SHMAT, id, (long)addr, flags, 0, 0);
	if (r < 0) {
		px_ret(r);
		return (void *)-1;
	}
	return (void *)r;
}

int shmdt(const void *addr)
{
	return (int)px_ret(px_call(PX_SHMDT, (long)addr, 0, 0, 0, 0));
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	struct px_shmid_ds d;
	long r = px_call(PX_SHMCTL, id, cmd, (long)&d, 0, 0);
	if (r == 0 && cmd == IPC_STAT && buf) {
		buf->shm_key = (long)d.key;
		buf->shm_segsz = d.size;
		buf->shm_nattch = d.nattch;
		buf->shm_cpid = (pid_t)d.cpid;
		buf->shm_lpid = (pid_t)d.lpid;
	}
	return (int)px_ret(r);
}
