/*
 * Findings 9 and 10: what execve must refuse.
 *
 * 9: a file a process runs may not be written (ETXTBSY, as Linux): open
 * for writing or with O_TRUNC fails while a copy of this program runs
 * from it, and works again once that process has gone; and a file open
 * for writing may not be run.  Before the fix the running program's
 * pages could be rewritten under it.
 *
 * 10: an image whose entry point is in no loadable executable segment is
 * ENOEXEC, and the caller goes on in its old program.  Two copies of
 * /bin/hello with the entry moved: to 0x10 (in no segment), and to its
 * data segment (loaded, not executable).  Before the fix the new image
 * replaced the old one and ran from where the old one was.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "lib/elf64.h"

#include "mm0test.h"

#define PROG "/tmp/prog"

/* Copy file `from` to `to` (made executable): 0, or -1. */
static int copy_file(const char *from, const char *to)
{
	static char buf[16 * 1024];
	int in = open(from, O_RDONLY),
	    out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	long n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	close(in);
	close(out);
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

#define RUNNING "/tmp/prog.running"

/* A process running `path` (this program, sleeping), once it runs; if
 * `wait`, until it has made RUNNING. */
static pid_t run_sleeping(const char *path, int wait)
{
	char *const argv[] = {(char *)path, "sleep", RUNNING, NULL};
	struct stat st;
	unlink(RUNNING);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, NULL);
		_exit(100 + errno);
	}
	while (wait && stat(RUNNING, &st))
		tess_thread_switch(TID_NIL);
	return pid;
}

static void text_busy(void)
{
	if (!tap_ok(copy_file("/bin/mm0test", PROG) == 0,
		    "exec: a copy of this program in " PROG))
		return;
	pid_t pid = run_sleeping(PROG, 1);
	int fd = open(PROG, O_RDONLY);
	tap_ok(fd >= 0, "exec: while a process runs it, the file opens for "
			"reading");
	close(fd);
	expect_err(open(PROG, O_WRONLY), ETXTBSY,
		   "exec: ...but for writing it is ETXTBSY");
	expect_err(open(PROG, O_RDWR), ETXTBSY, "exec: ...O_RDWR too");
	expect_err(open(PROG, O_RDONLY | O_TRUNC), ETXTBSY,
		   "exec: ...and O_TRUNC");
	kill(pid, SIGKILL);
	expect_eq(wait_exit_status(pid), PX_STATUS_KILL,
		  "exec: the process running it ends");
	fd = open(PROG, O_WRONLY);
	tap_ok(fd >= 0, "exec: now the file opens for writing");
	pid = run_sleeping(PROG, 0);
	expect_eq(wait_exit_status(pid), 100 + ETXTBSY,
		  "exec: ...and, open for writing, it may not be run "
		  "(ETXTBSY)");
	close(fd);
	pid = run_sleeping(PROG, 1);
	tap_ok(kill(pid, SIGKILL) == 0 &&
		   wait_exit_status(pid) == PX_STATUS_KILL,
	       "exec: closed, it runs again");
	unlink(PROG);
	unlink(RUNNING);
}

/* /bin/hello with its entry at `entry` (or, if 0, in its first loadable
 * segment that is not executable) in `to`: 0, or -1. */
static int hello_with_entry(const char *to, uint64_t entry)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	if (copy_file("/bin/hello", to))
		return -1;
	int fd = open(to, O_RDWR);
	if (fd < 0 || read(fd, &eh, sizeof(eh)) != sizeof(eh))
		return -1;
	for (unsigned i = 0; !entry && i < eh.phnum; i++) {
		lseek(fd, (long)(eh.phoff + i * sizeof(ph)), SEEK_SET);
		if (read(fd, &ph, sizeof(ph)) != sizeof(ph))
			return -1;
		if (ph.type == PT_LOAD && !(ph.flags & PF_X) && ph.memsz)
			entry = ph.vaddr;
	}
	eh.entry = entry;
	lseek(fd, 0, SEEK_SET);
	int r = entry && write(fd, &eh, sizeof(eh)) == sizeof(eh) ? 0 : -1;
	close(fd);
	return r;
}

static void bad_entry(uint64_t entry, const char *what)
{
	char *const argv[] = {"/tmp/badentry", NULL};
	if (!tap_ok(hello_with_entry(argv[0], entry) == 0,
		    "exec: a copy of /bin/hello with its entry %s", what))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, NULL);
		_exit(100 + errno); /* back in the old program */
	}
	expect_eq(wait_exit_status(pid), 100 + ENOEXEC,
		  "exec: ...is ENOEXEC, and the caller goes on");
	unlink(argv[0]);
}

void test_exec_checks(void)
{
	text_busy();
	bad_entry(0x10, "at 0x10, in no segment");
	bad_entry(0, "in its data segment (not executable)");
}
