/* POSIX open() and its flags (Linux values, from tessera/posix.h). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>
#include <tessera/posix.h>

#define O_RDONLY PX_O_RDONLY
#define O_WRONLY PX_O_WRONLY
#define O_RDWR PX_O_RDWR
#define O_ACCMODE PX_O_ACCMODE
#define O_CREAT PX_O_CREAT
#define O_EXCL PX_O_EXCL
#define O_TRUNC PX_O_TRUNC
#define O_APPEND PX_O_APPEND
#define O_DIRECTORY PX_O_DIRECTORY

/* `mode` (one more argument) is read only with O_CREAT. */
int open(const char *path, int flags, ...);

#endif
