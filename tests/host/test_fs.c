/* mm0's file system (user/mm0/fs.c, cpio.c) on the host C library. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "user/mm0/fs.h"

#define RD PX_O_RDONLY
#define WR PX_O_WRONLY
#define RW PX_O_RDWR
#define CREAT PX_O_CREAT

/* ---- what the console received ---- */

static char console_buf[256];
static size_t console_len;

static void console_capture(const char *s, size_t n)
{
	if (n > sizeof(console_buf) - 1 - console_len)
		n = sizeof(console_buf) - 1 - console_len;
	memcpy(console_buf + console_len, s, n);
	console_len += n;
	console_buf[console_len] = '\0';
}

/* ---- building cpio newc archives ---- */

struct archive {
	unsigned char buf[8192];
	size_t len;
};

static void ar_pad(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* An entry with namesize and filesize as given (to lie about them). */
static void ar_raw(struct archive *a, const char *name, size_t namesize,
		   unsigned mode, const void *data, size_t filesize,
		   size_t datalen)
{
	char hdr[111];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 1u, mode, 0u, 0u, 1u, 0u, (unsigned)filesize, 0u, 0u, 0u, 0u,
		 (unsigned)namesize, 0u);
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += namesize;
	ar_pad(a);
	memcpy(a->buf + a->len, data, datalen);
	a->len += datalen;
	ar_pad(a);
}

static void ar_add(struct archive *a, const char *name, unsigned mode,
		   const char *data)
{
	size_t n = data ? strlen(data) : 0;

	ar_raw(a, name, strlen(name) + 1, mode, data ? data : "", n, n);
}

static void ar_end(struct archive *a)
{
	ar_add(a, "TRAILER!!!", 0, NULL);
}

/* ---- helpers ---- */

static struct fs_ctx ctx;

static void fresh(void)
{
	fs_ctx_release(&ctx);
	fs_shutdown();
	fs_init();
	fs_ctx_init(&ctx);
}

