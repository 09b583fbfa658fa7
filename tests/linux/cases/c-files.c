/*
 * Files through the system calls: openat and its flags, read/write/lseek,
 * dup/dup2/dup3/fcntl, fds up to 1023, stat and fstat, directories and
 * getdents64 (sorted here), rename, unlink, symlinks, /dev/null and
 * /dev/zero, the errors.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static const char *err(long r)
{
	return r < 0 ? strerror(errno) : "ok";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[64];
	int n = 0;

	if (!d) {
		printf("opendir %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < 64) {
		char *s = malloc(strlen(e->d_name) + 3);
		sprintf(s, "%s%s", e->d_name,
			e->d_type == DT_DIR   ? "/"
			: e->d_type == DT_LNK ? "@"
					      : "");
		names[n++] = s;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	printf("%s:", dir);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void kind(const char *path, int follow)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);
	if (r) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	printf("%s: %s mode %o size %lld links %lu\n", path,
	       S_ISREG(st.st_mode)   ? "file"
	       : S_ISDIR(st.st_mode) ? "dir"
	       : S_ISLNK(st.st_mode) ? "symlink"
	       : S_ISCHR(st.st_mode) ? "chardev"
				     : "other",
	       st.st_mode & 07777,
	       S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size,
	       S_ISDIR(st.st_mode) ? 0UL : (unsigned long)st.st_nlink);
}

int main(void)
{
	char buf[256];
	long r;
	int fd, fd2;

	setvbuf(stdout, NULL, _IONBF, 0);
	umask(022);

	fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0666);
	r = write(fd, "0123456789", 10);
	printf("write %ld, lseek end %ld, set %ld, cur %ld\n", r,
	       (long)lseek(fd, 0, SEEK_END), (long)lseek(fd, 3, SEEK_SET),
	       (long)lseek(fd, 2, SEEK_CUR));
	r = write(fd, "ab", 2);
	r = lseek(fd, 20, SEEK_SET);
	r = write(fd, "Z", 1);
	close(fd);
	kind("f", 1);
	fd = open("f", O_RDONLY);
	r = read(fd, buf, sizeof(buf));
	printf("read %ld:", r);
	for (long i = 0; i < r; i++)
		printf(buf[i] ? "%c" : "\\0", buf[i]);
	printf("\n");
	r = read(fd, buf, sizeof(buf));
	printf("read at the end: %ld\n", r);
	r = write(fd, "x", 1);
	printf("write to a read-only fd: %ld %s\n", r, err(r));
	r = lseek(fd, -1, SEEK_SET);
	printf("lseek before the start: %ld %s\n", r, err(r));
	close(fd);

	/* O_APPEND, O_EXCL, O_TRUNC, O_DIRECTORY. */
	fd = open("f", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	r = write(fd, "END", 3);
	printf("O_APPEND ignores the offset: size %ld\n",
	       (long)lseek(fd, 0, SEEK_CUR));
	printf("F_GETFL has O_APPEND %d\n", !!(fcntl(fd, F_GETFL) & O_APPEND));
	close(fd);
	r = open("f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	printf("O_EXCL on an existing file: %ld %s\n", r, err(r));
	r = open("f", O_RDONLY | O_DIRECTORY);
	printf("O_DIRECTORY on a file: %ld %s\n", r, err(r));
	r = open("missing", O_RDONLY);
	printf("open missing: %ld %s\n", r, err(r));
	r = open("missing/x", O_WRONLY | O_CREAT, 0644);
	printf("create in a missing directory: %ld %s\n", r, err(r));
	r = open("f/x", O_RDONLY);
	printf("a file as a directory: %ld %s\n", r, err(r));
	r = open(".", O_WRONLY);
	printf("open a directory for writing: %ld %s\n", r, err(r));
	fd = open("f", O_RDWR | O_TRUNC);
	kind("f", 1);
	close(fd);

	/* dup, dup2, dup3, fcntl; high fd numbers. */
	fd = open("f", O_RDWR);
	fd2 = dup(fd);
	printf("dup: %d -> %d\n", fd, fd2);
	r = write(fd, "shared", 6);
	printf("offset shared by dups: %ld\n", (long)lseek(fd2, 0, SEEK_CUR));
	r = dup2(fd, 1000);
	printf("dup2 to 1000: %ld, F_GETFD %d\n", r, fcntl(1000, F_GETFD));
	r = dup3(fd, 1023, O_CLOEXEC);
	printf("dup3 to 1023 with O_CLOEXEC: %ld, F_GETFD %d\n", r,
	       fcntl(1023, F_GETFD));
	r = dup2(fd, 1024);
	printf("dup2 to 1024: %ld %s\n", r, err(r));
	r = dup2(fd, fd);
	printf("dup2 to itself: %ld\n", r == fd ? 0L : r);
	r = dup3(fd, fd, 0);
	printf("dup3 to itself: %ld %s\n", r, err(r));
	r = fcntl(fd, F_DUPFD, 500);
	printf("F_DUPFD from 500: %ld\n", r);
	r = fcntl(fd, F_DUPFD_CLOEXEC, 500);
	printf("F_DUPFD_CLOEXEC from 500: %ld, F_GETFD %d\n", r,
	       fcntl((int)r, F_GETFD));
	fcntl(500, F_SETFD, FD_CLOEXEC);
	printf("F_SETFD: %d\n", fcntl(500, F_GETFD));
	close(500);
	close(501);
	close(1000);
	close(1023);
	r = close(1000);
	printf("close twice: %ld %s\n", r, err(r));
	r = read(77, buf, 1);
	printf("read a closed fd: %ld %s\n", r, err(r));
	r = fcntl(-1, F_GETFD);
	printf("fcntl fd -1: %ld %s\n", r, err(r));
	close(fd);
	close(fd2);

	/* Directories. */
	mkdir("d", 0755);
	mkdir("d/sub", 0700);
	close(open("d/a", O_WRONLY | O_CREAT, 0600));
	close(open("d/b", O_WRONLY | O_CREAT, 0644));
	symlink("a", "d/link");
	symlink("nowhere", "d/dangling");
	list("d");
	kind("d", 1);
	kind("d/sub", 1);
	kind("d/a", 1);
	kind("d/link", 0);
	kind("d/link", 1);
	kind("d/dangling", 1);
	r = readlink("d/link", buf, sizeof(buf));
	printf("readlink: %.*s\n", (int)r, buf);
	r = readlink("d/a", buf, sizeof(buf));
	printf("readlink of a file: %ld %s\n", r, err(r));
	r = mkdir("d", 0755);
	printf("mkdir existing: %ld %s\n", r, err(r));
	r = rmdir("d");
	printf("rmdir non-empty: %ld %s\n", r, err(r));
	r = unlink("d/sub");
	printf("unlink a directory: %ld %s\n", r, err(r));
	r = rmdir("d/a");
	printf("rmdir a file: %ld %s\n", r, err(r));
	r = rename("d/b", "d/sub/moved");
	printf("rename into a subdirectory: %ld\n", r);
	r = rename("d/a", "d/sub/moved");
	printf("rename over a file: %ld\n", r);
	list("d");
	list("d/sub");
	r = rename("d/missing", "d/x");
	printf("rename missing: %ld %s\n", r, err(r));

	/* openat with a directory fd, fstatat, unlinkat. */
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "made-at", O_WRONLY | O_CREAT, 0640);
	r = write(fd, "at", 2);
	close(fd);
	struct stat st;
	fstatat(dfd, "made-at", &st, 0);
	printf("openat/fstatat: size %lld mode %o\n", (long long)st.st_size,
	       st.st_mode & 0777);
	fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW);
	printf("fstatat nofollow: symlink %d\n", S_ISLNK(st.st_mode));
	printf("unlinkat: %d\n", unlinkat(dfd, "made-at", 0));
	printf("unlinkat AT_REMOVEDIR: %d\n",
	       unlinkat(dfd, "sub/moved", 0) ||
		   unlinkat(dfd, "sub", AT_REMOVEDIR));
	close(dfd);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	r = fchdir(fd);
	printf("fchdir: %ld, now in a directory with:", r);
	close(fd);
	list(".");
	r = chdir("..");
	r = chdir("no-such-dir");
	printf("chdir missing: %ld %s\n", r, err(r));

	/* Devices. */
	fd = open("/dev/null", O_RDWR);
	printf("/dev/null: write %ld, read %ld\n", (long)write(fd, "x", 1),
	       (long)read(fd, buf, 10));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, 16);
	r = read(fd, buf, 16);
	int nonzero = 0;
	for (int i = 0; i < 16; i++)
		nonzero += buf[i] != 0;
	printf("/dev/zero: read %ld, non-zero bytes %d\n", r, nonzero);
	close(fd);
	kind("/dev/null", 1);
	fd = open("/dev/urandom", O_RDONLY);
	unsigned char rnd[32];
	r = read(fd, rnd, sizeof(rnd));
	int distinct = 0;
	for (int i = 1; i < 32; i++)
		distinct += rnd[i] != rnd[0];
	printf("/dev/urandom: read %ld, not all one byte %d\n", r,
	       distinct > 0);
	close(fd);

	/* Bad pointers are EFAULT, not a crash. */
	r = write(1, (void *)8, 10);
	printf("write from address 8: %ld %s\n", r, err(r));
	r = open((char *)8, O_RDONLY);
	printf("open with path at address 8: %ld %s\n", r, err(r));
	r = read(0, (void *)0xffff800000001000ul, 1);
	printf("read from /dev/null into the kernel half: %ld %s\n", r, err(r));
	return 0;
}
