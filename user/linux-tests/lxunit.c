/*
 * lxunit: the Linux unit suite's runner, a Linux program (musl, static)
 * started by mm0 as init (user/linux-tests/manifest.txt).
 *
 * It runs every /bin/lxt-* in name order (only those named on its
 * command line, if any; "-x NAME" leaves one out), each in a child whose
 * output
 * goes through a pipe, and prints the children's "ok - ..." lines as TAP
 * with numbers ("ok N - NAME: ..."), then one line per test for its exit
 * status (0 wanted), then the plan and "lxunit: N passed, N failed".
 * Lines starting "# " pass through as they are (including "# expect:"
 * lines for the runner script); anything else is shown as a comment.
 * Its own exit status is 0: the failures are in the TAP lines.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS 64

static int number, failed;

static void result(int good, const char *name, const char *what)
{
	number++;
	if (!good)
		failed++;
	printf("%sok %d - %s: %s\n", good ? "" : "not ", number, name, what);
	fflush(stdout);
}

static void line(const char *name, char *l)
{
	if (!strncmp(l, "ok - ", 5))
		result(1, name, l + 5);
	else if (!strncmp(l, "not ok - ", 9))
		result(0, name, l + 9);
	else if (!strncmp(l, "# ", 2))
		printf("%s\n", l);
	else
		printf("# %s: %s\n", name, l);
	fflush(stdout);
}

static void run(const char *name)
{
	char path[256], buf[4096], text[8192];
	size_t have = 0;
	int p[2], status;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(path, sizeof(path), "/bin/%s", name);
	if (pipe(p)) {
		result(0, name, "pipe");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		char *argv[] = {(char *)name, NULL};
		execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	for (int errors = 0;;) {
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno != EBADF && ++errors < 100) {
			printf("# %s: read: %s\n", name, strerror(errno));
			continue; /* short of memory, say: try again */
		}
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || have == sizeof(text) - 1) {
				text[have] = 0;
				line(name, text);
				have = 0;
				if (buf[i] == '\n')
					continue;
			}
			text[have++] = buf[i];
		}
	}
	if (have) {
		text[have] = 0;
		line(name, text);
	}
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid) {
		result(0, name, "waitpid");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %s: %ld ms\n", name,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000));
	snprintf(buf, sizeof(buf), "exits 0 (status 0x%x)", status);
	result(WIFEXITED(status) && WEXITSTATUS(status) == 0, name, buf);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the command line selects test `name`. */
static int selected(int argc, char **argv, const char *name)
{
	int only = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-x")) {
			if (i + 1 < argc && !strcmp(argv[++i], name))
				return 0;
			continue;
		}
		only = 1;
		if (!strcmp(argv[i], name))
			return 1;
	}
	return !only;
}

int main(int argc, char **argv)
{
	char *names[MAX_TESTS];
	int n = 0;
	DIR *d = opendir("/bin");
	struct dirent *e;

	if (!d) {
		printf("lxunit: cannot read /bin\n");
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_TESTS)
		if (!strncmp(e->d_name, "lxt-", 4) &&
		    selected(argc, argv, e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (int i = 0; i < n; i++)
		run(names[i]);
	printf("1..%d\n", number);
	printf("lxunit: %d passed, %d failed\n", number - failed, failed);
	return 0;
}
