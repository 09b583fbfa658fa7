/*
 * The terminal: the line discipline of /dev/console and /dev/tty (one
 * terminal, both names), its session and foreground process group.
 *
 * Input.  mm0's request loop must never block, so a helper thread in
 * mm0's space loops on the kernel's input_read (the Input capability the
 * manifest's `input yes` gives mm0) into `in_buf` and calls mm0 with the
 * count; mm0 runs the bytes through the line discipline (tty_input) and
 * answers, and only then does the helper read again: `in_buf` has one
 * writer at a time.  Without the capability the terminal is "dead": reads
 * are end of file and job control is off, as before there was input (the
 * test containers rely on it).
 *
 * The line discipline is Linux's N_TTY in small: termios input flags
 * (IGNCR, ICRNL, INLCR, ISTRIP), ISIG characters (VINTR, VQUIT, VSUSP:
 * a signal to the foreground group, the input flushed unless NOFLSH, the
 * character echoed as ^C), canonical editing (VERASE, VKILL, VWERASE,
 * VEOF, VEOL, newline) and echo (ECHO, ECHOE, ECHOK, ECHONL, ECHOCTL).
 * Typed bytes wait in a ring of RING entries; an entry is a byte, or
 * flagged as the end of a line pushed by VEOF (a canonical read ends at
 * it and drops it; at the start of a read it is end of file).  `canon`
 * entries from the ring's tail are complete lines; in non-canonical mode
 * everything is readable and VMIN/VTIME decide when a read returns.  A
 * full ring drops what comes and counts it; in canonical mode the last
 * entry is kept for the newline (or VEOF) that ends the line, as N_TTY
 * does, so an over-long line is cut but still ends.
 *
 * Output goes to the kernel console: the serial line and the VGA log
 * window, which end lines at \n as OPOST|ONLCR does.  Native processes'
 * writes keep going to the container's window (fs_file.c).
 *
 * Job control: the terminal belongs to one session (the container's
 * first process's, init's, or one that takes it with TIOCSCTTY) and has a
 * foreground process group.  A process of that session outside the
 * foreground group that reads gets SIGTTIN (EIO if it ignores or blocks
 * it); that writes with TOSTOP, or changes the termios or the foreground
 * group, gets SIGTTOU unless it ignores or blocks it.  The session is
 * gone when no live process is in it any more.
 */
#include <string.h>
#include <tess_thread.h>

#include "lx.h"

#define RING 4096
#define RING_EOF 0x100 /* with the VEOF byte: a line end, not data */

/* termios bits (Linux's values). */
#define T_ISTRIP 0000040
#define T_INLCR 0000100
#define T_IGNCR 0000200
#define T_ICRNL 0000400
#define T_ISIG 0000001
#define T_ICANON 0000002
#define T_ECHO 0000010
#define T_ECHOE 0000020
#define T_ECHOK 0000040
#define T_ECHONL 0000100
#define T_NOFLSH 0000200
#define T_TOSTOP 0000400
#define T_ECHOCTL 0001000
#define T_ECHOKE 0004000
#define T_IEXTEN 0100000
enum {
	V_INTR = 0,
	V_QUIT = 1,
	V_ERASE = 2,
	V_KILL = 3,
	V_EOF = 4,
	V_TIME = 5,
	V_MIN = 6,
	V_SUSP = 10,
	V_EOL = 11,
	V_WERASE = 14,
	V_EOL2 = 16,
};

/* ioctls handled here beyond abi.h's. */
#define TCSBRK 0x5409
#define TCXONC 0x540A
#define TCFLSH 0x540B
#define TIOCOUTQ 0x5411
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TIOCINQ LX_FIONREAD

static const struct lx_termios termios_default = {
    .c_iflag = 0x500,  /* ICRNL | IXON */
    .c_oflag = 0x5,    /* OPOST | ONLCR */
    .c_cflag = 0xbf,   /* B38400 | CS8 | CREAD | HUPCL */
    .c_lflag = 0x8a3b, /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0},
};

static struct {
	bool live; /* there is input: the helper runs */
	struct lx_termios tio;
	struct lx_winsize ws;
	uint32_t sid, pgrp; /* the session it belongs to (0: none) */
	uint16_t ring[RING];
	unsigned tail, count; /* the oldest entry, how many */
	unsigned canon;	      /* entries from the tail in complete lines */
	uint64_t dropped;     /* bytes the full ring could not take */
	uint64_t flood;	      /* ...since it was last empty (logged then) */
	uint32_t helper;      /* the input thread */
	cptr_t helper_cap;
} tty = {
    .tio = termios_default,
    .ws = {24, 80, 0, 0},
};

