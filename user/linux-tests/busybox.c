/*
 * Debian's busybox-static (glibc, unmodified) under the Linux
 * personality: it installs its applet links, then runs each script of
 * /lxt/sh/ (user/linux-tests/sh/) with its shell and compares what it
 * prints (stdout and stderr) with the .out file beside it: what the same
 * busybox prints on Linux.  Regenerate the .out files on a Linux machine
 * with that busybox: `busybox sh NAME.sh > NAME.out 2>&1` in a root that
 * holds only /bin (busybox and its links) and an empty /tmp.
 */
#include "lxt.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *slurp(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	char *b = malloc(st.st_size + 1);
	*n = (size_t)read(fd, b, st.st_size);
	b[*n] = 0;
	close(fd);
	return b;
}

/* Run argv with stdout and stderr into one buffer; its exit status. */
static int run(char *const argv[], char *out, size_t size, size_t *got)
{
	int p[2], st;
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		chdir("/");
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*got = 0;
	ssize_t n;
	while ((n = read(p[0], out + *got, size - 1 - *got)) > 0)
		*got += (size_t)n;
	out[*got] = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

/* The first line where a and b differ, for the log. */
static void show_difference(const char *a, const char *b)
{
	for (int line = 1;; line++) {
		const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		size_t la = ea ? (size_t)(ea - a) : strlen(a),
		       lb = eb ? (size_t)(eb - b) : strlen(b);
		if (la != lb || memcmp(a, b, la)) {
			diag("line %d: want \"%.*s\", got \"%.*s\"", line,
			     (int)la, a, (int)lb, b);
			return;
		}
		if (!ea || !eb)
			return;
		a = ea + 1;
		b = eb + 1;
	}
}

int main(void)
{
	static char out[65536];
	static const char *const scripts[] = {"pipes", "lang", "jobs",
					      "applets", "archive"};
	size_t n;

	mkdir("/tmp", 01777);
	char *install[] = {"/bin/busybox", "--install", "-s", "/bin", NULL};
	int st = run(install, out, sizeof(out), &n);
	struct stat sb;
	ok(st == 0 && lstat("/bin/sh", &sb) == 0 && S_ISLNK(sb.st_mode),
	   "busybox --install -s /bin makes the applet links (status 0x%x)",
	   st);

	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		char script[64], expected[64];
		snprintf(script, sizeof(script), "/lxt/sh/%s.sh", scripts[i]);
		snprintf(expected, sizeof(expected), "/lxt/sh/%s.out",
			 scripts[i]);
		size_t wn;
		char *want = slurp(expected, &wn);
		char *argv[] = {"/bin/sh", script, NULL};
		st = run(argv, out, sizeof(out), &n);
		int same = want && n == wn && !memcmp(out, want, n);
		if (!same && want)
			show_difference(want, out);
		ok(same && st == 0,
		   "sh %s.sh prints what it prints on Linux and exits 0 (0x%x)",
		   scripts[i], st);
		free(want);
	}
	return done();
}