/* The whole content of `path`, NUL-terminated, in a static buffer. */
static const char *slurp(const char *path)
{
	static char buf[512];
	int fd = fs_open(&ctx, path, RD, 0);
	long n;

	if (fd < 0)
		return "(open failed)";
	n = fs_read(&ctx, fd, buf, sizeof(buf) - 1);
	fs_close(&ctx, fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int put(const char *path, const char *text)
{
	int fd = fs_open(&ctx, path, WR | CREAT | PX_O_TRUNC, 0644);

	if (fd < 0)
		return fd;
	fs_write(&ctx, fd, text, strlen(text));
	return fs_close(&ctx, fd);
}

static const char *norm(const char *cwd, const char *path)
{
	static char out[PX_PATH_MAX];
	int r = fs_normalize(cwd, path, out, sizeof(out));

	if (r < 0)
		snprintf(out, sizeof(out), "error %d", r);
	return out;
}

#define N_EQ(cwd, path, want)                                                  \
	do {                                                                   \
		const char *_g = norm(cwd, path);                              \
		t_ok(!strcmp(_g, want), "normalize %s + %s -> %s", cwd, path,  \
		     want);                                                    \
		if (strcmp(_g, want))                                          \
			printf("#   got %s\n", _g);                            \
	} while (0)

#define S_EQ(got, want, ...)                                                   \
	do {                                                                   \
		const char *_g = (got);                                        \
		t_ok(!strcmp(_g, want), __VA_ARGS__);                          \
		if (strcmp(_g, want))                                          \
			printf("#   got \"%s\"\n", _g);                        \
	} while (0)

static char long_name[PX_NAME_MAX + 1];

/* ---- the tests ---- */

static void test_normalize(void)
{
	char small[4], path[PX_PATH_MAX + 8];

	N_EQ("/", "/usr/./././bin//", "/usr/bin");
	N_EQ("/", "/", "/");
	N_EQ("/", "//", "/");
	N_EQ("/", ".", "/");
	N_EQ("/", "..", "/");
	N_EQ("/", "/../../..", "/");
	N_EQ("/", "/../etc/../usr", "/usr");
	N_EQ("/home", "bahadir", "/home/bahadir");
	N_EQ("/home/bahadir", "..", "/home");
	N_EQ("/home/bahadir", "../../../x/./y/", "/x/y");
	N_EQ("/home", "/abs", "/abs");
	N_EQ("/a", "b/../c/.", "/a/c");
	N_EQ("/", "a..b/.x/...", "/a..b/.x/...");
	T_EQ(fs_normalize("/", "", small, sizeof(small)), -ENOENT,
	     "normalize: the empty path is -ENOENT");
	T_EQ(fs_normalize("/", "/abcd", small, sizeof(small)), -ENAMETOOLONG,
	     "normalize: a result too long for out");
	T_EQ(fs_normalize("/", "/ab", small, sizeof(small)), 3,
	     "normalize: returns the length");
	T_EQ(fs_normalize("rel", "x", small, sizeof(small)), -EINVAL,
	     "normalize: a relative cwd is -EINVAL");
	T_EQ(fs_normalize("/", NULL, small, sizeof(small)), -EFAULT,
	     "normalize: a NULL path is -EFAULT");

	memset(long_name, 'n', PX_NAME_MAX);
	long_name[PX_NAME_MAX] = '\0';
	snprintf(path, sizeof(path), "/%s", long_name);
	T_EQ(fs_normalize("/", path, path, sizeof(path)), -ENAMETOOLONG,
	     "normalize: a component of PX_NAME_MAX bytes is too long");
	snprintf(path, sizeof(path), "/%.*s", PX_NAME_MAX - 1, long_name);
	T_EQ(fs_normalize("/", path, path, sizeof(path)), PX_NAME_MAX,
	     "normalize: a component of PX_NAME_MAX-1 bytes is fine");
	char out[PX_PATH_MAX];
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	for (int i = 32; i < PX_PATH_MAX; i += 32)
		path[i] = '/';
	path[PX_PATH_MAX - 1] = '\0';
	T_EQ(fs_normalize("/", path, out, sizeof(out)), PX_PATH_MAX - 1,
	     "normalize: a path of PX_PATH_MAX-1 bytes fits");
	S_EQ(out, path, "unchanged");
	T_EQ(fs_normalize("/", path, out, PX_PATH_MAX - 1), -ENAMETOOLONG,
	     "normalize: but not in a smaller out");
	path[PX_PATH_MAX - 1] = 'a';
	path[PX_PATH_MAX] = '\0';
	T_EQ(fs_normalize("/", path, out, sizeof(out)), -ENAMETOOLONG,
	     "normalize: a path of PX_PATH_MAX bytes is too long");
	path[PX_PATH_MAX - 1] = '\0';
	T_EQ(fs_normalize("/", path + 1, out, sizeof(out)), PX_PATH_MAX - 1,
	     "normalize: relative, 254 bytes after cwd / fit...");
	T_EQ(fs_normalize("/x", path + 1, out, sizeof(out)), -ENAMETOOLONG,
	     "normalize: ...but not after cwd /x");
}

static void test_init_console(void)
{
	struct px_stat st;
	char b[8];

	T_EQ(fs_ctx_init(&ctx), -EINVAL, "ctx_init before fs_init is -EINVAL");
	T_EQ(fs_init(), 0, "fs_init");
	T_EQ(fs_init(), 0, "fs_init again is a no-op");
	T_EQ(fs_ctx_init(&ctx), 0, "ctx_init");
	fs_set_console(console_capture);
	T_EQ(fs_write(&ctx, 1, "hello ", 6), 6, "write to fd 1");
	T_EQ(fs_write(&ctx, 2, "world", 5), 5, "write to fd 2");
	S_EQ(console_buf, "hello world", "fds 1 and 2 reach the console");
	T_EQ(fs_read(&ctx, 0, b, sizeof(b)), 0, "fd 0 reads end of file");
	T_EQ(fs_fstat(&ctx, 0, &st), 0, "fstat fd 0");
	T_EQ(st.st_mode, FS_S_IFCHR | 0666, "the console is a char device");
	T_EQ(fs_stat(&ctx, "/dev/console", &st), 0, "stat /dev/console");
	T_EQ(st.st_size, 0, "the console has size 0");
	T_EQ(fs_lseek(&ctx, 1, 0, PX_SEEK_SET), -ESPIPE,
	     "lseek on the console is -ESPIPE");
	int fd = fs_open(&ctx, "/dev/console", WR | PX_O_TRUNC, 0);
	T_EQ(fd, 3, "open /dev/console gives fd 3");
	T_EQ(fs_write(&ctx, fd, "!", 1), 1, "write through it");
	S_EQ(console_buf, "hello world!", "the console got it");
	T_EQ(fs_open(&ctx, "/dev/console", RD | PX_O_DIRECTORY, 0), -ENOTDIR,
	     "O_DIRECTORY on the console is -ENOTDIR");
	fs_set_console(NULL);
	T_EQ(fs_write(&ctx, fd, "lost", 4), 4,
	     "with no console function writes are dropped");
	T_EQ(fs_close(&ctx, fd), 0, "close");
	T_EQ(fs_unlink(&ctx, "/dev/console"), 0, "unlink /dev/console");
	struct fs_ctx other;
	T_EQ(fs_ctx_init(&other), 0, "a new context still gets the console");
	fs_set_console(console_capture);
	console_len = 0;
	T_EQ(fs_write(&other, 1, "x", 1), 1, "and can write to it");
	S_EQ(console_buf, "x", "after its name is gone");
	fs_ctx_release(&other);
	console_len = 0;
	console_buf[0] = '\0';
}

static void test_open_rw(void)
{
	char b[64];
	struct px_stat st;
	int fd, fd2;

	fresh();
	T_EQ(fs_open(&ctx, "/nofile", RD, 0), -ENOENT,
	     "open a missing file is -ENOENT");
	T_EQ(fs_open(&ctx, "/nodir/f", RW | CREAT, 0644), -ENOENT,
	     "O_CREAT in a missing directory is -ENOENT");
	T_EQ(fs_open(&ctx, "/f", PX_O_ACCMODE, 0), -EINVAL,
	     "access mode 3 is -EINVAL");
	T_EQ(fs_open(&ctx, "/d", RD | CREAT | PX_O_DIRECTORY, 0), -EINVAL,
	     "O_CREAT | O_DIRECTORY is -EINVAL");
	T_EQ(fs_open(&ctx, NULL, RD, 0), -EFAULT, "a NULL path");
	T_EQ(fs_open(&ctx, "", RD, 0), -ENOENT, "an empty path");
	fd = fs_open(&ctx, "/f", RW | CREAT, 0644);
	T_EQ(fd, 3, "create /f: fd 3, the lowest free");
	T_EQ(fs_write(&ctx, fd, "MINI IO TEST", 12), 12, "write");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_CUR), 12, "offset moved");
	T_EQ(fs_read(&ctx, fd, b, sizeof(b)), 0, "read at the end: 0");
	T_EQ(fs_lseek(&ctx, fd, 5, PX_SEEK_SET), 5, "SEEK_SET");
	T_EQ(fs_read(&ctx, fd, b, 2), 2, "read 2");
	t_ok(!memcmp(b, "IO", 2), "read what was written");
	T_EQ(fs_lseek(&ctx, fd, -3, PX_SEEK_END), 9, "SEEK_END - 3");
	T_EQ(fs_lseek(&ctx, fd, -1, PX_SEEK_CUR), 8, "SEEK_CUR - 1");
	T_EQ(fs_lseek(&ctx, fd, -9, PX_SEEK_CUR), -EINVAL,
	     "a negative result is -EINVAL");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_CUR), 8, "and moves nothing");
	T_EQ(fs_lseek(&ctx, fd, -13, PX_SEEK_END), -EINVAL,
	     "SEEK_END before the start is -EINVAL");
	T_EQ(fs_lseek(&ctx, fd, 0, 3), -EINVAL, "bad whence is -EINVAL");
	T_EQ(fs_lseek(&ctx, fd, LONG_MAX, PX_SEEK_SET), LONG_MAX,
	     "seek to LONG_MAX");
	T_EQ(fs_lseek(&ctx, fd, 1, PX_SEEK_CUR), -EINVAL,
	     "past LONG_MAX is -EINVAL");
	T_EQ(fs_write(&ctx, fd, "x", 1), -EFBIG,
	     "a write past FS_FILE_MAX is -EFBIG");
	T_EQ(fs_lseek(&ctx, fd, (long)FS_FILE_MAX - 1, PX_SEEK_SET),
	     (long)FS_FILE_MAX - 1, "seek to FS_FILE_MAX - 1");
	T_EQ(fs_write(&ctx, fd, "xy", 2), -EFBIG,
	     "a write across FS_FILE_MAX is -EFBIG");

	/* Write beyond the end: a zero-filled gap. */
	T_EQ(fs_lseek(&ctx, fd, 20, PX_SEEK_SET), 20, "seek past the end");
	T_EQ(fs_read(&ctx, fd, b, sizeof(b)), 0, "reading there gives 0");
	T_EQ(fs_write(&ctx, fd, "END", 3), 3, "write past the end");
	T_EQ(fs_fstat(&ctx, fd, &st), 0, "fstat");
	T_EQ(st.st_size, 23, "the file grew to 23");
	T_EQ(st.st_mode, PX_S_IFREG | 0644, "mode");
	T_EQ(st.st_nlink, 1, "one link");
	T_EQ(st.st_blocks, 1, "one block");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_SET), 0, "rewind");
	T_EQ(fs_read(&ctx, fd, b, sizeof(b)), 23, "read it all");
	t_ok(!memcmp(b, "MINI IO TEST\0\0\0\0\0\0\0\0END", 23),
	     "the gap reads as zeros");

	/* Growing far (reallocations) keeps the data. */
	static char big[10000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	fd2 = fs_open(&ctx, "/big", RW | CREAT | PX_O_TRUNC, 0600);
	long total = 0;
	for (int i = 0; i < 100; i++)
		total += fs_write(&ctx, fd2, big + i * 100, 100);
	T_EQ(total, 10000, "100 writes of 100 bytes");
	static char back[10001];
	fs_lseek(&ctx, fd2, 0, PX_SEEK_SET);
	T_EQ(fs_read(&ctx, fd2, back, sizeof(back)), 10000, "read back");
	t_ok(!memcmp(big, back, sizeof(big)), "the data survived growth");
	T_EQ(fs_stat(&ctx, "/big", &st), 0, "stat /big");
	T_EQ(st.st_mode, PX_S_IFREG | 0600, "created with mode 0600");
	T_EQ(st.st_blocks, 20, "20 blocks of 512");
	fs_close(&ctx, fd2);

	/* Access modes. */
	T_EQ(fs_close(&ctx, fd), 0, "close");
	put("/f", "MINI IO TEST");
	T_EQ(fs_close(&ctx, fd), -EBADF, "close twice is -EBADF");
	fd = fs_open(&ctx, "/f", RD, 0);
	T_EQ(fs_write(&ctx, fd, "x", 1), -EBADF, "write on O_RDONLY is -EBADF");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/f", WR, 0);
	T_EQ(fs_read(&ctx, fd, b, 1), -EBADF, "read on O_WRONLY is -EBADF");
	T_EQ(fs_read(&ctx, fd, NULL, 0), -EBADF, "even of 0 bytes");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/f", RW, 0);
	T_EQ(fs_read(&ctx, fd, NULL, 5), -EFAULT, "read into NULL");
	T_EQ(fs_write(&ctx, fd, NULL, 5), -EFAULT, "write from NULL");
	T_EQ(fs_write(&ctx, fd, NULL, 0), 0, "write of 0 bytes");
	T_EQ(fs_write(&ctx, fd, "mini", 4), 4, "overwrite the start");
	fs_close(&ctx, fd);
	S_EQ(slurp("/f"), "mini IO TEST", "overwriting keeps the rest");

	/* O_EXCL, O_TRUNC, O_APPEND. */
	T_EQ(fs_open(&ctx, "/f", WR | CREAT | PX_O_EXCL, 0644), -EEXIST,
	     "O_CREAT | O_EXCL on an existing file is -EEXIST");
	fd = fs_open(&ctx, "/f", WR | CREAT, 0600);
	T_EQ(fs_fstat(&ctx, fd, &st), 0,
	     "O_CREAT on an existing file opens it");
	T_EQ(st.st_size, 12, "without truncating");
	T_EQ(st.st_mode, PX_S_IFREG | 0644, "or changing its mode");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/f", RW | PX_O_APPEND, 0);
	T_EQ(fs_write(&ctx, fd, "+1", 2), 2, "O_APPEND write");
	fs_lseek(&ctx, fd, 0, PX_SEEK_SET);
	T_EQ(fs_write(&ctx, fd, "+2", 2), 2, "O_APPEND write after a seek");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_CUR), 16, "offset at the end");
	fs_close(&ctx, fd);
	S_EQ(slurp("/f"), "mini IO TEST+1+2", "appends go to the end");
	fd = fs_open(&ctx, "/f", WR | PX_O_TRUNC, 0);
	T_EQ(fs_fstat(&ctx, fd, &st), 0, "O_TRUNC");
	T_EQ(st.st_size, 0, "empties the file");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/new", WR | CREAT | PX_O_EXCL, 0644);
	t_ok(fd >= 0, "O_CREAT | O_EXCL makes a new file");
	fs_close(&ctx, fd);

	/* Trailing slashes. */
	T_EQ(fs_open(&ctx, "/f/", RD, 0), -ENOTDIR,
	     "a file named with a trailing / is -ENOTDIR");
	T_EQ(fs_open(&ctx, "/f/.", RD, 0), -ENOTDIR,
	     "a file named with a trailing /. is -ENOTDIR");
	T_EQ(fs_open(&ctx, "/g/", WR | CREAT, 0644), -EISDIR,
	     "O_CREAT of a name with a trailing / is -EISDIR");
	T_EQ(fs_open(&ctx, "/f/x", RD | CREAT, 0644), -ENOTDIR,
	     "a file as a directory on the way is -ENOTDIR");
	T_EQ(fs_stat(&ctx, "/f/x/y", &st), -ENOTDIR, "deeper too");
	fs_unlink(&ctx, "/big");
}

