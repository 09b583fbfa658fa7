/*
 * mm0: start-up and the request loop.
 *
 * mm0 reads what the root task gave it (tessera/pager.h), sets up its
 * memory, unpacks the initrd into its file system, shares the
 * capabilities its processes need, starts the first program (the
 * manifest's args line) and then serves: page faults and exceptions from
 * its processes (the kernel sends them in the faulting thread's name) and
 * POSIX requests (tessera/posix.h), one at a time.  A request or a fault
 * is answered by the reply half of the next receive (IPC_REPLY: a
 * process that sent without waiting loses its answer and never holds
 * mm0), unless it blocks (wait), ends the caller (exit) or changes its
 * program (execve).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"
#include "linux/lx.h"

struct mm0_state mm0;

void mm0_log(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tess_console_write(PAGER_SLOT_CONSOLE, "mm0: ", 5);
	tess_console_write(PAGER_SLOT_CONSOLE, buf,
			   n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	tess_console_write(PAGER_SLOT_CONSOLE, "\n", 1);
}

/* /dev/console: the container's window (or the console if it has none). */
static void console_out(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tess_window_putc(PAGER_SLOT_WINDOW, s[i]) < 0) {
			tess_console_write(PAGER_SLOT_CONSOLE, s + i, n - i);
			return;
		}
}

void mm0_reply(uint32_t tid, long r)
{
	struct tess_msg m;
	memset(&m, 0, sizeof(m));
	m.mr[0] = (uint64_t)r;
	tess_reply(tid, &m);
}

/* ------------------------------------------------------------ faults */

/* The exception vectors a fault message names (x86: Intel SDM vol. 3,
 * table 6-1) that end a process with a signal of their own. */
#define VEC_DIVIDE_ERROR 0
#define VEC_INVALID_OPCODE 6

/* The signal that ends a native process for an exception. */
static int exception_signal(uint64_t vector)
{
	switch (vector) {
	case VEC_INVALID_OPCODE:
		return LX_SIGILL;
	case VEC_DIVIDE_ERROR:
		return LX_SIGFPE;
	default:
		return LX_SIGSEGV;
	}
}

/* A fault of one of our threads: serve it (0: reply resume) or end it.
 * A Linux process's system calls go to its personality (linux/), and the
 * faults it cannot be served become signals it may catch. */
static long handle_fault(struct task *t, struct tess_msg *m)
{
	char why[96];
	bool is_lx = t->proc->is_linux;

	if (m->mr[0] == IPC_TAG_SYSCALL) {
		if (is_lx) {
			/* A request, though it comes as a fault: it may not
			 * take the memory kept for faults. */
			mm0.in_request = true;
			bool answer = lx_syscall(t, m);
			mm0.in_request = false;
			return answer ? 0 : NO_REPLY;
		}
		/* Not a Tessera call, and not a Linux program. */
		m->mr[0] = FAULT_RESUME;
		m->mr[1] = (uint64_t)-ENOSYS;
		return 0;
	}
	if (is_lx) {
		if (!lx_fault(t, m))
			return NO_REPLY;
		m->mr[0] = FAULT_RESUME;
		return 0;
	}
	if (m->mr[0] == IPC_TAG_PAGEFAULT) {
		long r;
		while ((r = mm_fault(t->proc->mm, m->mr[1],
				     (uint32_t)m->mr[2])) == -ENOMEM)
			if (!task_oom(t))
				return NO_REPLY;
		if (r == 0) {
			m->mr[0] = FAULT_RESUME;
			return 0;
		}
		snprintf(why, sizeof(why),
			 "touched %lx outside its memory (rip %lx)",
			 (unsigned long)m->mr[1], (unsigned long)m->mr[3]);
		task_kill(t, LX_SIGSEGV, why);
		return NO_REPLY;
	}
	snprintf(why, sizeof(why), "took exception %lu at rip %lx",
		 (unsigned long)m->mr[1], (unsigned long)m->mr[3]);
	task_kill(t, exception_signal(m->mr[1]), why);
	return NO_REPLY;
}

