/* System V IPC keys and flags (Linux values, from tessera/posix.h). */
#ifndef _SYS_IPC_H
#define _SYS_IPC_H

#include <sys/types.h>
#include <tessera/posix.h>

#define IPC_CREAT PX_IPC_CREAT
#define IPC_EXCL PX_IPC_EXCL
#define IPC_PRIVATE ((key_t)PX_IPC_PRIVATE)
#define IPC_RMID PX_IPC_RMID
#define IPC_STAT PX_IPC_STAT

#endif
