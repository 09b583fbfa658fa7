/*
 * What Codezero's own test0 did that the other areas do not: a full IPC
 * call to the pager answered with a full message (its ipc_full_test); an
 * exec of a program written to a file at run time with write() and an
 * exec by a process with a live child, keeping its pid (its exectest, run
 * by parent_of_all); two independent open()s of one file seeing each
 * other's writes and an 8 KiB read at once (its small_io_test); files with
 * page-sized holes.  And the capability request naming the asker itself,
 * and bss laid out on purpose (the seed's 9b71f2b, user/posix/bsstest).
 * docs/codezero.md lists where Tessera's answers differ from Codezero's.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test0.h"

#define TEST_EXEC "/bin/test_exec"
#define WRITTEN_EXEC "/tmp/written_exec"
#define ECHO_WORD(i) (0xEC40000000000000ull + (uint64_t)(i)*0x10001ull)

/* ------------------------------------------------------------ full IPC */

static void full_echo(void)
{
	struct utcb *u = posix_utcb();
	uint32_t pager = posix_pager();
	struct tess_msg m;

	memset(&m, 0, sizeof(m));
	m.mr[0] = PX_ECHO_FULL;
	for (int i = 1; i < IPC_SHORT_MRS; i++)
		m.mr[i] = ECHO_WORD(i);
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		u->mr[i] = ECHO_WORD(i);
	long r = tess_ipc(pager, pager, IPC_FULL, &m, NULL);
	expect_eq(r, 0, "codezero: a full IPC call to mm0 is answered");
	tap_ok(r == 0 && m.sender == pager &&
		   (m.info & IPC_TYPE_MASK) == IPC_FULL,
	       "codezero: mm0's answer is a full message");
	int words = r == 0 && m.mr[0] == 0;
	for (int i = 1; i < IPC_SHORT_MRS; i++)
		words += m.mr[i] == ~ECHO_WORD(i);
	for (int i = IPC_SHORT_MRS; i < UTCB_MRS; i++)
		words += u->mr[i] == ~ECHO_WORD(i);
	expect_eq(words, UTCB_MRS,
		  "codezero: all %d words come back (MR0 0, every other one "
		  "complemented: mm0 read the whole message)",
		  UTCB_MRS);
	expect_eq(px_raw(PX_ECHO_FULL, 1, 2, 3, 4, 5), -EINVAL,
		  "codezero: PX_ECHO_FULL sent as a short message is EINVAL");
	expect_eq(posix_request_cap(posix_self_tid()), -EINVAL,
		  "codezero: a capability request naming the asker itself is "
		  "EINVAL");
}

/* ------------------------------------------------------------ exec */

/* Copy `from` into a new file `to` with write(), `chunk` bytes a call:
 * the bytes copied, or -1. */
static long copy_file(const char *from, const char *to, size_t chunk)
{
	static char buf[1500];
	int in = open(from, O_RDONLY), out;
	long total = 0, n;

	if (in < 0)
		return -1;
	out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, chunk < sizeof(buf) ? chunk : sizeof(buf))) >
	       0) {
		if (write(out, buf, n) != n) {
			total = -1;
			break;
		}
		total += n;
	}
	close(in);
	close(out);
	return n < 0 ? -1 : total;
}

/* Codezero's exectest wrote the test_exec ELF into a new file and exec'd
 * that file. */
static void exec_written_file(void)
{
	struct stat a, b;
	char pager_env[32];
	char *const argv[] = {TEST_EXEC,   "FIRST ARG",	 "SECOND ARG",
			      "THIRD ARG", "FOURTH ARG", NULL};
	char *const envp[] = {"parent_of_all=yes", pager_env, NULL};

	long n = copy_file(TEST_EXEC, WRITTEN_EXEC, 1000);
	if (!tap_ok(n > 0 && stat(TEST_EXEC, &a) == 0 &&
			stat(WRITTEN_EXEC, &b) == 0 && a.st_size == n &&
			b.st_size == n,
		    "codezero: test_exec copied with write() into %s, 1000 "
		    "bytes a call",
		    WRITTEN_EXEC))
		tap_diag("  copied %ld bytes", n);
	snprintf(pager_env, sizeof(pager_env), "pagerid=%u", posix_pager());
	pid_t pid = fork();
	if (pid == 0) {
		execve(WRITTEN_EXEC, argv, envp);
		_exit(100 + errno);
	}
	expect_eq(wait_exit_status(pid), 0,
		  "codezero: a child execs the file written at run time; it "
		  "exits 0");
	unlink(WRITTEN_EXEC);
}