/* What parked readers wait on (both names of the terminal). */
static const char tty_key;

/* The helper's buffer and stack: written by the helper only between its
 * call to mm0 and mm0's answer, read by mm0 in between. */
static char in_buf[RING];
static uint64_t helper_stack[512] __attribute__((aligned(16)));

/* ------------------------------------------------------------ output */

static void out_raw(const char *s, size_t n)
{
	while (n) {
		size_t k = n < 4096 ? n : 4096;
		tess_console_write(PAGER_SLOT_CONSOLE, s, k);
		s += k;
		n -= k;
	}
}

/* Output processing: the kernel console's serial line and VGA window
 * end a line at \n as ONLCR does, so bytes go out as they are (with
 * OPOST off too: a program's own \r\n is harmless). */
static void out(const char *s, size_t n)
{
	out_raw(s, n);
}

/* Echo one input byte (ECHOCTL: a control character as ^X). */
static void echo_char(uint8_t c)
{
	char b[2];
	if ((tty.tio.c_lflag & T_ECHOCTL) && (c < 32 || c == 127) &&
	    c != '\n' && c != '\t') {
		b[0] = '^';
		b[1] = (char)(c == 127 ? '?' : c + '@');
		out(b, 2);
		return;
	}
	b[0] = (char)c;
	out(b, 1);
}

/* Take back the echo of byte c (ECHOE). */
static void echo_erase(uint8_t c)
{
	bool ctl =
	    (tty.tio.c_lflag & T_ECHOCTL) && (c < 32 || c == 127) && c != '\t';
	for (int i = 0; i < (ctl ? 2 : 1); i++)
		out("\b \b", 3);
}

/* ------------------------------------------------------------ the ring */

static unsigned at(unsigned i)
{
	return (tty.tail + i) % RING;
}

/* The ring is empty: say what a flood cost, once. */
static void ring_emptied(void)
{
	if (tty.flood)
		mm0_log("terminal: %lu bytes of input dropped (%lu since boot)",
			(unsigned long)tty.flood, (unsigned long)tty.dropped);
	tty.flood = 0;
}

static void ring_flush(void)
{
	tty.tail = tty.count = tty.canon = 0;
	ring_emptied();
}

static bool ring_put(uint16_t e, bool ends_line)
{
	bool canon = tty.tio.c_lflag & T_ICANON;
	/* Canonical: the last entry is kept for a line's end. */
	unsigned room = canon && !ends_line ? RING - 1 : RING;
	if (tty.count >= room) {
		if (!tty.flood)
			mm0_log("terminal: input buffer full: dropping input");
		tty.flood++;
		tty.dropped++;
		return false;
	}
	tty.ring[at(tty.count++)] = e;
	if (!canon || ends_line)
		tty.canon = tty.count;
	return true;
}

/* Remove the newest entry of the line being edited: false if none. */
static bool ring_unput(uint8_t *c)
{
	if (tty.count <= tty.canon)
		return false;
	*c = (uint8_t)tty.ring[at(--tty.count)];
	return true;
}

/* ICANON switched on: what follows the last line end is being edited. */
static void ring_recanon(void)
{
	unsigned n = tty.count;
	while (n) {
		uint16_t e = tty.ring[at(n - 1)];
		if ((e & RING_EOF) || e == '\n' || e == tty.tio.c_cc[V_EOL] ||
		    e == tty.tio.c_cc[V_EOL2])
			break;
		n--;
	}
	tty.canon = n;
}

/* ------------------------------------------------------------ sessions */

static bool session_alive(uint32_t sid)
{
	if (!sid)
		return false;
	for (struct process *p = procs; p; p = p->next)
		if (!p->zombie && p->is_linux && p->sid == sid)
			return true;
	return false;
}

/* Whether the terminal is p's controlling terminal. */
static bool is_ctty(const struct process *p)
{
	return tty.live && tty.sid && p->sid == tty.sid &&
	       session_alive(tty.sid);
}