static void test_dirs(void)
{
	static const char *const made[] = {
	    "/usr",  "/etc", "/tmp",	 "/var",  "/bin",
	    "/boot", "/lib", "/usr/bin", "/home", "/home/bahadir",
	};
	struct px_stat st;
	char cwd[PX_PATH_MAX];
	int fd;

	fresh();
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		T_EQ(fs_mkdir(&ctx, made[i], 0755), 0, "mkdir %s", made[i]);
	T_EQ(fs_mkdir(&ctx, "/dev", 0755), -EEXIST, "mkdir /dev: -EEXIST");
	T_EQ(fs_mkdir(&ctx, "/", 0755), -EEXIST, "mkdir /: -EEXIST");
	T_EQ(fs_mkdir(&ctx, "/no/such", 0755), -ENOENT,
	     "mkdir in a missing directory: -ENOENT");
	put("/etc/passwd", "root");
	T_EQ(fs_mkdir(&ctx, "/etc/passwd", 0755), -EEXIST,
	     "mkdir over a file: -EEXIST");
	T_EQ(fs_mkdir(&ctx, "/etc/passwd/x", 0755), -ENOTDIR,
	     "mkdir under a file: -ENOTDIR");
	T_EQ(fs_mkdir(&ctx, "/usr/./././bin//", 0755), -EEXIST,
	     "mkdir /usr/./././bin// is /usr/bin");
	T_EQ(fs_mkdir(&ctx, "/usr/lib/", 0700), 0, "mkdir with a trailing /");
	T_EQ(fs_stat(&ctx, "/usr/./././bin//", &st), 0,
	     "stat /usr/./././bin//");
	T_EQ(st.st_mode, PX_S_IFDIR | 0755, "a directory, 0755");
	T_EQ(st.st_nlink, 2, "link count 2");
	T_EQ(st.st_size, 0, "size 0");
	T_EQ(fs_stat(&ctx, "/usr", &st), 0, "stat /usr");
	T_EQ(st.st_nlink, 4, "/usr: 2 + its 2 subdirectories");
	T_EQ(fs_stat(&ctx, "/", &st), 0, "stat /");
	T_EQ(st.st_ino, 1, "the root is inode 1");
	T_EQ(fs_stat(&ctx, "/nothing", &st), -ENOENT, "stat: -ENOENT");
	T_EQ(fs_stat(&ctx, "/", NULL), -EFAULT, "stat into NULL");

	/* chdir, getcwd and relative paths. */
	T_EQ(fs_getcwd(&ctx, cwd, sizeof(cwd)), 1, "getcwd at the start");
	S_EQ(cwd, "/", "is /");
	T_EQ(fs_chdir(&ctx, "/home/bahadir"), 0, "chdir /home/bahadir");
	T_EQ(fs_getcwd(&ctx, cwd, sizeof(cwd)), 13, "getcwd: length 13");
	S_EQ(cwd, "/home/bahadir", "getcwd");
	T_EQ(fs_getcwd(&ctx, cwd, 13), -ERANGE,
	     "getcwd without room for the NUL: -ERANGE");
	T_EQ(fs_getcwd(&ctx, cwd, 14), 13, "getcwd with just enough room");
	T_EQ(fs_getcwd(&ctx, NULL, 14), -EFAULT, "getcwd into NULL");
	fd = fs_open(&ctx, "newfile.txt", RW | CREAT, 0644);
	t_ok(fd >= 0, "create a file by a relative path");
	fs_write(&ctx, fd, "rel", 3);
	fs_close(&ctx, fd);
	S_EQ(slurp("/home/bahadir/newfile.txt"), "rel",
	     "it is in the working directory");
	S_EQ(slurp("../bahadir/./newfile.txt"), "rel", "../ works");
	T_EQ(fs_chdir(&ctx, "../../usr/bin"), 0, "chdir ../../usr/bin");
	fs_getcwd(&ctx, cwd, sizeof(cwd));
	S_EQ(cwd, "/usr/bin", "getcwd");
	T_EQ(fs_chdir(&ctx, "../../../../.."), 0, "chdir above /");
	fs_getcwd(&ctx, cwd, sizeof(cwd));
	S_EQ(cwd, "/", "stays at /");
	T_EQ(fs_chdir(&ctx, "/etc/passwd"), -ENOTDIR,
	     "chdir to a file: -ENOTDIR");
	T_EQ(fs_chdir(&ctx, "/nowhere"), -ENOENT, "chdir to nothing: -ENOENT");
	T_EQ(fs_chdir(&ctx, "usr"), 0, "chdir usr (relative)");

	/* A directory cannot be opened for writing. */
	T_EQ(fs_open(&ctx, "/usr", WR, 0), -EISDIR,
	     "open a directory O_WRONLY: -EISDIR");
	T_EQ(fs_open(&ctx, "/usr", RW, 0), -EISDIR,
	     "open a directory O_RDWR: -EISDIR");
	T_EQ(fs_open(&ctx, "/usr", RD | CREAT, 0644), -EISDIR,
	     "open a directory O_CREAT: -EISDIR");
	T_EQ(fs_open(&ctx, "/usr", RD | PX_O_TRUNC, 0), -EISDIR,
	     "open a directory O_TRUNC: -EISDIR");
	T_EQ(fs_open(&ctx, "/etc/passwd", RD | PX_O_DIRECTORY, 0), -ENOTDIR,
	     "O_DIRECTORY on a file: -ENOTDIR");
	fd = fs_open(&ctx, "/usr", RD | PX_O_DIRECTORY, 0);
	t_ok(fd >= 0, "open a directory O_RDONLY | O_DIRECTORY");
	char b[4];
	T_EQ(fs_read(&ctx, fd, b, sizeof(b)), -EISDIR,
	     "read on a directory: -EISDIR");
	T_EQ(fs_write(&ctx, fd, b, 1), -EBADF,
	     "write on a directory fd: -EBADF");
	T_EQ(fs_fstat(&ctx, fd, &st), 0, "fstat a directory");
	T_EQ(st.st_mode & PX_S_IFMT, PX_S_IFDIR, "is a directory");
	fs_close(&ctx, fd);
}