/* ------------------------------------------------------------ files */

static long path_in(struct task *t, uint64_t uaddr, char *buf)
{
	long r = mm_copy_string(t->proc->mm, buf, uaddr, PX_PATH_MAX);
	return r < 0 ? r : 0;
}

/* A descriptor argument: a register value that is not an int is no
 * descriptor (-1), rather than its low 32 bits. */
static int fd_arg(uint64_t v)
{
	return v <= 0x7fffffff ? (int)v : -1;
}

/* Whether [buf, buf + n) can be user memory at all: a length that runs
 * past the user half is -EFAULT before any byte moves (Linux's
 * access_ok), not a partial transfer. */
static bool user_range(uint64_t buf, uint64_t n)
{
	return buf + n >= buf && buf + n <= TASK_USER_END;
}

/*
 * read and write copy once, straight between the file's pages and the
 * caller's frames (seen in mm0's frame window): a piece at a time, each
 * within one page of the buffer, which is made present first as the
 * process may touch it (touch in vm.c: copy-on-write, zero page, rights).
 * As on Linux, a transfer that reaches a page of the buffer it may not
 * touch returns the bytes it moved before it; only one that moved
 * nothing fails (-EFAULT, or -ENOMEM when no page could be had for the
 * buffer).  No file byte moves for a page that cannot be touched, so the
 * offset stays exact.
 */
static long do_read(struct task *t, int fd, uint64_t buf, uint64_t n)
{
	if (!user_range(buf, n))
		return -EFAULT;
	struct inode *ino = fs_fd_inode(&t->proc->fs, fd, NULL);
	long done = 0;
	if (ino)
		vmo_file_flush(ino);
	while ((uint64_t)done < n) {
		size_t in = (buf + done) & (PAGE - 1);
		size_t want = n - done < PAGE - in ? n - done : PAGE - in;
		void *p;
		long err = mm_user_page(t->proc->mm, buf + done, true, &p);
		if (err)
			return done ? done : err;
		long got = fs_read(&t->proc->fs, fd, p, want);
		if (got < 0)
			return done ? done : got;
		done += got;
		if ((size_t)got < want)
			break;
	}
	return done;
}

static long do_write(struct task *t, int fd, uint64_t buf, uint64_t n)
{
	if (!user_range(buf, n))
		return -EFAULT;
	long done = 0;
	while ((uint64_t)done < n) {
		size_t in = (buf + done) & (PAGE - 1);
		size_t want = n - done < PAGE - in ? n - done : PAGE - in;
		void *p;
		long err = mm_user_page(t->proc->mm, buf + done, false, &p);
		if (err)
			return done ? done : err;
		long put = fs_write(&t->proc->fs, fd, p, want);
		if (put < 0)
			return done ? done : put;
		struct inode *ino = fs_fd_inode(&t->proc->fs, fd, NULL);
		long end = fs_lseek(&t->proc->fs, fd, 0, PX_SEEK_CUR);
		if (ino && end >= put)
			vmo_file_update(ino, (uint64_t)(end - put), p,
					(size_t)put);
		done += put;
		if ((size_t)put < want)
			break;
	}
	return done;
}

static long do_stat(struct task *t, const uint64_t *a, bool by_fd)
{
	struct px_stat st;
	char path[PX_PATH_MAX];
	long r;
	if (by_fd) {
		r = fs_fstat(&t->proc->fs, fd_arg(a[1]), &st);
	} else {
		if ((r = path_in(t, a[1], path)))
			return r;
		r = fs_stat(&t->proc->fs, path, &st);
	}
	if (r < 0)
		return r;
	return mm_copy_out(t->proc->mm, a[2], &st, sizeof(st)) ? -EFAULT : 0;
}

/* Entries in batches.  The descriptor is checked even for count 0; a
 * batch that cannot be copied out is given back (the directory offset
 * moves back), so no entry is lost. */