static void signal_group(uint32_t pgrp, int sig)
{
	struct lx_sigsource src = {LX_SI_KERNEL, 0, 0, 0};
	uint32_t pids[64];
	unsigned n = 0;
	if (!pgrp)
		return;
	/* The members first, then each found again: a signal may end
	 * processes. */
	for (struct process *p = procs; p && n < 64; p = p->next)
		if (!p->zombie && p->is_linux && p->lx.pgid == pgrp)
			pids[n++] = p->pid;
	for (unsigned i = 0; i < n; i++) {
		struct process *p = process_find(pids[i]);
		if (p && !p->zombie && p->lx.pgid == pgrp)
			lx_signal_process(p, sig, &src);
	}
}

static bool blocked_or_ignored(struct task *t, int sig)
{
	return (t->lx.mask & LX_SIGBIT(sig)) ||
	       t->proc->lx.act[sig].handler == LX_SIG_IGN;
}

/* A process group is orphaned when no member has a parent in the same
 * session but another group (nobody there to continue it). */
static bool orphaned(uint32_t pgrp)
{
	for (struct process *p = procs; p; p = p->next) {
		if (p->zombie || p->lx.pgid != pgrp)
			continue;
		struct process *q = process_find(p->ppid);
		if (q && !q->zombie && q->lx.pgid != pgrp && q->sid == p->sid)
			return false;
	}
	return true;
}

/*
 * Job control for a background process of the terminal's session: 0 if
 * t may go on; else SIGTTIN/SIGTTOU for its group and the call made
 * again after (LX_ERESTARTSYS), or -EIO.  `may_skip`: a write or a
 * change that goes on when the signal is ignored or blocked (a read gets
 * -EIO then).
 */
static long job_check(struct task *t, int sig, bool may_skip)
{
	struct process *p = t->proc;
	if (!is_ctty(p) || p->lx.pgid == tty.pgrp)
		return 0;
	if (blocked_or_ignored(t, sig))
		return may_skip ? 0 : -EIO;
	if (orphaned(p->lx.pgid))
		return -EIO;
	signal_group(p->lx.pgid, sig);
	return LX_ERESTARTSYS;
}

/* ------------------------------------------------------------ input */

/* ISIG: a signal character. */
static void input_signal(int sig, uint8_t c)
{
	if (!(tty.tio.c_lflag & T_NOFLSH))
		ring_flush();
	if (tty.tio.c_lflag & T_ECHO)
		echo_char(c);
	signal_group(tty.pgrp, sig);
}

static void input_byte(uint8_t c)
{
	const uint8_t *cc = tty.tio.c_cc;
	uint32_t lf = tty.tio.c_lflag, inf = tty.tio.c_iflag;
	bool echo = lf & T_ECHO;

	if (inf & T_ISTRIP)
		c &= 0x7f;
	if (c == '\r') {
		if (inf & T_IGNCR)
			return;
		if (inf & T_ICRNL)
			c = '\n';
	} else if (c == '\n' && (inf & T_INLCR)) {
		c = '\r';
	}
	if (lf & T_ISIG) {
		if (c && c == cc[V_INTR])
			return input_signal(LX_SIGINT, c);
		if (c && c == cc[V_QUIT])
			return input_signal(LX_SIGQUIT, c);
		if (c && c == cc[V_SUSP])
			return input_signal(LX_SIGTSTP, c);
	}
	if (!(lf & T_ICANON)) {
		if (ring_put(c, false) && echo)
			echo_char(c);
		return;
	}
	uint8_t gone;
	if (c && (c == cc[V_ERASE] || c == cc[V_WERASE] || c == cc[V_KILL])) {
		bool word = c == cc[V_WERASE] && (lf & T_IEXTEN);
		bool kill = c == cc[V_KILL];
		if (c == cc[V_WERASE] && !word)
			goto plain;
		bool seen = false; /* werase: a word character seen */
		while (tty.count > tty.canon) {
			uint8_t last = (uint8_t)tty.ring[at(tty.count - 1)];
			bool space = last == ' ' || last == '\t';
			if (word && space && seen)
				break;
			seen |= !space;
			ring_unput(&gone);
			if (echo &&
			    ((lf & T_ECHOE) || (kill && (lf & T_ECHOKE))))
				echo_erase(gone);
			if (!word && !kill)
				break;
		}
		if (kill && echo && !(lf & T_ECHOKE) && (lf & T_ECHOK))
			out("\n", 1);
		else if (echo && !(lf & T_ECHOE) && !kill)
			echo_char(c);
		return;
	}
	if (c && c == cc[V_EOF]) {
		ring_put(RING_EOF | c, true);
		return;
	}
	if (c == '\n' || (c && (c == cc[V_EOL] || c == cc[V_EOL2]))) {
		if (ring_put(c, true) &&
		    (echo || (c == '\n' && (lf & T_ECHONL))))
			echo_char(c);
		return;
	}
plain:
	if (ring_put(c, false) && echo)
		echo_char(c);
}

