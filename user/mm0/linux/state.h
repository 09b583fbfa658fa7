/*
 * What mm0 keeps for the Linux personality in each process and thread
 * (embedded in struct process and struct task, mm0.h).  Native processes
 * leave it zeroed.
 *
 * A thread of a Linux process is in one of three places: running user
 * code; in mm0, which is handling its system call or fault right now (the
 * "current" thread, linux/syscall.c); or parked: its system call could
 * not finish (an empty pipe, wait4, futex, rt_sigsuspend, a vfork child
 * still running) and mm0 has not answered it.  A parked thread keeps its
 * call (number and arguments) so that mm0 can make it again when what it
 * waits for changes, and a signal can end it with -EINTR or a restart.
 */
#ifndef MM0_LINUX_STATE_H
#define MM0_LINUX_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"

struct inode;

/* A system call as the thread made it. */
struct lx_call {
	uint64_t nr;
	uint64_t a[6];
	uint64_t rip; /* after the syscall instruction */
	uint64_t rsp;
};

/* Why a thread is parked. */
enum lx_park {
	LX_PARK_NONE,
	LX_PARK_IO,    /* a pipe (or several, poll): key is the inode or NULL */
	LX_PARK_WAIT,  /* wait4 for a child: key is the process */
	LX_PARK_FUTEX, /* a futex word: see futex.c */
	LX_PARK_SIGNAL,	 /* rt_sigsuspend, pause: only a signal ends it */
	LX_PARK_VFORK,	 /* its vfork child has not exec'd or exited */
	LX_PARK_SLEEP,	 /* nanosleep: until its deadline */
	LX_PARK_STOPPED, /* its answer is ready, but the process is stopped */
};

/* Per signal: who sent it and why (what siginfo says). */
struct lx_sigsource {
	int32_t code;
	int32_t pid;
	int32_t status;
	uint64_t addr;
};

struct lx_thread {
	uint32_t tid;	    /* as Linux programs see it */
	uint64_t clear_tid; /* set_tid_address, CLONE_CHILD_CLEARTID */
	uint64_t fs_base;   /* arch_prctl: mm0 is the only writer */
	uint64_t gs_base;
	uint64_t mask;	     /* blocked signals */
	uint64_t saved_mask; /* rt_sigsuspend: the mask to restore */
	bool mask_saved;
	uint64_t pending; /* thread-directed signals */
	struct lx_sigsource src[LX_NSIG + 1];
	struct lx_stack altstack;

	enum lx_park park;
	const void *park_key;
	uint64_t futex_off; /* with park_key: the futex word's key */
	uint32_t futex_bitset;
	struct task *futex_next; /* futex.c's queue, oldest first */
	long park_result;	 /* LX_PARK_STOPPED: the answer to give */
	struct lx_call call;	 /* the call it is in (parked or current) */
	uint64_t done;		 /* bytes a parked write has moved so far */
	uint64_t deadline; /* a timed wait ends then (monotonic us; 0: none) */
	bool redoing;	   /* the call is being made again (lx_redo) */
	/* mm0 answered the call with `answer` and has had no fault of it
	 * since: the kernel writes the answer into rax only when the thread
	 * runs again, so until then its registers show the call's number
	 * there (signal.c, deliver_async). */
	bool answered;
	long answer;
	struct task *park_next; /* the list of parked threads */
};

struct lx_process {
	struct lx_sigaction act[LX_NSIG + 1];
	uint64_t pending; /* process-directed signals */
	struct lx_sigsource src[LX_NSIG + 1];
	uint32_t pgid; /* the session is the process's: p->sid */
	uint32_t umask;
	int exit_signal;	   /* sent to the parent at the end (SIGCHLD) */
	char exe_path[256];	   /* the path of p->exe: /proc/self/exe */
	struct task *vfork_parent; /* parked until this process execs or ends */
	bool stopped;		   /* by SIGSTOP and friends */
	int stop_sig;
	bool report_stop;  /* wait4 (WUNTRACED) has not seen the stop */
	bool report_cont;  /* wait4 (WCONTINUED) has not seen the SIGCONT */
	int leader_status; /* exit(): the first thread's status */
	uint64_t alarm; /* ITIMER_REAL: SIGALRM then (monotonic us; 0: off) */
	uint64_t alarm_every; /* ...and again this often after (us; 0: once) */
};

#endif