#define READDIR_MAX 4096 /* entries one PX_READDIR returns at most */
#define READDIR_BATCH 8	 /* entries copied out at a time */

static long do_readdir(struct task *t, int fd, uint64_t buf, uint64_t count)
{
	struct px_dirent ents[READDIR_BATCH];
	long total = 0;
	long r = fs_readdir(&t->proc->fs, fd, ents, 0);
	if (r < 0)
		return r;
	if (count > READDIR_MAX)
		count = READDIR_MAX;
	while ((uint64_t)total < count) {
		size_t want = count - total < READDIR_BATCH ? count - total
							    : READDIR_BATCH;
		long pos = fs_lseek(&t->proc->fs, fd, 0, PX_SEEK_CUR);
		long n = fs_readdir(&t->proc->fs, fd, ents, want);
		if (n < 0)
			return total ? total : n;
		if (n && mm_copy_out(t->proc->mm, buf + total * sizeof(ents[0]),
				     ents, n * sizeof(ents[0]))) {
			fs_lseek(&t->proc->fs, fd, pos, PX_SEEK_SET);
			return total ? total : -EFAULT;
		}
		total += n;
		if ((size_t)n < want)
			break;
	}
	return total;
}

static long do_getcwd(struct task *t, uint64_t buf, uint64_t size)
{
	char cwd[PX_PATH_MAX];
	long r = fs_getcwd(&t->proc->fs, cwd, sizeof(cwd));
	if (r < 0)
		return r;
	if ((uint64_t)r + 1 > size)
		return -ERANGE;
	return mm_copy_out(t->proc->mm, buf, cwd, r + 1) ? -EFAULT : r;
}

/* The caches go back first, so that the figures count what any request
 * can get. */
static long do_stats(struct task *t, uint64_t buf)
{
	mem_settle();
	chunks_stats(&mm0.stats);
	mm0.stats.areas = t->proc->mm->nareas;
	return mm_copy_out(t->proc->mm, buf, &mm0.stats, sizeof(mm0.stats))
		   ? -EFAULT
		   : 0;
}

/* PX_ECHO_FULL: answer a full message with a full message, every word
 * complemented (Codezero's test0 calls its pager with a full IPC). */
static long echo_full(struct task *t, const struct tess_msg *m)
{
	struct utcb *u = (struct utcb *)PAGER_UTCB_ADDR;
	struct tess_msg r;

	if ((m->info & IPC_TYPE_MASK) != IPC_FULL)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	for (int i = 1; i < IPC_SHORT_MRS; i++)
		r.mr[i] = ~m->mr[i];
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = ~u->mr[i];
	tess_ipc(t->tid, TID_NIL, IPC_FULL | IPC_NONBLOCK, &r, NULL);
	return NO_REPLY;
}

/* ------------------------------------------------------------ requests */

/* The requests that name a path.  Apart, so that the path buffer is not
 * on the stack of every request (handle_request stays a short frame). */
static __attribute__((noinline)) long path_request(struct task *t,
						   const uint64_t *a)
{
	struct fs_ctx *fs = &t->proc->fs;
	char path[PX_PATH_MAX];
	long r = path_in(t, a[1], path);
	if (r)
		return r;
	switch (a[0]) {
	case PX_OPEN:
		return fs_open(fs, path, (int)a[2], (int)a[3]);
	case PX_MKDIR:
		return fs_mkdir(fs, path, (int)a[2]);
	case PX_CHDIR:
		return fs_chdir(fs, path);
	case PX_UNLINK:
		return fs_unlink(fs, path);
	default:
		return fs_rmdir(fs, path);
	}
}