/* Codezero's exectest ran in parent_of_all, which had live children: the
 * exec keeps the pid and the children (test_exec "children" checks). */
static void exec_with_children(void)
{
	static const char done[] = "/tmp/exec_kept_children";
	char pid_s[16], child_s[16];
	struct stat st;

	unlink(done);
	pid_t pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		pid_t child = fork();
		if (child == 0) {
			/* Alive until the exec'd program makes the file. */
			for (int i = 0; i < 200000; i++) {
				if (stat(done, &st) == 0)
					_exit(7);
				tess_thread_switch(TID_NIL);
			}
			_exit(9);
		}
		snprintf(pid_s, sizeof(pid_s), "%d", me);
		snprintf(child_s, sizeof(child_s), "%d", child);
		char *const argv[] = {TEST_EXEC, "children",   pid_s,
				      child_s,	 (char *)done, NULL};
		execve(TEST_EXEC, argv, NULL);
		_exit(100 + errno);
	}
	int status = -1;
	pid_t got = waitpid(pid, &status, 0);
	tap_ok(got == pid && WIFEXITED(status),
	       "codezero: a process with a live child execs, and its parent "
	       "reaps it under the pid fork gave");
	expect_eq(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
		  "codezero: after the exec it has the same pid and still its "
		  "child, which it reaps (status 7)");
	unlink(done);
}

/* ------------------------------------------------------------ files */

static unsigned char pat(long off)
{
	return (unsigned char)(off * 7 + (off >> 9) + 3);
}

/* Codezero's small_io_test: two open()s of one file, one writing, the
 * other reading; each has its own offset. */
static void two_opens(void)
{
	static const char path[] = "/tmp/two_opens.txt";
	char buf[32];
	int fd1 = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	int fd2 = open(path, O_RDWR);

	if (!tap_ok(fd1 >= 0 && fd2 >= 0 && fd1 != fd2,
		    "codezero: two open()s of one file"))
		return;
	for (int i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "abcdefg%d", i);
		lseek(fd1, (off_t)i * PAGE_SIZE, SEEK_SET);
		write(fd1, buf, strlen(buf) + 1);
	}
	int same = 0;
	for (int i = 0; i < 4; i++) {
		char want[32];
		snprintf(want, sizeof(want), "abcdefg%d", i);
		memset(buf, 0, sizeof(buf));
		lseek(fd2, (off_t)i * PAGE_SIZE, SEEK_SET);
		same += read(fd2, buf, 30) > 0 && !strcmp(buf, want);
	}
	expect_eq(same, 4,
		  "codezero: the second sees what the first wrote at 4 page "
		  "offsets");
	expect_eq(lseek(fd1, 0, SEEK_CUR), 3 * PAGE_SIZE + 9,
		  "codezero: the reads did not move the first one's offset");
	lseek(fd2, 1, SEEK_SET);
	write(fd2, "XY", 2);
	lseek(fd1, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	tap_ok(read(fd1, buf, 8) == 8 && !memcmp(buf, "aXYdefg0", 8),
	       "codezero: and the first sees what the second wrote");
	close(fd1);
	close(fd2);
	unlink(path);
}

/* One read of 8 KiB at an odd offset into an odd address: mm0 copies in
 * 4 KiB pieces, so the read crosses its copy size and three of the
 * file's pages. */
