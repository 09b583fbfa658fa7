/*
 * Pipes: data and EOF, O_NONBLOCK (EAGAIN both ways), the 64 KiB
 * capacity, EPIPE, pipe2 flags and fcntl, dup2 onto stdout for a child,
 * a pipeline of three processes, 1 MiB through a pipe, poll.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static void run(char *const argv[], int in, int out)
{
	if (in != 0) {
		dup2(in, 0);
		close(in);
	}
	if (out != 1) {
		dup2(out, 1);
		close(out);
	}
	execvp(argv[0], argv);
	_exit(127);
}

int main(void)
{
	int p[2], q[2], st;
	char buf[65536 + 16];
	long r;

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);

	/* Data, then EOF when the last writer closes. */
	if (pipe(p))
		return 1;
	r = write(p[1], "hello", 5);
	printf("write %ld\n", r);
	r = read(p[0], buf, sizeof(buf));
	printf("read %ld: %.*s\n", r, (int)r, buf);
	int extra = dup(p[1]);
	close(p[1]);
	r = write(extra, "!", 1);
	close(extra);
	r = read(p[0], buf, 10);
	printf("read after the first writer closed: %ld\n", r);
	r = read(p[0], buf, 10);
	printf("read after the last writer closed: %ld\n", r);
	close(p[0]);

	/* O_NONBLOCK and the capacity. */
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
		return 1;
	printf("pipe2 flags: nonblock %d cloexec %d\n",
	       !!(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	       !!(fcntl(p[1], F_GETFD) & FD_CLOEXEC));
	r = read(p[0], buf, 1);
	printf("empty nonblocking read: %ld %s\n", r, err(r));
	long filled = 0;
	memset(buf, 'x', sizeof(buf));
	while ((r = write(p[1], buf, 4096)) > 0)
		filled += r;
	printf("filled %ld bytes, then %s\n", filled, err(r));
	r = write(p[1], buf, 1);
	printf("one more byte: %ld %s\n", r, err(r));
	r = read(p[0], buf, 4096);
	printf("read %ld, then a small write: ", r);
	printf("%ld\n", (long)write(p[1], buf, 10));
	long drained = 0;
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		drained += r;
	printf("drained %ld\n", drained);
	fcntl(p[0], F_SETFL, 0);
	printf("F_SETFL cleared nonblock: %d\n",
	       !!(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	close(p[0]);
	r = write(p[1], "x", 1);
	printf("write without a reader: %ld %s\n", r, err(r));
	close(p[1]);

	/* poll: readable after a write, POLLHUP after the writer goes. */
	if (pipe(p))
		return 1;
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	printf("poll empty: %d\n", poll(&pf, 1, 0));
	r = write(p[1], "y", 1);
	r = poll(&pf, 1, 0);
	printf("poll with data: %ld, POLLIN %d\n", r, !!(pf.revents & POLLIN));
	close(p[1]);
	r = read(p[0], buf, 1);
	r = poll(&pf, 1, 0);
	printf("poll after the writer closed: %ld, POLLHUP %d\n", r,
	       !!(pf.revents & POLLHUP));
	close(p[0]);

	/* A child's stdout on a pipe. */
	if (pipe(p))
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		char *argv[] = {"echo", "from", "a", "child", NULL};
		run(argv, 0, p[1]);
	}
	close(p[1]);
	r = read(p[0], buf, sizeof(buf));
	printf("child said: %.*s", (int)r, buf);
	close(p[0]);
	waitpid(pid, &st, 0);

	/* seq 1 3000 | lxhelp cat | wc -l, with the last stage's output
	 * read here. */
	int out[2];
	if (pipe(p) || pipe(q) || pipe(out))
		return 1;
	pid_t a = fork();
	if (a == 0) {
		close(p[0]), close(q[0]), close(q[1]), close(out[0]),
		    close(out[1]);
		char *argv[] = {"seq", "1", "3000", NULL};
		run(argv, 0, p[1]);
	}
	pid_t b = fork();
	if (b == 0) {
		close(p[1]), close(q[0]), close(out[0]), close(out[1]);
		char *argv[] = {"lxhelp", "cat", NULL};
		run(argv, p[0], q[1]);
	}
	pid_t c = fork();
	if (c == 0) {
		close(p[0]), close(p[1]), close(q[1]), close(out[0]);
		char *argv[] = {"wc", "-l", NULL};
		run(argv, q[0], out[1]);
	}
	close(p[0]), close(p[1]), close(q[0]), close(q[1]), close(out[1]);
	r = read(out[0], buf, sizeof(buf));
	printf("three-stage pipeline: %.*s", (int)r, buf);
	close(out[0]);
	for (int i = 0; i < 3; i++)
		wait(NULL);

	/* 1 MiB in odd-sized writes, counted on the other side. */
	if (pipe(p) || pipe(out))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		close(out[0]);
		char *argv[] = {"lxhelp", "count", NULL};
		run(argv, p[0], out[1]);
	}
	close(p[0]);
	close(out[1]);
	long sent = 0;
	for (int i = 0; sent < 1 << 20; i++) {
		size_t n = 1 + (size_t)(i * 7919) % 9000;
		if (sent + (long)n > 1 << 20)
			n = (size_t)((1 << 20) - sent);
		for (size_t k = 0; k < n; k++)
			buf[k] = (char)(sent + (long)k);
		r = write(p[1], buf, n);
		if (r != (long)n) {
			printf("short write %ld\n", r);
			return 1;
		}
		sent += r;
	}
	close(p[1]);
	r = read(out[0], buf, sizeof(buf));
	printf("1 MiB through a pipe: %.*s", (int)r, buf);
	waitpid(pid, &st, 0);
	return 0;
}