static long handle_request(struct task *t, struct tess_msg *m)
{
	const uint64_t *a = m->mr;
	struct fs_ctx *fs = &t->proc->fs;
	long r;

	switch (a[0]) {
	case PX_SYNC:
		return 0;
	case PX_GETPID:
		return t->proc->pid;
	case PX_GETPPID:
		return t->proc->ppid;
	case PX_EXIT:
		task_exit(t, LX_W_EXITCODE((int)a[1]));
		return NO_REPLY;
	case PX_WAIT:
		return task_wait(t, (int32_t)a[1], a[2]);
	case PX_FORK: {
		uint32_t pid;
		r = task_fork(t, &pid);
		return r ? r : pid;
	}
	case PX_CLONE: {
		uint32_t tid;
		r = task_clone(t, a[1], a[2], &tid);
		return r ? r : tid;
	}
	case PX_EXECVE:
		return task_execve(t, a[1], a[2], a[3]);
	case PX_BRK:
		return sys_brk(t, a[1]);
	case PX_MMAP:
		return sys_mmap(t, a[1], a[2], (uint32_t)a[3],
				(uint32_t)(a[3] >> 32), fd_arg(a[4]), a[5]);
	case PX_MUNMAP:
		return sys_munmap(t, a[1], a[2]);
	case PX_MPROTECT:
		return sys_mprotect(t, a[1], a[2], (uint32_t)a[3]);
	case PX_MSYNC:
		return sys_msync(t, a[1], a[2], (int)a[3]);
	case PX_SHMGET:
		return sys_shmget(t, (long)a[1], a[2], (int)a[3]);
	case PX_SHMAT:
		return sys_shmat(t, (long)a[1], a[2], (int)a[3]);
	case PX_SHMDT:
		return sys_shmdt(t, a[1]);
	case PX_SHMCTL:
		return sys_shmctl(t, (long)a[1], (int)a[2], a[3]);
	case PX_CLOSE:
		return fs_close(fs, fd_arg(a[1]));
	case PX_READ:
		return do_read(t, fd_arg(a[1]), a[2], a[3]);
	case PX_WRITE:
		return do_write(t, fd_arg(a[1]), a[2], a[3]);
	case PX_LSEEK:
		return fs_lseek(fs, fd_arg(a[1]), (long)a[2], (int)a[3]);
	case PX_STAT:
		return do_stat(t, a, false);
	case PX_FSTAT:
		return do_stat(t, a, true);
	case PX_GETCWD:
		return do_getcwd(t, a[1], a[2]);
	case PX_READDIR:
		return do_readdir(t, fd_arg(a[1]), a[2], a[3]);
	case PX_OPEN:
	case PX_MKDIR:
	case PX_CHDIR:
	case PX_UNLINK:
	case PX_RMDIR:
		return path_request(t, a);
	case PX_DUP:
		return fs_dup(fs, fd_arg(a[1]));
	case PX_FSYNC:
		return fs_fsync(fs, fd_arg(a[1]));
	case PX_KILL: {
		struct process *p = process_find((uint32_t)a[1]);
		if (!p || p->zombie)
			return -ESRCH;
		if (a[2] != LX_SIGKILL)
			return -EINVAL; /* only SIGKILL (tessera/posix.h) */
		if (!may_signal(t->proc, p))
			return -EPERM;
		if (process_is_init(p))
			return 0; /* ignored */
		bool self = p == t->proc;
		process_exit(p, LX_W_SIGNALED(LX_SIGKILL));
		return self ? NO_REPLY : 0;
	}
	case PX_SETSID:
		return process_setsid(t->proc);
	case PX_GETSID: {
		struct process *p =
		    a[1] ? process_find((uint32_t)a[1]) : t->proc;
		return p && !p->zombie ? (long)p->sid : -ESRCH;
	}
	case PX_REQUEST_CAPABILITY:
		return cap_request(t, (uint32_t)a[1]);
	case PX_STATS:
		return do_stats(t, a[1]);
	case PX_ECHO_FULL:
		return echo_full(t, m);
	case PX_PID_TID:
		return process_main_tid(t->proc, a[1]);
	default:
		return -ENOSYS;
	}
}

/* ------------------------------------------------------------ start */

static void fs_clock(struct fs_time *t)
{
	uint64_t ns = lx_realtime_ns();
	t->sec = (int64_t)(ns / 1000000000ull);
	t->nsec = (int64_t)(ns % 1000000000ull);
}

