/*
 * lxrun: the Linux conformance suite's runner.  One static musl binary,
 * run unmodified on the build host (which makes the expected output), on
 * Linux booted in QEMU and under Tessera (where it is mm0's first
 * program); tools/lxcheck compares what it prints, case by case.
 *
 *	lxrun [-b BINDIR] [-w WORKDIR] [-t SECONDS] [CASEDIR]
 *
 * Defaults: BINDIR /bin, WORKDIR /tmp/lxrun, 60 s, CASEDIR /tests.  A case
 * is a file of CASEDIR: NAME.sh is a busybox shell script, any other
 * executable file a program; other files are not cases.  Cases run one at
 * a time in the order of their names (strcmp), each in a fresh working
 * directory WORKDIR/NAME/cwd, with stdin /dev/null, stdout and stderr in
 * the files WORKDIR/NAME/out and err, umask 022, every signal at its
 * default action and none blocked, no other file descriptor, its own
 * process group, no core files, at most 1024 file descriptors (the soft
 * limit), and the environment
 *
 *	PATH=BINDIR HOME=/ LC_ALL=C TZ=UTC0
 *
 * A script is copied to WORKDIR/NAME/script and run as
 * `BINDIR/sh ../script`, so its $0 and the shell's messages are the same
 * wherever the suite runs; a program runs as CASEDIR/NAME with argv[0]
 * NAME.  Only PATH differs between the host and a guest: a case must not
 * print it, nor anything else that depends on where or when it runs
 * (absolute paths, pids, inode numbers, times, the host's users).
 *
 * Output, on stdout, one write per line so that nothing else on a serial
 * console can cut into a line:
 *
 *	@lx case NAME
 *	@lx 1 TEXT             stdout, escaped (below), in pieces
 *	@lx 2 TEXT             stderr, the same way
 *	@lx status exit N      or "signal N" or "timeout"
 *	@lx note tsc N         rdtsc ticks the case took (guest instructions
 *	                       under QEMU -icount): information only
 *	...
 *	@lx done N             N cases run
 *
 * TEXT is the bytes with printable ASCII as it is, except '\' as "\\",
 * newline as "\n" (which also ends the piece) and every other byte as
 * "\xHH"; a piece holds at most LINE_MAX_TEXT characters.  A case that
 * runs longer than the timeout is killed with its process group (where the
 * system has alarm(); it is an aid, the suite's own timeout is outside).
 *
 * As process 1 (Linux booting it as its init) it first mounts /proc
 * (busybox runs its applets through /proc/self/exe) and devtmpfs on /dev
 * (/dev/null) where they are missing, and powers the machine off at the
 * end.  Under Tessera those calls are only made if the files are missing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAX_CASES 512
#define LINE_MAX_TEXT 100
#define PATH_LEN 1024

static const char *bindir = "/bin";
static const char *workdir = "/tmp/lxrun";
static const char *casedir = "/tests";
static unsigned timeout_s = 60;
static volatile sig_atomic_t alarmed;

/* ------------------------------------------------------------ output */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void put(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(1, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* One whole line, written at once. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[PATH_LEN + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	put(line, (size_t)n);
}

/* Escape the file at `path` as stream `tag` (1 or 2). */
static void dump(const char *path, int tag)
{
	char buf[4096], line[LINE_MAX_TEXT + 16];
	size_t len = 0, head;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		say("@lx note cannot open %s: %s", path, strerror(errno));
		return;
	}
	head = (size_t)snprintf(line, sizeof(line), "@lx %d ", tag);
	len = head;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)buf[i];
			bool end = false;
			if (c == '\\') {
				memcpy(line + len, "\\\\", 2);
				len += 2;
			} else if (c == '\n') {
				memcpy(line + len, "\\n", 2);
				len += 2;
				end = true;
			} else if (c >= 0x20 && c < 0x7f) {
				line[len++] = (char)c;
			} else {
				len += (size_t)snprintf(line + len, 5,
							"\\x%02x", c);
			}
			if (end || len - head >= LINE_MAX_TEXT) {
				line[len++] = '\n';
				put(line, len);
				len = head;
			}
		}
	}
	if (n < 0)
		say("@lx note reading %s: %s", path, strerror(errno));
	if (len > head) {
		line[len++] = '\n';
		put(line, len);
	}
	close(fd);
}

/* ------------------------------------------------------------ set-up */

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

/* Every signal to its default action, none blocked (make, CI or a shell
 * may have started us with some ignored: they would stay so in cases). */
static void default_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < 65; s++)
		sigaction(s, &sa, NULL); /* KILL, STOP, libc's own: refused */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* As Linux's init: the files busybox and the cases need. */
static void init_system(void)
{
	if (getpid() != 1)
		return;
	if (access("/proc/self/exe", F_OK)) {
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", 0, NULL))
			say("@lx note mount /proc: %s", strerror(errno));
	}
	if (access("/dev/null", F_OK)) {
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL))
			say("@lx note mount /dev: %s", strerror(errno));
	}
}

static void power_off(void)
{
	if (getpid() != 1)
		return;
	sync();
	reboot(RB_POWER_OFF);
}

static int mkdirs(const char *path)
{
	char p[PATH_LEN];
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return -1;
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		p[i] = i == n ? '\0' : '/';
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[4096];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	}
	close(in);
	close(out);
	return n < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ cases */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_script(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && !strcmp(name + n - 3, ".sh");
}