static void read_8k(void)
{
	static const char path[] = "/tmp/read8k.bin";
	const long size = 3 * PAGE_SIZE, off = 1234, n = 8192;
	unsigned char *file = malloc(size), *buf = malloc(n + 2);
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (!tap_ok(file && buf && fd >= 0, "codezero: a 3-page file"))
		return;
	for (long i = 0; i < size; i++)
		file[i] = pat(i);
	write(fd, file, size);
	lseek(fd, off, SEEK_SET);
	memset(buf, 0, n + 2);
	expect_eq(read(fd, buf + 1, n), n,
		  "codezero: one read of 8192 bytes returns them all");
	int right = 1;
	for (long i = 0; i < n; i++)
		right &= buf[1 + i] == pat(off + i);
	tap_ok(right && buf[0] == 0 && buf[n + 1] == 0,
	       "codezero: they are the file's bytes %ld..%ld, and no byte "
	       "around them was written",
	       off, off + n - 1);
	expect_eq(lseek(fd, 0, SEEK_CUR), off + n,
		  "codezero: the offset moved by 8192");
	close(fd);
	unlink(path);
	free(file);
	free(buf);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A file with page-sized holes: pages 0 and 3 written, 1 and 2 never. */
static void sparse_file(void)
{
	static const char path[] = "/tmp/sparse.bin";
	static unsigned char page[PAGE_SIZE], back[4 * PAGE_SIZE];
	struct stat st;
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (!tap_ok(fd >= 0, "codezero: create %s", path))
		return;
	for (long i = 0; i < (long)PAGE_SIZE; i++)
		page[i] = pat(i) | 1;
	write(fd, page, PAGE_SIZE);
	expect_eq(lseek(fd, 3 * PAGE_SIZE, SEEK_SET), 3 * PAGE_SIZE,
		  "codezero: lseek two pages past the end");
	expect_eq(write(fd, page, PAGE_SIZE), PAGE_SIZE,
		  "codezero: write a page there");
	expect_eq(fstat(fd, &st) == 0 ? st.st_size : -1, 4 * PAGE_SIZE,
		  "codezero: the file is 4 pages long, holes included");
	lseek(fd, 0, SEEK_SET);
	memset(back, 0xAA, sizeof(back));
	expect_eq(read(fd, back, sizeof(back)), sizeof(back),
		  "codezero: read the 4 pages in one go");
	tap_ok(!memcmp(back, page, PAGE_SIZE) &&
		   all_zero(back + PAGE_SIZE, 2 * PAGE_SIZE) &&
		   !memcmp(back + 3 * PAGE_SIZE, page, PAGE_SIZE),
	       "codezero: the two holes read as zeros between the pages "
	       "written");
	lseek(fd, 2 * PAGE_SIZE - 1, SEEK_SET);
	write(fd, "ab", 2);
	lseek(fd, PAGE_SIZE, SEEK_SET);
	read(fd, back, 2 * PAGE_SIZE);
	tap_ok(all_zero(back, PAGE_SIZE - 1) && back[PAGE_SIZE - 1] == 'a' &&
		   back[PAGE_SIZE] == 'b' &&
		   all_zero(back + PAGE_SIZE + 1, PAGE_SIZE - 1),
	       "codezero: two bytes written across the holes' boundary; the "
	       "rest is still zeros");
	unsigned char *m =
	    mmap(NULL, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	tap_ok(m != MAP_FAILED &&
		   all_zero(m + 2 * PAGE_SIZE + 1, PAGE_SIZE - 1) &&
		   m[3 * PAGE_SIZE] == page[0],
	       "codezero: mapped, the hole reads as zeros too");
	if (m != MAP_FAILED)
		munmap(m, 4 * PAGE_SIZE);
	close(fd);
	unlink(path);
}

/* ------------------------------------------------------------ bss */

/* bsstest's exit bits (user/posix/bsstest/main.c) and what each says. */
static const char *const bss_checks[] = {
    "bsstest: its data ends 0x980 into a page, bss fills the rest of it, "
    "then whole page-aligned bss pages",
    "bsstest: in its file the bytes after the data are not zeros",
    "bss: the initialized data in the last data page is intact",
    "bss: the bss sharing the last data page reads as zeros (not the "
    "file's bytes)",
    "bss: the whole bss pages read as zeros",
    "bss: reading them mapped the zero page: they are anonymous memory",
    "bss: writes to both kinds of bss stick, and the data stays intact",
};

static void bss_layout(void)
{
	char *const argv[] = {"/bin/bsstest", NULL};
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, NULL);
		_exit(255);
	}
	int st = wait_exit_status(pid);
	if (!tap_ok(st >= 0 && st < 128, "bss: /bin/bsstest ran")) {
		tap_diag("  status %d", st);
		return;
	}
	for (unsigned i = 0; i < sizeof(bss_checks) / sizeof(bss_checks[0]);
	     i++)
		tap_ok(!(st & (1 << i)), "%s", bss_checks[i]);
}

void test_codezero(void)
{
	full_echo();
	two_opens();
	read_8k();
	sparse_file();
	exec_written_file();
	exec_with_children();
	bss_layout();
}
