/*
 * File I/O: Codezero's "mini I/O test" (create a file, write, read it
 * back through a second descriptor) and its seek test (a file named after
 * the pid in /home/bahadir: write, lseek, read, compare), plus what the
 * offsets, O_APPEND, O_TRUNC, O_EXCL, stat and unlink must do, and open
 * file descriptions shared by dup and fork.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test0.h"

static const char mini_text[] = "MINI IO TEST: a line written and read back\n";

/* open, write, close, reopen, read: the same bytes. */
static void small_io(void)
{
	char buf[sizeof(mini_text) + 16];
	int fd = open("/mini_io.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!tap_ok(fd >= 0, "small I/O: open(O_CREAT) makes /mini_io.txt")) {
		tap_diag("  errno %d", errno);
		return;
	}
	expect_eq(write(fd, mini_text, sizeof(mini_text)), sizeof(mini_text),
		  "small I/O: write returns the whole count");
	expect_eq(close(fd), 0, "small I/O: close");

	fd = open("/mini_io.txt", O_RDONLY);
	tap_ok(fd >= 0, "small I/O: the file opens again read-only");
	memset(buf, 0, sizeof(buf));
	expect_eq(read(fd, buf, sizeof(buf)), sizeof(mini_text),
		  "small I/O: read stops at the end of the file");
	tap_ok(!memcmp(buf, mini_text, sizeof(mini_text)),
	       "small I/O: the bytes read are the bytes written");
	expect_eq(read(fd, buf, sizeof(buf)), 0,
		  "small I/O: then read gives 0 (end of file)");
	expect_err(write(fd, mini_text, 4), EBADF,
		   "small I/O: write to an O_RDONLY descriptor is EBADF");
	close(fd);
}

