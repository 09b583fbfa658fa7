/*
 * The terminal (mm0's linux/tty.c) on standard input: hostile ioctl
 * arguments, then, when it is this process's controlling terminal (the
 * shell's session: tools/tty-suite.py runs it there), reads that would
 * wait, poll, and job control: a background read stops the reader with
 * SIGTTIN (EIO when SIGTTIN is ignored), a background write with TOSTOP
 * stops the writer with SIGTTOU, a background tcsetattr with SIGTTOU
 * blocked goes through.  Under lxunit the terminal has no input and no
 * session, and only the first part runs.
 */
#include "lxt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>

/* A child in a process group of its own (so in the background) runs
 * fn; what ended or stopped it. */
static int in_background(void (*fn)(void))
{
	int st = 0;
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		fn();
		_exit(0);
	}
	setpgid(pid, pid);
	if (waitpid(pid, &st, WUNTRACED) != pid)
		return -1;
	if (WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return st;
}

static void bg_read(void)
{
	char c;
	_exit(read(0, &c, 1) < 0 ? 100 + errno : 0);
}

static void bg_read_ignoring(void)
{
	signal(SIGTTIN, SIG_IGN);
	bg_read();
}

static void bg_write(void)
{
	_exit(write(1, "", 0) < 0 ? 100 + errno : 0);
}

static void bg_setattr_blocked(void)
{
	struct termios t;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGTTOU);
	sigprocmask(SIG_BLOCK, &s, NULL);
	tcgetattr(0, &t);
	_exit(tcsetattr(0, TCSANOW, &t) < 0 ? 100 + errno : 0);
}

static void hostile(void)
{
	struct termios before, after;
	struct winsize ws;
	int pg = -1;

	/* musl's termios is longer than what TCGETS fills. */
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	ok(tcgetattr(0, &before) == 0, "tty: TCGETS");
	ok(RAW(SYS_ioctl, 0, TCGETS, (long)KADDR, 0, 0, 0) == -EFAULT,
	   "tty: TCGETS to a kernel address is EFAULT");
	ok(RAW(SYS_ioctl, 0, TCSETS, (long)NOADDR, 0, 0, 0) == -EFAULT,
	   "tty: TCSETS from an unmapped address is EFAULT");
	ok(tcgetattr(0, &after) == 0 && !memcmp(&before, &after, sizeof(after)),
	   "tty: ...and the termios is unchanged");
	memset(&ws, 0, sizeof(ws));
	ok(ioctl(0, TIOCGWINSZ, &ws) == 0,
	   "tty: TIOCGWINSZ: %d rows, %d columns", ws.ws_row, ws.ws_col);
	ok(RAW(SYS_ioctl, 0, TIOCSWINSZ, (long)KADDR, 0, 0, 0) == -EFAULT,
	   "tty: TIOCSWINSZ from a kernel address is EFAULT");
	/* Half of it on a page, half past its end: EFAULT, nothing set. */
	char *pg2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct winsize now;
	if (pg2 != MAP_FAILED && munmap(pg2 + 4096, 4096) == 0) {
		unsigned short *half = (unsigned short *)(pg2 + 4096 - 4);
		half[0] = (unsigned short)(ws.ws_row + 1);
		half[1] = (unsigned short)(ws.ws_col + 1);
		long e = RAW(SYS_ioctl, 0, TIOCSWINSZ, (long)half, 0, 0, 0);
		memset(&now, 0, sizeof(now));
		ioctl(0, TIOCGWINSZ, &now);
		ok(e == -EFAULT && now.ws_row == ws.ws_row &&
		       now.ws_col == ws.ws_col,
		   "tty: TIOCSWINSZ across the end of memory: EFAULT, the size "
		   "unchanged (%d rows, %d columns)",
		   now.ws_row, now.ws_col);
		munmap(pg2, 4096);
	}
	ok(RAW(SYS_ioctl, 0, TIOCSPGRP, (long)&pg, 0, 0, 0) == -EINVAL,
	   "tty: TIOCSPGRP of -1 is EINVAL");
	pg = 0x3ffffe;
	ok(RAW(SYS_ioctl, 0, TIOCSPGRP, (long)&pg, 0, 0, 0) == -ESRCH,
	   "tty: TIOCSPGRP of a group that is not there is ESRCH");
	ok(RAW(SYS_ioctl, 0, 0x54ff, 0, 0, 0, 0) == -ENOTTY,
	   "tty: an unknown request is ENOTTY");
	ok(RAW(SYS_ioctl, 0, TIOCGPGRP, (long)KADDR, 0, 0, 0) == -EFAULT,
	   "tty: TIOCGPGRP to a kernel address is EFAULT");
}

static void controlling(void)
{
	struct termios saved, raw;
	struct pollfd p = {0, POLLIN, 0};
	char c;
	int n = -1, st;

	int r = tcflush(0, TCIFLUSH) == 0 && ioctl(0, FIONREAD, &n) == 0;
	ok(r && n == 0, "tty: after TCFLSH nothing is readable (FIONREAD %d)",
	   n);
	ok(poll(&p, 1, 100) == 0, "tty: poll: not readable, times out");
	p.events = POLLOUT;
	ok(poll(&p, 1, 0) == 1 && (p.revents & POLLOUT), "tty: poll: writable");
	int fl = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, fl | O_NONBLOCK);
	ERR(read(0, &c, 1), EAGAIN, "tty: O_NONBLOCK read of nothing: EAGAIN");
	fcntl(0, F_SETFL, fl);
	tcgetattr(0, &saved);
	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	ok(tcsetattr(0, TCSANOW, &raw) == 0 && read(0, &c, 1) == 0,
	   "tty: VMIN 0 VTIME 0 with nothing typed: read returns 0");
	tcsetattr(0, TCSANOW, &saved);
	ok(ioctl(0, TIOCSCTTY, 0) == 0,
	   "tty: TIOCSCTTY on its own terminal is 0");

	st = in_background(bg_read);
	ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN,
	   "tty: a background read stops with SIGTTIN (status %#x)", st);
	st = in_background(bg_read_ignoring);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 100 + EIO,
	   "tty: ...with SIGTTIN ignored it is EIO (status %#x)", st);
	st = in_background(bg_write);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "tty: a background write goes through without TOSTOP");
	raw = saved;
	raw.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &raw);
	st = in_background(bg_write);
	ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU,
	   "tty: ...with TOSTOP it stops with SIGTTOU (status %#x)", st);
	st = in_background(bg_setattr_blocked);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "tty: a background tcsetattr with SIGTTOU blocked goes through");
	tcsetattr(0, TCSANOW, &saved);

	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		_exit(tcgetpgrp(0) < 0 && errno == ENOTTY ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "tty: after setsid it is not the caller's terminal (ENOTTY)");
}

int main(void)
{
	pid_t sid = -1;
	if (!isatty(0)) {
		diag("standard input is not a terminal: nothing to test");
		return 0;
	}
	hostile();
	if (ioctl(0, TIOCGSID, &sid) == 0 && sid == getsid(0) &&
	    tcgetpgrp(0) == getpgrp())
		controlling();
	else
		diag("not the foreground of its controlling terminal: the "
		     "job-control cases are left out");
	return done();
}