static void test_readdir(void)
{
	struct px_dirent e[16];
	struct px_stat st;
	int fd, n;

	fresh();
	fs_mkdir(&ctx, "/d", 0755);
	fs_mkdir(&ctx, "/d/sub", 0755);
	put("/d/b", "bb");
	put("/d/a", "a");
	fd = fs_open(&ctx, "/d", RD, 0);
	n = fs_readdir(&ctx, fd, e, 16);
	T_EQ(n, 5, "readdir /d: 5 entries");
	S_EQ(e[0].d_name, ".", "first .");
	S_EQ(e[1].d_name, "..", "then ..");
	S_EQ(e[2].d_name, "sub", "then in creation order: sub");
	S_EQ(e[3].d_name, "b", "b");
	S_EQ(e[4].d_name, "a", "a");
	fs_stat(&ctx, "/d", &st);
	T_EQ(e[0].d_ino, st.st_ino, ". is /d");
	T_EQ(e[1].d_ino, 1, ".. is /");
	T_EQ(e[0].d_type, PX_DT_DIR, ". is DT_DIR");
	T_EQ(e[2].d_type, PX_DT_DIR, "sub is DT_DIR");
	T_EQ(e[3].d_type, PX_DT_REG, "b is DT_REG");
	T_EQ(e[3].d_namlen, 1, "d_namlen");
	T_EQ(fs_readdir(&ctx, fd, e, 16), 0, "then 0 at the end");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_SET), 0, "rewind");
	T_EQ(fs_readdir(&ctx, fd, e, 3), 3, "3 at a time");
	S_EQ(e[2].d_name, "sub", "ends at sub");
	fs_unlink(&ctx, "/d/b");
	put("/d/c", "c");
	T_EQ(fs_readdir(&ctx, fd, e, 3), 2,
	     "continues from the offset, past a removed entry");
	S_EQ(e[0].d_name, "a", "a");
	S_EQ(e[1].d_name, "c", "and the new c");
	T_EQ(fs_readdir(&ctx, fd, NULL, 0), 0, "count 0");
	T_EQ(fs_readdir(&ctx, fd, NULL, 1), -EFAULT, "into NULL");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/d/a", RD, 0);
	T_EQ(fs_readdir(&ctx, fd, e, 16), -ENOTDIR,
	     "readdir on a file: -ENOTDIR");
	fs_close(&ctx, fd);
	T_EQ(fs_readdir(&ctx, 40, e, 16), -EBADF, "readdir bad fd");

	fd = fs_open(&ctx, "/", RD, 0);
	n = fs_readdir(&ctx, fd, e, 16);
	T_EQ(n, 4, "readdir /: . .. dev d");
	T_EQ(e[1].d_ino, 1, "the root's .. is itself");
	S_EQ(e[2].d_name, "dev", "dev");
	fs_close(&ctx, fd);
	fs_chdir(&ctx, "/dev");
	fd = fs_open(&ctx, ".", RD, 0);
	n = fs_readdir(&ctx, fd, e, 16);
	T_EQ(n, 8,
	     "readdir . in /dev: . .. console tty null zero random urandom");
	S_EQ(e[2].d_name, "console", "console");
	T_EQ(e[2].d_type, FS_DT_CHR, "console is DT_CHR");
	S_EQ(e[4].d_name, "null", "null");
	fs_close(&ctx, fd);
	fs_chdir(&ctx, "/");

	/* A directory removed while open reads as empty. */
	fs_mkdir(&ctx, "/gone", 0755);
	fd = fs_open(&ctx, "/gone", RD, 0);
	T_EQ(fs_rmdir(&ctx, "/gone"), 0, "rmdir an open directory");
	T_EQ(fs_readdir(&ctx, fd, e, 16), 0, "it reads as empty");
	T_EQ(fs_fstat(&ctx, fd, &st), 0, "fstat it");
	T_EQ(st.st_nlink, 0, "link count 0");
	fs_close(&ctx, fd);
}

