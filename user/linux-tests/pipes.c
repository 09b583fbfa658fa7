/*
 * Pipes: contents in order, end of file when the last writer closes
 * (across fork), a reader blocked until a writer comes, 64 KiB of room,
 * O_NONBLOCK (EAGAIN both ways), writes larger than the pipe completed
 * by a blocked writer, EPIPE with SIGPIPE when the last reader has gone
 * (the default action kills; ignored, the call just fails), poll, and
 * shared O_NONBLOCK/offsets after dup and fork.
 */
#include "lxt.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static void basics(void)
{
	int p[2];
	char b[16];
	ok(pipe(p) == 0 && p[0] >= 0 && p[1] == p[0] + 1,
	   "pipe: two descriptors");
	ok(write(p[1], "abc", 3) == 3 && write(p[1], "de", 2) == 2,
	   "write twice");
	ok(read(p[0], b, sizeof(b)) == 5 && !memcmp(b, "abcde", 5),
	   "one read takes both, in order");
	ok((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
	       (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
	   "the ends are read-only and write-only");
	ERR(write(p[0], "x", 1), EBADF, "writing the read end: EBADF");
	ERR(lseek(p[0], 0, SEEK_CUR), ESPIPE, "lseek on a pipe: ESPIPE");
	close(p[1]);
	ok(read(p[0], b, sizeof(b)) == 0,
	   "end of file once the writer is closed");
	close(p[0]);

	ok(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0 &&
	       fcntl(p[0], F_GETFD) == FD_CLOEXEC &&
	       (fcntl(p[1], F_GETFL) & O_NONBLOCK),
	   "pipe2 O_CLOEXEC | O_NONBLOCK");
	ERR(read(p[0], b, 1), EAGAIN,
	    "reading an empty O_NONBLOCK pipe: EAGAIN");
	static char big[70000];
	ssize_t n = write(p[1], big, sizeof(big));
	ok(n == 65536, "a nonblocking write fills 64 KiB and stops (%zd)", n);
	ERR(write(p[1], "x", 1), EAGAIN, "then EAGAIN");
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	ok(poll(pf, 2, 0) == 1 && (pf[0].revents & POLLIN) && !pf[1].revents,
	   "poll: readable, not writable");
	ok(read(p[0], big, 4096) == 4096, "read 4 KiB");
	ok(poll(pf, 2, 0) == 2 && (pf[1].revents & POLLOUT),
	   "poll: writable again");
	ERR(pipe2(p, 12345), EINVAL, "pipe2 bad flags: EINVAL");
	close(p[0]);
	close(p[1]);
}

static void across_fork(void)
{
	int p[2], status;
	char b[64];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 3; i++)
			write(p[1], "chunk", 5);
		_exit(0);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], b + got, sizeof(b) - got)) > 0)
		got += (size_t)n;
	ok(got == 15 && !memcmp(b, "chunkchunkchunk", 15),
	   "the parent reads all a child wrote, then end of file");
	waitpid(pid, &status, 0);
	close(p[0]);

	/* A reader that waits for a writer that comes later. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		n = read(p[0], b,
			 sizeof(b)); /* blocks until the parent writes */
		_exit(n == 4 && !memcmp(b, "late", 4) ? 0 : 1);
	}
	close(p[0]);
	for (int i = 0; i < 20; i++)
		sched_yield();
	write(p[1], "late", 4);
	close(p[1]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "a blocked reader gets the data");

	/* A writer bigger than the pipe, blocked until the reader drains. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		static char big[300000];
		memset(big, 'z', sizeof(big));
		close(p[0]);
		n = write(p[1], big, sizeof(big));
		_exit(n == (ssize_t)sizeof(big) ? 0 : 1);
	}
	close(p[1]);
	size_t total = 0;
	int allz = 1;
	while ((n = read(p[0], b, sizeof(b))) > 0) {
		total += (size_t)n;
		for (ssize_t i = 0; i < n; i++)
			allz &= b[i] == 'z';
	}
	waitpid(pid, &status, 0);
	ok(total == 300000 && allz && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0,
	   "a 300,000-byte write completes through a blocked writer (%zu)",
	   total);
	close(p[0]);

	/* O_NONBLOCK belongs to the description: a fork child's change is
	 * seen by the parent. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(fcntl(p[0], F_GETFL) & O_NONBLOCK,
	   "O_NONBLOCK set by a child is shared");
	close(p[0]);
	close(p[1]);
}

static void broken(void)
{
	int p[2], status;
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ERR(write(p[1], "x", 1), EPIPE,
	    "write with no reader, SIGPIPE ignored: EPIPE");
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	   "with the default action SIGPIPE kills the writer (status %x)",
	   status);
	close(p[1]);

	/* A writer blocked on a full pipe whose reader goes away. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		static char big[100000];
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		ssize_t n = write(p[1], big, sizeof(big));
		_exit(n == 65536 ? 0
				 : 1); /* what fitted before the reader left */
	}
	close(p[1]);
	int queued = 0;
	while (ioctl(p[0], FIONREAD, &queued) == 0 && queued < 65536)
		sched_yield(); /* until the pipe is full: the writer waits */
	close(p[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "a blocked writer whose reader leaves gets the count written "
	   "(status %x)",
	   status);

	pipe(p);
	struct pollfd pf = {p[1], POLLOUT, 0};
	close(p[0]);
	ok(poll(&pf, 1, 0) == 1 && (pf.revents & POLLERR),
	   "poll: POLLERR without a reader");
	close(p[1]);
	pipe(p);
	pf.fd = p[0];
	pf.events = POLLIN;
	close(p[1]);
	ok(poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP),
	   "poll: POLLHUP without a writer");
	close(p[0]);
}

int main(void)
{
	basics();
	across_fork();
	broken();
	return done();
}
