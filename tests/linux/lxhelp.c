/*
 * lxhelp: a static musl program the conformance cases exec, to look at
 * what a new program gets from execve (tests/linux/cases/).  It prints
 * only what does not depend on where the suite runs.
 *
 *	lxhelp args A...     argc, then each argument in brackets
 *	lxhelp env NAME...   NAME=value, or "NAME unset", for each
 *	lxhelp fds           the open file descriptors among 0..63
 *	lxhelp sigs          HUP INT PIPE TERM USR1 USR2 CHLD: each one's
 *	                     action (default, ignored, caught) and whether
 *	                     it is blocked or pending
 *	lxhelp exit N        exit with status N
 *	lxhelp kill SIG      raise the signal numbered SIG
 *	lxhelp cat           copy stdin to stdout (through read and write)
 *	lxhelp count         count stdin's bytes and print them and a sum
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	int no;
	const char *name;
} sigs[] = {
    {SIGHUP, "HUP"},   {SIGINT, "INT"},	  {SIGPIPE, "PIPE"}, {SIGTERM, "TERM"},
    {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"}, {SIGCHLD, "CHLD"},
};

static int show_sigs(void)
{
	sigset_t blocked, pending;

	sigprocmask(SIG_BLOCK, NULL, &blocked);
	sigpending(&pending);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa;
		const char *act;
		sigaction(sigs[i].no, NULL, &sa);
		if (sa.sa_handler == SIG_DFL)
			act = "default";
		else if (sa.sa_handler == SIG_IGN)
			act = "ignored";
		else
			act = "caught";
		printf("%s %s%s%s\n", sigs[i].name, act,
		       sigismember(&blocked, sigs[i].no) ? " blocked" : "",
		       sigismember(&pending, sigs[i].no) ? " pending" : "");
	}
	return 0;
}

static int copy(int count)
{
	char buf[4096];
	unsigned long total = 0, sum = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		total += (unsigned long)n;
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		if (!count && write(1, buf, (size_t)n) != n)
			return 1;
	}
	if (n < 0) {
		perror("lxhelp: read");
		return 1;
	}
	if (count)
		printf("%lu bytes, sum %lx\n", total, sum);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "args")) {
		printf("argc=%d\n", argc);
		for (int i = 2; i < argc; i++)
			printf("[%s]\n", argv[i]);
	} else if (!strcmp(cmd, "env")) {
		for (int i = 2; i < argc; i++) {
			const char *v = getenv(argv[i]);
			if (v)
				printf("%s=%s\n", argv[i], v);
			else
				printf("%s unset\n", argv[i]);
		}
	} else if (!strcmp(cmd, "fds")) {
		printf("open:");
		for (int fd = 0; fd < 64; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				printf(" %d", fd);
		printf("\n");
	} else if (!strcmp(cmd, "sigs")) {
		return show_sigs();
	} else if (!strcmp(cmd, "exit") && argc > 2) {
		return atoi(argv[2]);
	} else if (!strcmp(cmd, "kill") && argc > 2) {
		fflush(stdout);
		raise(atoi(argv[2]));
		printf("lxhelp: still alive after signal %s\n", argv[2]);
		return 1;
	} else if (!strcmp(cmd, "cat") || !strcmp(cmd, "count")) {
		return copy(!strcmp(cmd, "count"));
	} else {
		fprintf(stderr, "lxhelp: unknown command '%s'\n", cmd);
		return 2;
	}
	return 0;
}