static void test_unlink_rmdir(void)
{
	struct px_stat st;
	char b[16];
	int fd;

	fresh();
	fs_mkdir(&ctx, "/d", 0755);
	fs_mkdir(&ctx, "/d/e", 0755);
	put("/d/f", "data");
	T_EQ(fs_unlink(&ctx, "/d"), -EISDIR, "unlink a directory: -EISDIR");
	T_EQ(fs_unlink(&ctx, "/"), -EISDIR, "unlink /: -EISDIR");
	T_EQ(fs_unlink(&ctx, "/d/none"), -ENOENT, "unlink nothing: -ENOENT");
	T_EQ(fs_unlink(&ctx, "/d/f/"), -ENOTDIR,
	     "unlink a file with a trailing /: -ENOTDIR");
	T_EQ(fs_rmdir(&ctx, "/d"), -ENOTEMPTY, "rmdir non-empty");
	T_EQ(fs_rmdir(&ctx, "/d/f"), -ENOTDIR, "rmdir a file: -ENOTDIR");
	T_EQ(fs_rmdir(&ctx, "/d/none"), -ENOENT, "rmdir nothing: -ENOENT");
	T_EQ(fs_rmdir(&ctx, "/"), -EBUSY, "rmdir /: -EBUSY");
	fs_chdir(&ctx, "/d/e");
	T_EQ(fs_rmdir(&ctx, "/d/e"), -EBUSY, "rmdir the cwd: -EBUSY");
	T_EQ(fs_rmdir(&ctx, "."), -EBUSY, "rmdir .: -EBUSY");
	struct fs_ctx child;
	fs_ctx_fork(&child, &ctx);
	fs_chdir(&ctx, "/");
	T_EQ(fs_rmdir(&ctx, "/d/e"), -EBUSY,
	     "rmdir another process's cwd: -EBUSY");
	fs_ctx_release(&child);
	fs_stat(&ctx, "/d", &st);
	T_EQ(st.st_nlink, 3, "/d: 3 links before");
	T_EQ(fs_rmdir(&ctx, "/d/e"), 0, "rmdir /d/e");
	fs_stat(&ctx, "/d", &st);
	T_EQ(st.st_nlink, 2, "/d: 2 links after");
	T_EQ(fs_stat(&ctx, "/d/e", &st), -ENOENT, "it is gone");

	/* Unlink while open: still readable and writable, then freed. */
	fd = fs_open(&ctx, "/d/f", RW, 0);
	struct inode *ino = fs_lookup(&ctx, "/d/f");
	fs_inode_get(ino); /* as an mmap would */
	T_EQ(fs_unlink(&ctx, "/d/f"), 0, "unlink an open file");
	T_EQ(fs_stat(&ctx, "/d/f", &st), -ENOENT, "the name is gone");
	T_EQ(fs_read(&ctx, fd, b, sizeof(b)), 4, "still readable by fd");
	t_ok(!memcmp(b, "data", 4), "with its data");
	T_EQ(fs_write(&ctx, fd, "more", 4), 4, "and writable");
	T_EQ(fs_fstat(&ctx, fd, &st), 0, "fstat");
	T_EQ(st.st_nlink, 0, "link count 0");
	T_EQ(st.st_size, 8, "size 8");
	T_EQ(fs_close(&ctx, fd), 0, "close the last fd");
	T_EQ(fs_inode_size(ino), 8, "the mapping still holds it");
	T_EQ(fs_inode_read(ino, 4, b, sizeof(b)), 4, "inode_read");
	t_ok(!memcmp(b, "more", 4), "reads what was written");
	fs_inode_put(ino); /* freed here: ASan would see a leak otherwise */
	T_EQ(fs_rmdir(&ctx, "/d"), 0, "rmdir /d once empty");
	put("/x", "1");
	T_EQ(fs_unlink(&ctx, "x"), 0, "unlink by a relative path");
}

static void test_fds(void)
{
	struct fs_ctx child, grandchild;
	char b[16];
	int fd, d, i;

	fresh();
	put("/f", "0123456789");
	fd = fs_open(&ctx, "/f", RD, 0);
	d = fs_dup(&ctx, fd);
	T_EQ(d, fd + 1, "dup: the lowest free fd");
	fs_read(&ctx, fd, b, 3);
	T_EQ(fs_lseek(&ctx, d, 0, PX_SEEK_CUR), 3, "dup shares the offset");
	T_EQ(fs_dup(&ctx, 99), -EBADF, "dup a bad fd");
	T_EQ(fs_dup(&ctx, -1), -EBADF, "dup -1");
	T_EQ(fs_close(&ctx, fd), 0, "close the original");
	T_EQ(fs_read(&ctx, d, b, 2), 2, "the dup still reads");
	t_ok(!memcmp(b, "34", 2), "from the shared offset");
	T_EQ(fs_fsync(&ctx, d), 0, "fsync a valid fd");
	T_EQ(fs_fsync(&ctx, fd), -EBADF, "fsync a closed fd");
	T_EQ(fs_fsync(&ctx, FS_MAX_FDS), -EBADF, "fsync out of range");
	T_EQ(fs_read(&ctx, FS_MAX_FDS, b, 1), -EBADF, "read a bad fd");
	T_EQ(fs_write(&ctx, -5, b, 1), -EBADF, "write a bad fd");
	T_EQ(fs_lseek(&ctx, 50, 0, PX_SEEK_SET), -EBADF, "lseek a bad fd");
	struct px_stat st;
	T_EQ(fs_fstat(&ctx, 50, &st), -EBADF, "fstat a bad fd");
	T_EQ(fs_fstat(&ctx, d, NULL), -EFAULT, "fstat into NULL");
	T_EQ(fs_open(&ctx, "/f", RD, 0), fd, "open reuses the freed fd");

	/* Fork: the child shares the open file descriptions. */
	T_EQ(fs_ctx_fork(&child, &ctx), 0, "fork");
	T_EQ(fs_read(&child, d, b, 1), 1, "the child reads");
	T_EQ(fs_lseek(&ctx, d, 0, PX_SEEK_CUR), 6,
	     "the parent sees the child's offset");
	fs_lseek(&ctx, d, 1, PX_SEEK_SET);
	T_EQ(fs_lseek(&child, d, 0, PX_SEEK_CUR), 1,
	     "and the child the parent's");
	T_EQ(fs_ctx_fork(&grandchild, &child), 0, "fork again");
	T_EQ(fs_close(&ctx, d), 0, "the parent closes its fd");
	T_EQ(fs_read(&child, d, b, 2), 2, "the child's fd still works");
	T_EQ(fs_lseek(&grandchild, d, 0, PX_SEEK_CUR), 3,
	     "shared with the grandchild");
	fs_ctx_release(&child);
	T_EQ(fs_read(&grandchild, d, b, 1), 1, "after the child is gone too");
	fs_chdir(&ctx, "/dev");
	fs_ctx_release(&grandchild);
	fs_ctx_fork(&child, &ctx);
	char cwd[PX_PATH_MAX];
	fs_getcwd(&child, cwd, sizeof(cwd));
	S_EQ(cwd, "/dev", "the child has the parent's cwd");
	fs_chdir(&child, "/");
	fs_getcwd(&ctx, cwd, sizeof(cwd));
	S_EQ(cwd, "/dev", "its own from then on");
	int flags = -1;
	T_EQ(fs_fd_inode(&child, fd, &flags) == fs_lookup(&ctx, "/f"), 1,
	     "fs_fd_inode is the file's inode");
	T_EQ(flags, RD, "with the open flags");
	t_ok(fs_fd_inode(&child, 33, &flags) == NULL, "fs_fd_inode bad fd");
	t_ok(fs_lookup(&child, "/nothing") == NULL, "fs_lookup of nothing");
	fs_ctx_release(&child);
	fs_ctx_release(&child);
	t_ok(child.cwd == NULL && child.fd == NULL && child.nfd == 0,
	     "release empties the context (and twice is harmless)");
	fs_chdir(&ctx, "/");

	/* -EMFILE when the table is full. */
	for (i = 0; i < FS_MAX_FDS; i++) {
		if (fs_open(&ctx, "/f", RD, 0) < 0)
			break;
	}
	T_EQ(i, FS_MAX_FDS - 4, "fill the table (fds 0-3 were taken)");
	T_EQ(fs_open(&ctx, "/f", RD, 0), -EMFILE, "open: -EMFILE");
	T_EQ(fs_open(&ctx, "/g", RD | CREAT, 0644), -EMFILE,
	     "O_CREAT: -EMFILE");
	T_EQ(fs_stat(&ctx, "/g", &st), -ENOENT, "and nothing was created");
	T_EQ(fs_dup(&ctx, 0), -EMFILE, "dup: -EMFILE");
	fs_close(&ctx, 17);
	T_EQ(fs_dup(&ctx, 0), 17, "dup fills the hole");
}