/* Codezero's fileio: /home/bahadir/newfile<pid>.txt. */
static void seek_io(void)
{
	char path[64], buf[256], text[200];
	struct stat st;
	int n = 0;

	for (int i = 0; n < (int)sizeof(text) - 20; i++)
		n += snprintf(text + n, sizeof(text) - n, "line %d;", i);
	snprintf(path, sizeof(path), "/home/bahadir/newfile%d.txt", getpid());

	int fd = open(path, O_CREAT | O_RDWR | O_EXCL, 0600);
	if (!tap_ok(fd >= 0, "seek I/O: create %s", path)) {
		tap_diag("  errno %d", errno);
		return;
	}
	expect_eq(write(fd, text, n), n, "seek I/O: write %d bytes", n);
	expect_eq(lseek(fd, 0, SEEK_CUR), n,
		  "seek I/O: the offset is past the bytes written");
	expect_eq(lseek(fd, 0, SEEK_SET), 0, "seek I/O: lseek(0, SEEK_SET)");
	memset(buf, 0, sizeof(buf));
	expect_eq(read(fd, buf, sizeof(buf)), n,
		  "seek I/O: read all of it back");
	tap_ok(!memcmp(buf, text, n),
	       "seek I/O: the bytes read are the bytes written");

	expect_eq(lseek(fd, 10, SEEK_SET), 10, "seek I/O: lseek(10, SEEK_SET)");
	memset(buf, 0, sizeof(buf));
	expect_eq(read(fd, buf, 15), 15,
		  "seek I/O: read 15 bytes at offset 10");
	tap_ok(!memcmp(buf, text + 10, 15),
	       "seek I/O: they are the file's bytes 10..24");
	expect_eq(lseek(fd, -5, SEEK_CUR), 20,
		  "seek I/O: lseek(-5, SEEK_CUR) goes back to 20");
	expect_eq(lseek(fd, -4, SEEK_END), n - 4,
		  "seek I/O: lseek(-4, SEEK_END)");
	memset(buf, 0, sizeof(buf));
	expect_eq(read(fd, buf, sizeof(buf)), 4,
		  "seek I/O: 4 bytes are left before the end");
	tap_ok(!memcmp(buf, text + n - 4, 4),
	       "seek I/O: they are the last 4 bytes");
	expect_err(lseek(fd, -1, SEEK_SET), EINVAL,
		   "seek I/O: a negative offset is EINVAL");

	/* Past the end: the gap reads as zeros. */
	expect_eq(lseek(fd, n + 100, SEEK_SET), n + 100,
		  "seek I/O: lseek past the end");
	expect_eq(write(fd, "Z", 1), 1, "seek I/O: write one byte there");
	expect_eq(fstat(fd, &st), 0, "seek I/O: fstat");
	expect_eq(st.st_size, n + 101,
		  "seek I/O: the size covers the gap and the byte");
	lseek(fd, n, SEEK_SET);
	memset(buf, 0x55, sizeof(buf));
	expect_eq(read(fd, buf, 101), 101,
		  "seek I/O: read the gap and the byte");
	int zeros = 1;
	for (int i = 0; i < 100; i++)
		zeros &= buf[i] == 0;
	tap_ok(zeros && buf[100] == 'Z',
	       "seek I/O: the gap reads as zeros, then the byte");
	expect_eq(close(fd), 0, "seek I/O: close");
	expect_err(close(fd), EBADF, "seek I/O: closing it again is EBADF");

	expect_err(open(path, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST,
		   "seek I/O: O_CREAT|O_EXCL on the existing file is EEXIST");
	fd = open(path, O_WRONLY | O_APPEND);
	expect_eq(write(fd, "END", 3), 3, "seek I/O: write with O_APPEND");
	expect_eq(lseek(fd, 0, SEEK_CUR), n + 104,
		  "seek I/O: O_APPEND wrote at the end");
	close(fd);
	fd = open(path, O_RDWR | O_TRUNC);
	expect_eq(fstat(fd, &st) == 0 ? st.st_size : -1, 0,
		  "seek I/O: O_TRUNC empties the file");
	close(fd);
	expect_eq(unlink(path), 0, "seek I/O: unlink");
	expect_err(open(path, O_RDONLY), ENOENT,
		   "seek I/O: the unlinked file is gone");
}

/* Open file descriptions are shared: by dup, and by fork (a child's read
 * moves the parent's offset); /dev/console takes writes and no lseek. */
static void shared_descriptions(void)
{
	char buf[8];
	int fd = open("/shared_offset.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (!tap_ok(fd >= 0, "file sharing: create /shared_offset.txt"))
		return;
	write(fd, "0123456789", 10);
	lseek(fd, 0, SEEK_SET);
	int fd2 = dup(fd);
	tap_ok(fd2 >= 0 && fd2 != fd,
	       "file sharing: dup gives another descriptor");
	tap_ok(read(fd2, buf, 2) == 2 && lseek(fd, 0, SEEK_CUR) == 2,
	       "file sharing: reading the dup moves the original's offset");
	close(fd2);
	pid_t pid = fork();
	if (pid == 0)
		_exit(read(fd, buf, 4) == 4 && !memcmp(buf, "2345", 4) ? 0 : 1);
	expect_eq(wait_exit_status(pid), 0,
		  "file sharing: a child reads on from the parent's offset");
	expect_eq(lseek(fd, 0, SEEK_CUR), 6,
		  "file sharing: the child's read moved the parent's offset");
	close(fd);
	unlink("/shared_offset.txt");

	static const char line[] = "# a line written to /dev/console\n";
	fd = open("/dev/console", O_WRONLY);
	expect_eq(write(fd, line, sizeof(line) - 1), sizeof(line) - 1,
		  "file sharing: a write to /dev/console takes every byte");
	expect_err(lseek(fd, 0, SEEK_SET), ESPIPE,
		   "file sharing: lseek on /dev/console is ESPIPE");
	close(fd);
}

void test_fileio_small(void)
{
	small_io();
	shared_descriptions();
}

/* One read and one write of many pages: mm0 moves them in chunks. */
static void big_io(void)
{
	const size_t n = 10 * PAGE_SIZE + 123;
	unsigned char *out = malloc(n), *in = malloc(n);
	if (!tap_ok(out && in, "big I/O: two buffers of %zu bytes", n))
		return;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(i * 31 + (i >> 12));
	memset(in, 0, n);
	int fd = open("/tmp/big.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
	expect_eq(write(fd, out, n), n, "big I/O: one write of %zu bytes", n);
	lseek(fd, 0, SEEK_SET);
	expect_eq(read(fd, in, n + 100), n,
		  "big I/O: one read gets them all back");
	tap_ok(!memcmp(in, out, n), "big I/O: byte for byte");
	close(fd);
	unlink("/tmp/big.bin");
	free(out);
	free(in);
}

void test_fileio_seek(void)
{
	seek_io();
	big_io();
}