bool lx_tty_message(struct tess_msg *m)
{
	if (!tty.live || m->sender != tty.helper)
		return false;
	uint64_t n = m->mr[0] < sizeof(in_buf) ? m->mr[0] : sizeof(in_buf);
	for (uint64_t i = 0; i < n; i++)
		input_byte((uint8_t)in_buf[i]);
	lx_wake(LX_PARK_IO, &tty_key);
	mm0_reply(tty.helper, 0);
	return true;
}

/* The input thread: input_read, then tell mm0, forever.  It touches
 * nothing of mm0's but in_buf, and only while mm0 waits for it. */
static void helper_main(void)
{
	struct tess_msg m;
	for (;;) {
		long n = tess_input_read(PAGER_SLOT_INPUT, in_buf,
					 sizeof(in_buf), 0);
		if (n == -E_ABORTED || n == -E_BUSY) {
			tess_sleep(tess_now_us() + 10000);
			continue;
		}
		if (n < 0)
			tess_exit(0);
		memset(&m, 0, sizeof(m));
		m.mr[0] = (uint64_t)n;
		tess_call(mm0.tid, &m);
	}
}

void lx_tty_start(void)
{
	struct input_info info;
	struct thread_create tc;
	struct task_ids ids;

	if (tess_input_info(PAGER_SLOT_INPUT, &info))
		return; /* no input: the terminal stays as it was */
	if (pool_take(CAP_THREAD, &tty.helper_cap))
		goto fail;
	memset(&tc, 0, sizeof(tc));
	memset(&ids, 0, sizeof(ids));
	tc.thread = tty.helper_cap;
	tc.space = tc.cspace = tc.untyped = tc.dest = CPTR_NONE;
	tc.utcb = 0;
	tc.pager = TID_NIL;
	tc.cid = mm0.cid;
	tc.prio = PRIO_INHERIT;
	ids.tid = mm0.tid;
	if (tess_thread_control(THREAD_CREATE | TC_SHARE_SPACE, &ids, &tc)) {
		pool_give(CAP_THREAD, tty.helper_cap);
		goto fail;
	}
	tty.helper = ids.tid;
	tty.live = true;
	/* As if called: rsp + 8 is 16-byte aligned. */
	if (tess_thread_start_at(tty.helper, (uint64_t)helper_main,
				 (uint64_t)(helper_stack + 512) - 8, 0, 0, 0)) {
		tty.live = false;
		goto fail;
	}
	return;
fail:
	mm0_log("terminal: cannot start the input thread: no input");
}

bool lx_tty_live(void)
{
	return tty.live;
}

void lx_tty_process_start(struct process *p)
{
	if (tty.live && !session_alive(tty.sid)) {
		tty.sid = p->sid;
		tty.pgrp = p->lx.pgid;
	}
}

/* ------------------------------------------------------------ read, write */

/* Entries a read may take now, in the current mode. */
static unsigned readable(void)
{
	return tty.tio.c_lflag & T_ICANON ? tty.canon : tty.count;
}

int lx_tty_poll(struct task *t, int want)
{
	int got = want & FS_POLLOUT;
	(void)t;
	if (!tty.live)
		return got;
	unsigned need = 1;
	if (!(tty.tio.c_lflag & T_ICANON) && tty.tio.c_cc[V_TIME] == 0 &&
	    tty.tio.c_cc[V_MIN] > 1)
		need = tty.tio.c_cc[V_MIN];
	if ((want & FS_POLLIN) && readable() >= need)
		got |= FS_POLLIN;
	return got;
}

/* Move up to len readable bytes to `buf`: a canonical read stops after
 * a line's end; a VEOF line end is dropped (and ends the read). */
