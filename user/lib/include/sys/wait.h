/*
 * POSIX wait.  The status is encoded as on Linux (exit code in bits 8..15);
 * a process mm0 ended counts as exited with a shell-like status
 * (PX_STATUS_SEGV 139, PX_STATUS_KILL 137, ...).  No options are supported:
 * waitpid's must be 0.
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

#define WIFEXITED(s) (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);

#endif