static void test_inode_api(void)
{
	struct inode *ino, *dir;
	char b[8];

	fresh();
	put("/f", "abc");
	ino = fs_lookup(&ctx, "/f");
	dir = fs_lookup(&ctx, "/dev");
	t_ok(ino && dir, "fs_lookup");
	t_ok(!fs_inode_is_dir(ino) && fs_inode_is_dir(dir), "fs_inode_is_dir");
	t_ok(fs_inode_is_reg(ino) && !fs_inode_is_reg(dir) &&
		 !fs_inode_is_reg(fs_lookup(&ctx, "/dev/console")),
	     "fs_inode_is_reg");
	T_EQ(fs_inode_size(ino), 3, "fs_inode_size");
	T_EQ(fs_inode_write(ino, 5, "xy", 2), 2, "fs_inode_write past the end");
	T_EQ(fs_inode_size(ino), 7, "grows");
	T_EQ(fs_inode_read(ino, 0, b, 8), 7, "fs_inode_read");
	t_ok(!memcmp(b, "abc\0\0xy", 7), "with a zero gap");
	T_EQ(fs_inode_read(ino, 7, b, 8), 0, "read at the end");
	T_EQ(fs_inode_read(ino, 100, b, 8), 0, "read past the end");
	T_EQ(fs_inode_read(dir, 0, b, 8), -EISDIR, "read a directory");
	T_EQ(fs_inode_write(dir, 0, b, 8), -EISDIR, "write a directory");
	T_EQ(fs_inode_write(ino, FS_FILE_MAX, b, 1), -EFBIG,
	     "write at FS_FILE_MAX");
	T_EQ(fs_inode_size(dir), 0, "a directory's size is 0");
}

static void test_long_names(void)
{
	char path[PX_PATH_MAX + 16], cwd[PX_PATH_MAX];
	struct px_stat st;

	fresh();
	snprintf(path, sizeof(path), "/%s", long_name);
	T_EQ(fs_mkdir(&ctx, path, 0755), -ENAMETOOLONG,
	     "mkdir a name of PX_NAME_MAX: -ENAMETOOLONG");
	T_EQ(fs_open(&ctx, path, RW | CREAT, 0644), -ENAMETOOLONG,
	     "open a name of PX_NAME_MAX: -ENAMETOOLONG");
	T_EQ(fs_stat(&ctx, path, &st), -ENAMETOOLONG, "stat: too");
	/* Build the deepest path: 4 levels of 63 + "/" = 256 is one too
	 * many; 3 levels plus a shorter name fit. */
	char a[PX_NAME_MAX];
	memset(a, 'a', PX_NAME_MAX - 1);
	a[PX_NAME_MAX - 1] = '\0';
	for (int i = 0; i < 3; i++) {
		T_EQ(fs_mkdir(&ctx, a, 0755), 0, "mkdir 63 bytes, level %d", i);
		fs_chdir(&ctx, a);
	}
	T_EQ(fs_getcwd(&ctx, cwd, sizeof(cwd)), 192, "getcwd: 192 bytes");
	T_EQ(fs_mkdir(&ctx, a, 0755), -ENAMETOOLONG,
	     "a 256-byte path: -ENAMETOOLONG");
	a[62] = '\0';
	T_EQ(fs_mkdir(&ctx, a, 0755), 0, "a 255-byte path is fine");
	T_EQ(fs_chdir(&ctx, a), 0, "chdir into it");
	T_EQ(fs_getcwd(&ctx, cwd, sizeof(cwd)), 255, "getcwd: 255 bytes");
	T_EQ(fs_stat(&ctx, ".", &st), 0, "stat . at the deepest");
	T_EQ(fs_stat(&ctx, "x", &st), -ENAMETOOLONG,
	     "a name below it: -ENAMETOOLONG");
	T_EQ(fs_stat(&ctx, "../../..", &st), 0, "../../.. still resolves");
	fs_chdir(&ctx, "/");
}

static void test_cpio(void)
{
	static struct archive a;
	struct px_stat st;
	struct px_dirent e[8];
	int fd;

	fresh();
	memset(&a, 0, sizeof(a));
	ar_add(&a, ".", PX_S_IFDIR | 0755, NULL);
	ar_add(&a, "bin", PX_S_IFDIR | 0700, NULL);
	ar_add(&a, "bin/test0", PX_S_IFREG | 0755, "\177ELF-ish");
	ar_add(&a, "./etc/motd", PX_S_IFREG | 0644, "hi\n");
	ar_add(&a, "/usr/share/doc/x", PX_S_IFREG | 0600, "deep");
	ar_add(&a, "empty", PX_S_IFREG | 0644, "");
	ar_add(&a, "link", 0120000 | 0777, "bin/test0");
	ar_add(&a, "dev", PX_S_IFDIR | 0755, NULL);
	ar_end(&a);
	memset(a.buf + a.len, 0, 512 - a.len % 512); /* block padding */
	a.len += 512 - a.len % 512;
	T_EQ(fs_load_cpio(a.buf, a.len), 7, "load: 7 entries made (not .)");
	S_EQ(slurp("/bin/test0"), "\177ELF-ish", "/bin/test0");
	S_EQ(slurp("/etc/motd"), "hi\n", "/etc/motd (parent made)");
	S_EQ(slurp("/usr/share/doc/x"), "deep", "a deep path");
	S_EQ(slurp("/empty"), "", "an empty file");
	T_EQ(fs_stat(&ctx, "/bin", &st), 0, "stat /bin");
	T_EQ(st.st_mode, PX_S_IFDIR | 0700, "the archive's mode");
	T_EQ(fs_stat(&ctx, "/bin/test0", &st), 0, "stat /bin/test0");
	T_EQ(st.st_mode, PX_S_IFREG | 0755, "the archive's mode");
	T_EQ(fs_stat(&ctx, "/usr/share", &st), 0, "stat /usr/share");
	T_EQ(st.st_mode, PX_S_IFDIR | 0755, "an implied directory: 0755");
	T_EQ(fs_stat(&ctx, "/link", &st), 0, "the symlink is made...");
	T_EQ(st.st_mode, PX_S_IFREG | 0755, "...and leads to /bin/test0");
	fd = fs_open(&ctx, "/", RD, 0);
	T_EQ(fs_readdir(&ctx, fd, e, 8), 8, ". .. dev bin etc usr empty link");
	S_EQ(e[3].d_name, "bin", "in archive order");
	fs_close(&ctx, fd);

	/* A second archive replaces a file. */
	memset(&a, 0, sizeof(a));
	ar_add(&a, "etc/motd", PX_S_IFREG | 0644, "new");
	ar_end(&a);
	T_EQ(fs_load_cpio(a.buf, a.len), 1, "load over existing files");
	S_EQ(slurp("/etc/motd"), "new", "the file is replaced");

	/* Conflicts found while unpacking. */
	memset(&a, 0, sizeof(a));
	ar_add(&a, "etc/motd/x", PX_S_IFREG | 0644, "no");
	ar_end(&a);
	T_EQ(fs_load_cpio(a.buf, a.len), -ENOTDIR,
	     "a file where a directory should be: -ENOTDIR");
	memset(&a, 0, sizeof(a));
	ar_add(&a, "bin/test0", PX_S_IFDIR | 0755, NULL);
	ar_end(&a);
	T_EQ(fs_load_cpio(a.buf, a.len), -EEXIST,
	     "a directory over a file: -EEXIST");
	memset(&a, 0, sizeof(a));
	ar_add(&a, "bin", PX_S_IFREG | 0755, "x");
	ar_end(&a);
	T_EQ(fs_load_cpio(a.buf, a.len), -EISDIR,
	     "a file over a directory: -EISDIR");
}