static size_t take(char *buf, size_t len)
{
	bool canon = tty.tio.c_lflag & T_ICANON;
	size_t n = 0;
	while (n < len && readable()) {
		uint16_t e = tty.ring[tty.tail];
		if (canon && (e & RING_EOF)) {
			tty.tail = at(1);
			tty.count--;
			tty.canon--;
			break;
		}
		buf[n++] = (char)(e & 0xff);
		tty.tail = at(1);
		tty.count--;
		if (tty.canon)
			tty.canon--;
		if (canon && (e == '\n' || e == tty.tio.c_cc[V_EOL] ||
			      e == tty.tio.c_cc[V_EOL2]))
			break;
	}
	if (!tty.count)
		ring_emptied();
	return n;
}

/* VMIN/VTIME: whether a non-canonical read of len returns now. */
static bool raw_ready(struct task *t, size_t len)
{
	unsigned vmin = tty.tio.c_cc[V_MIN], vtime = tty.tio.c_cc[V_TIME];
	unsigned need = vmin < len ? vmin : (unsigned)len;
	if (tty.count >= need && (need || !vtime))
		return true;
	if (!vtime)
		return false;
	/* VTIME in tenths: from the call (VMIN 0) or the first byte. */
	if (!t->lx.deadline && (!vmin || tty.count))
		t->lx.deadline = lx_now_us() + vtime * 100000ull;
	return t->lx.deadline && lx_now_us() >= t->lx.deadline;
}

long lx_tty_readv(struct task *t, int fd, const struct lx_iovec *v, unsigned n)
{
	char buf[1024];
	long r;

	if ((r = job_check(t, LX_SIGTTIN, false)))
		return r;
	/* A terminal read takes from one buffer: the first non-empty one. */
	while (n && !v->len) {
		v++;
		n--;
	}
	if (!n)
		return 0;
	size_t len = v->len < sizeof(buf) ? v->len : sizeof(buf);
	bool canon = tty.tio.c_lflag & T_ICANON;
	if (canon ? !tty.canon : !raw_ready(t, len)) {
		if (fs_getfl(&t->proc->fs, fd) & LX_O_NONBLOCK)
			return -EAGAIN;
		return lx_park(t, LX_PARK_IO, &tty_key);
	}
	/* Copy out before taking: a bad buffer consumes nothing. */
	unsigned tail = tty.tail, count = tty.count, cn = tty.canon;
	size_t got = take(buf, len);
	if (got && mm_copy_out(t->proc->mm, v->base, buf, got)) {
		tty.tail = tail;
		tty.count = count;
		tty.canon = cn;
		return -EFAULT;
	}
	return (long)got;
}

long lx_tty_write_check(struct task *t)
{
	if (!(tty.tio.c_lflag & T_TOSTOP))
		return 0;
	return job_check(t, LX_SIGTTOU, true);
}

long lx_tty_write(const char *s, size_t n)
{
	out(s, n);
	return (long)n;
}

/* ------------------------------------------------------------ ioctl */

static long set_termios(struct task *t, unsigned long req, uint64_t arg)
{
	struct lx_termios tio;
	long r;
	if (mm_copy_in(t->proc->mm, &tio, arg, sizeof(tio)))
		return -EFAULT;
	if ((r = job_check(t, LX_SIGTTOU, true)))
		return r;
	bool was = tty.tio.c_lflag & T_ICANON;
	tty.tio = tio;
	if (req == LX_TCSETSF)
		ring_flush();
	else if (was && !(tio.c_lflag & T_ICANON))
		tty.canon = tty.count;
	else if (!was && (tio.c_lflag & T_ICANON))
		ring_recanon();
	lx_wake(LX_PARK_IO, &tty_key);
	return 0;
}

/* TIOCSPGRP's test: 0 if process group pgrp has a live member in
 * session sid; -ESRCH if it has none at all, -EPERM if in another
 * session (Linux's answers). */
static long group_in(uint32_t pgrp, uint32_t sid)
{
	bool any = false;
	for (struct process *p = procs; p; p = p->next) {
		if (p->zombie || p->lx.pgid != pgrp)
			continue;
		if (p->sid == sid)
			return 0;
		any = true;
	}
	return any ? -EPERM : -ESRCH;
}

static long set_pgrp(struct task *t, uint64_t arg)
{
	uint32_t pgrp;
	long r;
	if (!is_ctty(t->proc))
		return -ENOTTY;
	if (mm_copy_in(t->proc->mm, &pgrp, arg, 4))
		return -EFAULT;
	if ((r = job_check(t, LX_SIGTTOU, true)))
		return r;
	if ((int32_t)pgrp < 0)
		return -EINVAL;
	if ((r = group_in(pgrp, tty.sid)))
		return r;
	tty.pgrp = pgrp;
	return 0;
}

