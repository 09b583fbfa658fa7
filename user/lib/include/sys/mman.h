/* POSIX memory mappings (Linux values, from tessera/posix.h). */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>
#include <tessera/posix.h>

#define PROT_NONE 0
#define PROT_READ PX_PROT_READ
#define PROT_WRITE PX_PROT_WRITE
#define PROT_EXEC PX_PROT_EXEC

#define MAP_SHARED PX_MAP_SHARED
#define MAP_PRIVATE PX_MAP_PRIVATE
#define MAP_FIXED PX_MAP_FIXED
#define MAP_ANONYMOUS PX_MAP_ANONYMOUS
#define MAP_ANON MAP_ANONYMOUS
#define MAP_GROWSDOWN PX_MAP_GROWSDOWN

#define MAP_FAILED ((void *)-1)

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
/* New rights for the pages of [addr, addr + len): PROT_NONE makes every
 * access fault (a reservation). */
int mprotect(void *addr, size_t len, int prot);
int msync(void *addr, size_t len, int flags);

#endif
