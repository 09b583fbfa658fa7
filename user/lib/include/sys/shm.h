/* System V shared memory (served by mm0).  shmat fails with (void *)-1. */
#ifndef _SYS_SHM_H
#define _SYS_SHM_H

#include <sys/ipc.h>
#include <sys/types.h>

/* shmctl(IPC_STAT)'s answer (mm0's layout, tessera/posix.h). */
struct shmid_ds {
	long shm_key;
	size_t shm_segsz;
	unsigned long shm_nattch;
	pid_t shm_cpid;
	pid_t shm_lpid;
};

int shmget(key_t key, size_t size, int flags);
void *shmat(int id, const void *addr, int flags);
int shmdt(const void *addr);
/* IPC_RMID (buf unused) or IPC_STAT. */
int shmctl(int id, int cmd, struct shmid_ds *buf);

#endif