/* TIOCSCTTY: a session leader without a terminal takes it, if no live
 * session has it. */
static long set_ctty(struct task *t)
{
	struct process *p = t->proc;
	if (is_ctty(p))
		return 0;
	if (p->sid != p->pid)
		return -EPERM;
	if (session_alive(tty.sid))
		return -EPERM;
	tty.sid = p->sid;
	tty.pgrp = p->lx.pgid;
	return 0;
}

/* TIOCNOTTY: the session leader gives the terminal up (its foreground
 * group gets SIGHUP and SIGCONT); for another member the terminal
 * stays its session's (one terminal per session here). */
static long no_ctty(struct task *t)
{
	struct process *p = t->proc;
	if (!is_ctty(p))
		return -ENOTTY;
	if (p->sid == p->pid) {
		uint32_t fg = tty.pgrp;
		tty.sid = tty.pgrp = 0;
		signal_group(fg, LX_SIGHUP);
		signal_group(fg, LX_SIGCONT);
	}
	return 0;
}

/* A dead terminal (no input): no sessions; the foreground group is the
 * one set last, or the caller's. */
static long dead_ioctl(struct task *t, unsigned long req, uint64_t arg)
{
	struct mm *mm = t->proc->mm;
	uint32_t pgrp;
	long r;

	switch (req) {
	case LX_TIOCGPGRP:
		pgrp = tty.pgrp ? tty.pgrp : t->proc->lx.pgid;
		return mm_copy_out(mm, arg, &pgrp, 4) ? -EFAULT : 0;
	case LX_TIOCSPGRP:
		if (mm_copy_in(mm, &pgrp, arg, 4))
			return -EFAULT;
		if ((int32_t)pgrp <= 0)
			return -EINVAL;
		if ((r = group_in(pgrp, t->proc->sid)))
			return r;
		tty.pgrp = pgrp;
		return 0;
	case LX_TIOCSCTTY:
		return 0;
	}
	return -ENOTTY;
}

long lx_tty_ioctl(struct task *t, unsigned long req, uint64_t arg)
{
	struct lx_winsize ws;
	struct mm *mm = t->proc->mm;
	uint32_t v;
	int n;

	switch (req) {
	case LX_TCGETS:
		return mm_copy_out(mm, arg, &tty.tio, sizeof(tty.tio)) ? -EFAULT
								       : 0;
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF:
		return set_termios(t, req, arg);
	case LX_TIOCGWINSZ:
		return mm_copy_out(mm, arg, &tty.ws, sizeof(tty.ws)) ? -EFAULT
								     : 0;
	case LX_TIOCSWINSZ:
		if (mm_copy_in(mm, &ws, arg, sizeof(ws)))
			return -EFAULT;
		tty.ws = ws; /* not before: a failed copy changes nothing */
		return 0;
	case TIOCINQ:
		n = tty.live ? (int)readable() : 0;
		return mm_copy_out(mm, arg, &n, 4) ? -EFAULT : 0;
	case TIOCOUTQ:
		n = 0;
		return mm_copy_out(mm, arg, &n, 4) ? -EFAULT : 0;
	case TCSBRK:
	case TCXONC:
		return 0; /* output is written at once: drained */
	case TCFLSH:
		if (arg > 2)
			return -EINVAL;
		if (arg != 1)
			ring_flush(); /* TCIFLUSH, TCIOFLUSH */
		return 0;
	}
	if (!tty.live)
		return dead_ioctl(t, req, arg);
	switch (req) {
	case LX_TIOCGPGRP:
		if (!is_ctty(t->proc))
			return -ENOTTY;
		v = tty.pgrp;
		return mm_copy_out(mm, arg, &v, 4) ? -EFAULT : 0;
	case TIOCGSID:
		if (!is_ctty(t->proc))
			return -ENOTTY;
		v = tty.sid;
		return mm_copy_out(mm, arg, &v, 4) ? -EFAULT : 0;
	case LX_TIOCSPGRP:
		return set_pgrp(t, arg);
	case LX_TIOCSCTTY:
		return set_ctty(t);
	case TIOCNOTTY:
		return no_ctty(t);
	}
	return -ENOTTY;
}