/* Each malformed archive is -EINVAL and makes nothing. */
static void bad(const struct archive *a, size_t len, const char *what)
{
	struct px_stat st;

	T_EQ(fs_load_cpio(a->buf, len), -EINVAL, "malformed: %s", what);
	t_ok(fs_stat(&ctx, "/made", &st) == -ENOENT,
	     "malformed: %s: nothing made", what);
}

static void test_cpio_malformed(void)
{
	static struct archive a, good;
	unsigned char *copy;
	size_t i;

	fresh();
	memset(&good, 0, sizeof(good));
	ar_add(&good, "made", PX_S_IFDIR | 0755, NULL);
	ar_add(&good, "made/file", PX_S_IFREG | 0644, "content!");
	ar_end(&good);

	T_EQ(fs_load_cpio(NULL, 10), -EINVAL, "malformed: NULL data");
	bad(&good, 0, "empty");
	bad(&good, 50, "a truncated first header");
	bad(&good, 110, "a header without its name");
	bad(&good, good.len - 4, "a truncated trailer");
	bad(&good, 110 + 8, "ends after the first entry: no trailer");

	a = good;
	a.buf[0] = '1';
	bad(&a, a.len, "bad magic");
	a = good;
	memcpy(a.buf, "070702", 6);
	bad(&a, a.len, "the crc magic 070702");
	a = good;
	a.buf[6 + 8 + 3] = 'g';
	bad(&a, a.len, "a non-hex digit in the mode");
	a = good;
	a.buf[6 + 8 * 12 + 7] = ' ';
	bad(&a, a.len, "a non-hex digit in the check field");

	/* namesize lies. */
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 0, PX_S_IFDIR | 0755, "", 0, 0);
	ar_end(&a);
	bad(&a, a.len, "namesize 0");
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 4, PX_S_IFDIR | 0755, "", 0, 0);
	ar_end(&a);
	bad(&a, a.len, "a name without its NUL");
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 5, PX_S_IFDIR | 0755, "", 0, 0);
	ar_end(&a);
	memcpy(a.buf + 110, "ma\0e", 4);
	bad(&a, a.len, "a NUL inside the name");
	memset(&a, 0, sizeof(a));
	ar_add(&a, "made", PX_S_IFDIR | 0755, NULL);
	memcpy(a.buf + 6 + 8 * 11, "00000100", 8);
	ar_end(&a);
	bad(&a, a.len, "namesize past the end");
	memset(&a, 0, sizeof(a));
	ar_add(&a, "made", PX_S_IFDIR | 0755, NULL);
	memcpy(a.buf + 6 + 8 * 11, "FFFFFFFF", 8);
	ar_end(&a);
	bad(&a, a.len, "namesize 0xFFFFFFFF");
	memset(&a, 0, sizeof(a));
	ar_add(&a, "", PX_S_IFDIR | 0755, NULL);
	ar_end(&a);
	bad(&a, a.len, "an empty name");

	/* filesize lies. */
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 5, PX_S_IFREG | 0644, "abcd", 1000, 4);
	ar_end(&a);
	bad(&a, a.len, "filesize past the end");
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 5, PX_S_IFREG | 0644, "abcd", 0xFFFFFFFF, 4);
	ar_end(&a);
	bad(&a, a.len, "filesize 0xFFFFFFFF");
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 5, PX_S_IFREG | 0644, "abcd", 4, 4);
	bad(&a, a.len, "data ending the archive, no trailer");
	bad(&a, a.len - 1, "data cut short");
	memset(&a, 0, sizeof(a));
	ar_raw(&a, "made", 5, PX_S_IFDIR | 0755, "abcd", 4, 4);
	ar_end(&a);
	bad(&a, a.len, "a directory with data");

	/* The second entry is bad: the first must not be made either. */
	memset(&a, 0, sizeof(a));
	ar_add(&a, "made", PX_S_IFDIR | 0755, NULL);
	size_t second = a.len;
	ar_add(&a, "made/x", PX_S_IFREG | 0644, "x");
	a.buf[second + 2] = 'X';
	ar_end(&a);
	bad(&a, a.len, "a bad second entry");

	/* Too long a name is -ENAMETOOLONG, also before making anything. */
	memset(&a, 0, sizeof(a));
	ar_add(&a, "made", PX_S_IFDIR | 0755, NULL);
	ar_add(&a, long_name, PX_S_IFREG | 0644, "x");
	ar_end(&a);
	T_EQ(fs_load_cpio(a.buf, a.len), -ENAMETOOLONG,
	     "malformed: a name too long");
	struct px_stat st;
	T_EQ(fs_stat(&ctx, "/made", &st), -ENOENT, "and nothing made");

	/* Every truncation of a good archive, each in a buffer of exactly
	 * that size (ASan sees any overread), up to the trailer's name. */
	int wrong = 0;
	for (i = 0; i < good.len - 3; i++) {
		copy = malloc(i ? i : 1);
		memcpy(copy, good.buf, i);
		if (fs_load_cpio(copy, i) != -EINVAL)
			wrong++;
		free(copy);
	}
	T_EQ(wrong, 0, "every truncation of a good archive is -EINVAL");
	T_EQ(fs_stat(&ctx, "/made", &st), -ENOENT, "and made nothing");
	copy = malloc(good.len - 3);
	memcpy(copy, good.buf, good.len - 3);
	T_EQ(fs_load_cpio(copy, good.len - 3), 2,
	     "only the trailer's padding missing: it loads");
	free(copy);
	S_EQ(slurp("/made/file"), "content!", "with its content");
}

/* Random damage to a good archive: errors or loads, never a crash or an
 * overread (each try is in a buffer of exactly its size). */
static void test_cpio_fuzz(void)
{
	static struct archive good;
	static const char *const values[] = {
	    "00000000", "00000001", "00000003", "00000004", "0000006E",
	    "00000070", "000000FF", "7FFFFFFF", "80000000", "FFFFFFFF",
	};
	unsigned seed = 12345;
	int odd = 0, loaded = 0;

	fresh();
	ar_add(&good, "made", PX_S_IFDIR | 0755, NULL);
	ar_add(&good, "made/file", PX_S_IFREG | 0644, "content!");
	ar_add(&good, "other", PX_S_IFREG | 0644, "12345");
	ar_end(&good);
	for (int t = 0; t < 4000; t++) {
		unsigned char *copy = malloc(good.len);
		size_t len = good.len;
		int r;

		memcpy(copy, good.buf, good.len);
		seed = seed * 1103515245 + 12345;
		if (t % 2) {
			/* A header field of one of the first entries. */
			size_t entry = (seed >> 8) % 2 ? 116 : 0;
			size_t field = (seed >> 12) % 13;
			memcpy(copy + entry + 6 + 8 * field,
			       values[(seed >> 16) % 10], 8);
		} else {
			copy[(seed >> 8) % good.len] =
			    (unsigned char)(seed >> 20);
			len -= (seed >> 4) % 3 == 0 ? (seed >> 6) % 8 : 0;
		}
		r = fs_load_cpio(copy, len);
		loaded += r >= 0;
		if (r < 0 && r != -EINVAL && r != -ENAMETOOLONG &&
		    r != -EEXIST && r != -ENOTDIR && r != -EISDIR)
			odd++;
		free(copy);
	}
	T_EQ(odd, 0, "4000 damaged archives: errors or loads, no crash");
	printf("# %d of them loaded\n", loaded);
}

