/* POSIX signals: only SIGKILL, which mm0 turns into the end of the
 * process (exit status PX_STATUS_KILL, 137). */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#define SIGKILL 9

int kill(pid_t pid, int sig);

#endif