/* The cases of CASEDIR, sorted; their number, or -1. */
static int list_cases(char **names)
{
	DIR *d = opendir(casedir);
	struct dirent *e;
	struct stat st;
	char path[PATH_LEN];
	int n = 0;

	if (!d) {
		say("@lx note cannot open %s: %s", casedir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) && n < MAX_CASES) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", casedir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!is_script(e->d_name) && !(st.st_mode & 0111))
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	return n;
}

/* In the child: the case's fixed surroundings, then exec. */
static void start_case(const char *name, const char *dir, int out, int err)
{
	char path[PATH_LEN], env_path[PATH_LEN], arg0[PATH_LEN];
	char *env[] = {env_path, "HOME=/", "LC_ALL=C", "TZ=UTC0", NULL};
	char *argv[3] = {arg0, NULL, NULL};
	struct rlimit no_core = {0, 0}, files;
	int in;

	setpgid(0, 0);
	default_signals();
	umask(022);
	snprintf(path, sizeof(path), "%s/cwd", dir);
	setrlimit(RLIMIT_CORE, &no_core);
	if (!getrlimit(RLIMIT_NOFILE, &files)) {
		files.rlim_cur = 1024;
		setrlimit(RLIMIT_NOFILE, &files);
	}
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0 || chdir(path) || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0) {
		dprintf(err, "lxrun: cannot set up %s: %s\n", name,
			strerror(errno));
		_exit(126);
	}
	snprintf(env_path, sizeof(env_path), "PATH=%s", bindir);
	if (is_script(name)) {
		snprintf(path, sizeof(path), "%s/sh", bindir);
		strcpy(arg0, "sh");
		argv[1] = "../script";
	} else {
		snprintf(path, sizeof(path), "%s/%s", casedir, name);
		snprintf(arg0, sizeof(arg0), "%s", name);
	}
	execve(path, argv, env);
	dprintf(2, "lxrun: cannot run %s: %s\n", name, strerror(errno));
	_exit(127);
}

static void run_case(const char *name)
{
	char dir[PATH_LEN], path[PATH_LEN], cwd[PATH_LEN];
	int out, err, status;
	uint64_t t0, t1;
	pid_t pid, w;

	say("@lx case %s", name);
	/* Room for the longest leaf ("/script") in every path below. */
	if (snprintf(dir, sizeof(dir), "%s/%s", workdir, name) >=
	    (int)sizeof(dir) - 16) {
		say("@lx note the path %s/%s is too long", workdir, name);
		say("@lx status setup");
		return;
	}
	snprintf(cwd, sizeof(cwd), "%s/cwd", dir);
	if (mkdirs(cwd)) {
		say("@lx note cannot make %s: %s", cwd, strerror(errno));
		say("@lx status setup");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", casedir, name);
	snprintf(cwd, sizeof(cwd), "%s/script", dir);
	if (is_script(name) && copy_file(path, cwd)) {
		say("@lx note cannot copy %s: %s", path, strerror(errno));
		say("@lx status setup");
		return;
	}
	snprintf(path, sizeof(path), "%s/out", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	snprintf(path, sizeof(path), "%s/err", dir);
	err = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || err < 0) {
		say("@lx note cannot open %s: %s", path, strerror(errno));
		say("@lx status setup");
		return;
	}
	pid = fork();
	if (pid == 0)
		start_case(name, dir, out, err);
	close(out);
	close(err);
	if (pid < 0) {
		say("@lx note fork: %s", strerror(errno));
		say("@lx status setup");
		return;
	}
	setpgid(pid, pid);
	t0 = rdtsc();
	alarmed = 0;
	alarm(timeout_s);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR && !alarmed)
		;
	alarm(0);
	t1 = rdtsc();
	if (w != pid) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	snprintf(path, sizeof(path), "%s/out", dir);
	dump(path, 1);
	snprintf(path, sizeof(path), "%s/err", dir);
	dump(path, 2);
	if (w != pid)
		say("@lx status timeout");
	else if (WIFEXITED(status))
		say("@lx status exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		say("@lx status signal %d", WTERMSIG(status));
	else
		say("@lx status other %#x", status);
	say("@lx note tsc %llu", (unsigned long long)(t1 - t0));
}

static void usage(void)
{
	say("usage: lxrun [-b BINDIR] [-w WORKDIR] [-t SECONDS] [CASEDIR]");
	power_off();
	exit(2);
}

int main(int argc, char **argv)
{
	static char *names[MAX_CASES];
	struct sigaction sa;
	int n, i;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "-b"))
			bindir = argv[i + 1];
		else if (!strcmp(argv[i], "-w"))
			workdir = argv[i + 1];
		else if (!strcmp(argv[i], "-t"))
			timeout_s = (unsigned)atoi(argv[i + 1]);
		else
			usage();
	}
	if (i < argc)
		casedir = argv[i++];
	if (i < argc)
		usage();
	default_signals();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid sees EINTR */
	sigaction(SIGALRM, &sa, NULL);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	init_system();
	n = list_cases(names);
	if (n >= 0 && mkdirs(workdir))
		say("@lx note cannot make %s: %s", workdir, strerror(errno));
	for (i = 0; i < n; i++)
		run_case(names[i]);
	if (n >= 0)
		say("@lx done %d", n);
	power_off();
	return n >= 0 ? 0 : 1;
}