/* ---- file pages ---- */

static long pages_out, pages_limit = -1;

static void *counted_alloc(void)
{
	if (pages_limit >= 0 && pages_out >= pages_limit)
		return NULL;
	pages_out++;
	return calloc(1, FS_PAGE);
}

static void counted_free(void *page)
{
	pages_out--;
	free(page);
}

/* Files grow by pages; holes cost nothing and read as zeros; a full file
 * system says ENOSPC after writing what fits. */
static void test_pages(void)
{
	static char big[5 * FS_PAGE];
	char buf[16];
	int fd;

	fresh();
	fs_set_pages(counted_alloc, counted_free);
	fd = fs_open(&ctx, "/sparse", RW | CREAT, 0644);
	T_EQ(fs_lseek(&ctx, fd, (long)FS_FILE_MAX - 2, PX_SEEK_SET),
	     (long)FS_FILE_MAX - 2, "seek to 1 GiB - 2");
	T_EQ(fs_write(&ctx, fd, "ab", 2), 2, "a write at 1 GiB - 2");
	T_EQ(pages_out, 1, "... takes one page");
	fs_lseek(&ctx, fd, 12345678, PX_SEEK_SET);
	memset(buf, 'x', sizeof(buf));
	T_EQ(fs_read(&ctx, fd, buf, sizeof(buf)), (long)sizeof(buf),
	     "a read in the hole");
	t_ok(!memcmp(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16),
	     "... reads zeros");
	fs_lseek(&ctx, fd, (long)FS_FILE_MAX - 3, PX_SEEK_SET);
	T_EQ(fs_read(&ctx, fd, buf, sizeof(buf)), 3, "a read across the end");
	t_ok(buf[0] == 0 && buf[1] == 'a' && buf[2] == 'b',
	     "... the hole's last byte, then the bytes written");
	fs_close(&ctx, fd);
	fs_unlink(&ctx, "/sparse");
	T_EQ(pages_out, 0, "the unlinked file's page is given back");

	memset(big, 'z', sizeof(big));
	pages_limit = 3;
	fd = fs_open(&ctx, "/full", RW | CREAT, 0644);
	fs_lseek(&ctx, fd, 100, PX_SEEK_SET);
	T_EQ(
	    fs_write(&ctx, fd, big, sizeof(big)), 3 * (long)FS_PAGE - 100,
	    "with 3 pages left, a write of 5 pages at 100 is short: what fits");
	T_EQ(fs_write(&ctx, fd, big, 1), -ENOSPC,
	     "the next write is ENOSPC (not ENOMEM)");
	T_EQ(fs_lseek(&ctx, fd, 0, PX_SEEK_END), 3 * (long)FS_PAGE,
	     "... and the file has the 3 pages");
	fs_close(&ctx, fd);
	fd = fs_open(&ctx, "/full", RW | PX_O_TRUNC, 0);
	T_EQ(pages_out, 0, "O_TRUNC gives the pages back");
	T_EQ(fs_write(&ctx, fd, big, sizeof(big)), 3 * (long)FS_PAGE,
	     "and they are there to write again");
	fs_close(&ctx, fd);
	fs_unlink(&ctx, "/full");
	pages_limit = -1;
	fs_set_pages(NULL, NULL);
}

/* A file run may not be written; a file open for writing may not be
 * run (ETXTBSY). */
static void test_text_busy(void)
{
	fresh();
	put("/prog", "code");
	struct inode *ino = fs_lookup(&ctx, "/prog");
	T_EQ(fs_exec_begin(ino), 0, "a file nobody writes may be run");
	T_EQ(fs_open(&ctx, "/prog", WR, 0), -ETXTBSY,
	     "while it runs, open for writing is -ETXTBSY");
	T_EQ(fs_open(&ctx, "/prog", RW, 0), -ETXTBSY, "... O_RDWR too");
	T_EQ(fs_open(&ctx, "/prog", RD | PX_O_TRUNC, 0), -ETXTBSY,
	     "... and O_TRUNC");
	int fd = fs_open(&ctx, "/prog", RD, 0);
	t_ok(fd >= 0, "... reading is fine");
	fs_close(&ctx, fd);
	T_EQ(fs_write_begin(ino), -ETXTBSY,
	     "a shared mapping may not write it either");
	fs_exec_end(ino);
	fd = fs_open(&ctx, "/prog", WR, 0);
	t_ok(fd >= 0, "not run any more: it opens for writing");
	T_EQ(fs_exec_begin(ino), -ETXTBSY,
	     "... and open so, it may not be run");
	int fd2 = fs_dup(&ctx, fd);
	fs_close(&ctx, fd);
	T_EQ(fs_exec_begin(ino), -ETXTBSY,
	     "a dup of the descriptor still writes it");
	fs_close(&ctx, fd2);
	T_EQ(fs_exec_begin(ino), 0, "all closed: it may be run");
	fs_exec_end(ino);
	T_EQ(fs_write_begin(ino), 0, "a writer that is not a descriptor...");
	T_EQ(fs_exec_begin(ino), -ETXTBSY, "... keeps it from being run");
	fs_write_end(ino);
	fs_unlink(&ctx, "/prog");
}

static void test_shutdown(void)
{
	struct px_stat st;
	int fd;

	fs_ctx_release(&ctx);
	fs_shutdown();
	fs_shutdown();
	t_ok(1, "shutdown twice is harmless");
	T_EQ(fs_init(), 0, "init after shutdown");
	T_EQ(fs_ctx_init(&ctx), 0, "a context");
	T_EQ(fs_stat(&ctx, "/", &st), 0, "stat /");
	T_EQ(st.st_ino, 1, "inode numbers start again");
	fs_mkdir(&ctx, "/a", 0755);
	fs_mkdir(&ctx, "/a/b", 0755);
	put("/a/b/c", "deep");
	fd = fs_open(&ctx, "/a/b/c", RD, 0);
	put("/orphan", "x");
	fs_open(&ctx, "/orphan", RD, 0);
	fs_unlink(&ctx, "/orphan");
	fs_ctx_release(&ctx);
	T_EQ(fs_close(&ctx, fd), -EBADF, "release closed the fds");
	fs_shutdown();
	t_ok(1, "everything freed (LeakSanitizer checks at exit)");
}

int main(void)
{
	test_normalize();
	test_init_console();
	test_open_rw();
	test_dirs();
	test_readdir();
	test_unlink_rmdir();
	test_fds();
	test_inode_api();
	test_long_names();
	test_cpio();
	test_cpio_malformed();
	test_cpio_fuzz();
	test_pages();
	test_text_busy();
	test_shutdown();
	return t_finish();
}