/* A pipe changed: the threads waiting on it try again. */
static void pipe_changed(struct inode *pipe)
{
	lx_wake(LX_PARK_IO, pipe);
}

static long init(void)
{
	struct pager_bootinfo *b = (struct pager_bootinfo *)PAGER_BOOTINFO_ADDR;
	if (b->magic != PAGER_BOOTINFO_MAGIC)
		return -EINVAL;
	mm0.boot = b;
	mm0.tid = b->tid;
	mm0.cid = b->cid;
	mm0.untyped_size = 1ull << b->untyped_bits;
	tess_use_console(PAGER_SLOT_CONSOLE);
	slots_init();
	chunks_init();
	if (frames_init())
		return -ENOMEM;
	fs_set_pages(file_page_alloc, file_page_free);
	fs_set_clock(fs_clock);
	fs_set_random(random_bytes);
	fs_set_pipe_hook(pipe_changed);
	if (fs_init() < 0)
		return -ENOMEM;
	fs_set_console(console_out);
	for (uint32_t i = 0; i < b->n_modules; i++) {
		if (strcmp(b->modules[i].name, "initrd"))
			continue;
		int n = fs_load_cpio((const void *)b->modules[i].vaddr,
				     b->modules[i].size);
		if (n < 0)
			mm0_log("the initrd is malformed (%d)", n);
		else
			mm0_log("initrd: %d files", n);
	}
	return caps_setup();
}

int main(long arg)
{
	struct tess_msg m;
	uint32_t reply_to = TID_NIL;
	(void)arg;

	long r = init();
	if (r) {
		mm0_log("cannot start: %ld", r);
		return 1;
	}
	const char *prog = mm0.boot->args[0] ? mm0.boot->args : "/bin/init";
	mm0_log("ready: container %u, %lu KiB of memory, starting %s", mm0.cid,
		(unsigned long)(mm0.untyped_size >> 10), prog);
	lx_tty_start();
	r = task_start_init(prog);
	if (r) {
		mm0_log("cannot start %s: %ld", prog, r);
		return 1;
	}
	memset(&m, 0, sizeof(m));
	for (;;) {
		/* The answer and the next receive, one call (the IPC fast
		 * path): the answer goes only to a thread waiting for it, so
		 * a process that sent without receiving (not a call) cannot
		 * hold mm0; it loses its answer instead.  The receive gives
		 * up at the earliest Linux deadline. */
		uint64_t deadline = lx_timer_next_fast();
		if (deadline == DEADLINE_NEVER)
			r = tess_reply_wait(reply_to, &m);
		else
			r = tess_ipc_until(reply_to, TID_ANY,
					   IPC_SHORT | IPC_REPLY, &m, NULL,
					   deadline);
		reply_to = TID_NIL;
		if (r == -E_TIMEOUT) {
			lx_timers_run();
			lx_run_wakeups();
			memset(&m, 0, sizeof(m));
			continue;
		}
		if (r) {
			memset(&m, 0, sizeof(m));
			continue;
		}
		if (lx_tty_message(&m)) { /* typed input */
			lx_run_wakeups();
			continue;
		}
		struct task *t = task_find(m.sender);
		if (!t)
			continue; /* not one of ours: ignore */
		if (!(m.info & IPC_FROM_KERNEL)) {
			mm0.in_request = true;
			long res = handle_request(t, &m);
			mm0.in_request = false;
			if (res != NO_REPLY) {
				/* Word stores, not a memset call: this is every
				 * request's path. */
				m.mr[0] = (uint64_t)res;
				m.mr[1] = m.mr[2] = m.mr[3] = 0;
				m.mr[4] = m.mr[5] = 0;
				reply_to = t->tid;
			}
			if (lx_wakeups_due())
				lx_run_wakeups();
			continue;
		}
		if (handle_fault(t, &m) != NO_REPLY)
			reply_to = t->tid;
		if (lx_wakeups_due())
			lx_run_wakeups();
	}
}
