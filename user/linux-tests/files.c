/*
 * Linux file calls: open and its flags, read/write/lseek/pread/pwrite,
 * readv/writev, descriptors (dup, dup2, dup3, fcntl, close-on-exec, 1024
 * of them), stat in its spellings, getdents64, the *at calls with a
 * directory descriptor, links, symbolic links, rename, chmod, utimensat,
 * truncate, access, the devices, EFAULT/EBADF for bad arguments, and
 * ETXTBSY for a running file.
 */
#include "lxt.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

static void basic_io(void)
{
	char b[64];
	int fd = open("/tmp/f1", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 3, "open O_CREAT gives the lowest free descriptor (%d)", fd);
	ok(write(fd, "hello world", 11) == 11, "write 11 bytes");
	static char block[4096];
	/* 512 is also Linux's ERESTARTSYS: a count, not a code. */
	ok(write(fd, block, 512) == 512 && write(fd, block, 4096) == 4096,
	   "writes of 512 and 4096 bytes answer their counts");
	ok(ftruncate(fd, 11) == 0 && lseek(fd, 11, SEEK_SET) == 11,
	   "cut back to 11");
	ok(lseek(fd, 0, SEEK_CUR) == 11, "the offset moved");
	ok(lseek(fd, 6, SEEK_SET) == 6 && read(fd, b, 5) == 5 &&
	       !memcmp(b, "world", 5),
	   "lseek and read back");
	ok(read(fd, b, 5) == 0, "read at the end is 0");
	ok(pread(fd, b, 5, 0) == 5 && !memcmp(b, "hello", 5) &&
	       lseek(fd, 0, SEEK_CUR) == 11,
	   "pread does not move the offset");
	ok(pwrite(fd, "HELLO", 5, 0) == 5 && pread(fd, b, 11, 0) == 11 &&
	       !memcmp(b, "HELLO world", 11),
	   "pwrite");
	ERR(lseek(fd, -1, SEEK_SET), EINVAL, "lseek before 0: EINVAL");
	ERR(lseek(fd, 0, 7), EINVAL, "lseek bad whence: EINVAL");
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	ok(lseek(fd, 0, SEEK_END) == 11 && writev(fd, iov, 3) == 5,
	   "writev of 3 pieces");
	char x[3], y[4];
	struct iovec rv[2] = {{x, 3}, {y, 4}};
	ok(lseek(fd, 9, SEEK_SET) == 9 && readv(fd, rv, 2) == 7 &&
	       !memcmp(x, "ldab", 3) && !memcmp(y, "bcde", 4),
	   "readv across pieces");
	struct stat st;
	ok(fstat(fd, &st) == 0 && st.st_size == 16 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 07777) == 0644 && st.st_nlink == 1 &&
	       st.st_blksize == 4096,
	   "fstat: size 16, regular, 0644, 1 link");
	close(fd);

	fd = open("/tmp/f1", O_WRONLY | O_APPEND);
	ok(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "!", 1) == 1,
	   "O_APPEND write");
	close(fd);
	ok(stat("/tmp/f1", &st) == 0 && st.st_size == 17,
	   "O_APPEND writes at the end");
	ERR(open("/tmp/f1", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST,
	    "O_EXCL on a file: EEXIST");
	fd = open("/tmp/f1", O_RDWR | O_TRUNC);
	ok(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0,
	   "O_TRUNC empties it");
	close(fd);
	ERR(open("/tmp/none", O_RDONLY), ENOENT, "open of nothing: ENOENT");
	ERR(open("/tmp/f1/x", O_RDONLY), ENOTDIR,
	    "a file as a directory: ENOTDIR");
	ERR(open("/tmp", O_WRONLY), EISDIR, "a directory for writing: EISDIR");
	ERR(open("/tmp/f1", O_RDONLY | O_DIRECTORY), ENOTDIR,
	    "O_DIRECTORY on a file: ENOTDIR");
	ERR(read(99, b, 1), EBADF, "read of a closed descriptor: EBADF");
	fd = open("/tmp/f1", O_RDONLY);
	ERR(write(fd, "x", 1), EBADF, "write to a read-only descriptor: EBADF");
	close(fd);
	umask(022);
	fd = open("/tmp/f2", O_WRONLY | O_CREAT, 0777);
	ok(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0755,
	   "umask applies (0755)");
	close(fd);
}

static void descriptors(void)
{
	int fd = open("/tmp/f1", O_RDWR), r;
	ok(fd >= 0, "open");
	int d = dup(fd);
	ok(d > fd, "dup: a new descriptor");
	lseek(fd, 3, SEEK_SET);
	ok(lseek(d, 0, SEEK_CUR) == 3, "dup shares the offset");
	ok(dup2(fd, 40) == 40 && lseek(40, 0, SEEK_CUR) == 3, "dup2 to 40");
	ok(dup2(40, 40) == 40, "dup2 to itself");
	ERR(dup3(40, 40, 0), EINVAL, "dup3 to itself: EINVAL");
	ok(RAW(SYS_dup3, 40, 41, 1234, 0, 0, 0) == -EINVAL,
	   "dup3 bad flags: EINVAL");
	ok(dup3(fd, 41, O_CLOEXEC) == 41 && fcntl(41, F_GETFD) == FD_CLOEXEC,
	   "dup3 O_CLOEXEC marks the new one");
	ok(fcntl(fd, F_GETFD) == 0, "the old one unmarked");
	ok(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
	       fcntl(fd, F_GETFD) == FD_CLOEXEC,
	   "F_SETFD");
	r = fcntl(fd, F_DUPFD, 50);
	ok(r == 50 && fcntl(r, F_GETFD) == 0, "F_DUPFD 50 (not close-on-exec)");
	r = fcntl(fd, F_DUPFD_CLOEXEC, 50);
	ok(r == 51 && fcntl(r, F_GETFD) == FD_CLOEXEC,
	   "F_DUPFD_CLOEXEC: 51, marked");
	ok((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL: O_RDWR");
	ok(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0 &&
	       (fcntl(d, F_GETFL) & (O_APPEND | O_NONBLOCK)) ==
		   (O_APPEND | O_NONBLOCK),
	   "F_SETFL: the description's flags, seen through a dup");
	ERR(fcntl(99, F_GETFD), EBADF, "fcntl on a bad descriptor: EBADF");
	ERR(fcntl(fd, 9999), EINVAL, "an unknown command: EINVAL");

	/* 1024 descriptors (Linux's usual limit: set it for the host). */
	struct rlimit rl = {1024, 1024};
	ok(setrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	       getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024,
	   "RLIMIT_NOFILE is 1024");
	ERR(dup2(fd, 1024), EBADF, "dup2 to 1024: EBADF");
	int n = 0, last = -1;
	for (;;) {
		int k = dup(fd);
		if (k < 0)
			break;
		last = k;
		n++;
	}
	ok(last == 1023 && errno == EMFILE,
	   "descriptors go up to 1023, then EMFILE (%d)", last);
	ok(close(700) == 0 && dup(fd) == 700,
	   "a closed one is reused, lowest first");
	for (int k = 3; k < 1024; k++)
		if (k != fd)
			close(k);
	ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "the first still open");

	/* Close-on-exec across execve: a child execs us with "cloexec". */
	int keep = open("/tmp/f1", O_RDONLY);
	int drop = open("/tmp/f1", O_RDONLY | O_CLOEXEC);
	pid_t pid = fork();
	if (pid == 0) {
		char a[16], b[16];
		snprintf(a, sizeof(a), "%d", keep);
		snprintf(b, sizeof(b), "%d", drop);
		execl("/proc/self/exe", "lxt-files", "cloexec", a, b, NULL);
		_exit(99);
	}
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "after execve the O_CLOEXEC descriptor is closed, the other open "
	   "(status %x)",
	   status);
	close(keep);
	close(drop);
	close(fd);
}

static void names(void)
{
	struct stat st;
	char b[256];
	ok(mkdir("/tmp/d", 0755) == 0, "mkdir");
	ERR(mkdir("/tmp/d", 0755), EEXIST, "mkdir again: EEXIST");
	ok(stat("/tmp/d", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2,
	   "a directory, 2 links");
	int fd = open("/tmp/d/a", O_CREAT | O_WRONLY, 0644);
	write(fd, "abc", 3);
	close(fd);
	ok(link("/tmp/d/a", "/tmp/d/b") == 0, "link");
	ok(stat("/tmp/d/b", &st) == 0 && st.st_nlink == 2 && st.st_size == 3,
	   "2 links, same data");
	ERR(link("/tmp/d", "/tmp/d2"), EPERM, "link to a directory: EPERM");
	ok(symlink("a", "/tmp/d/s") == 0, "symlink");
	ok(lstat("/tmp/d/s", &st) == 0 && S_ISLNK(st.st_mode) &&
	       st.st_size == 1,
	   "lstat sees the link");
	ok(stat("/tmp/d/s", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 3,
	   "stat follows it");
	ok(readlink("/tmp/d/s", b, sizeof(b)) == 1 && b[0] == 'a', "readlink");
	ok(RAW(SYS_readlink, (long)"/tmp/d/s", (long)b, 0, 0, 0, 0) == -EINVAL,
	   "readlink size 0: EINVAL");
	ERR(readlink("/tmp/d/a", b, sizeof(b)), EINVAL,
	    "readlink of a file: EINVAL");
	ok(symlink("/tmp/d", "/tmp/dl") == 0 && stat("/tmp/dl/a", &st) == 0,
	   "a link to a directory in the middle of a path");
	ok(symlink("loop2", "/tmp/loop1") == 0 &&
	       symlink("loop1", "/tmp/loop2") == 0,
	   "a loop");
	ERR(stat("/tmp/loop1", &st), ELOOP, "following it: ELOOP");
	ERR(open("/tmp/d/s", O_RDONLY | O_NOFOLLOW), ELOOP,
	    "O_NOFOLLOW on a link: ELOOP");
	ok(symlink("nothing", "/tmp/dangling") == 0, "a dangling link");
	ERR(stat("/tmp/dangling", &st), ENOENT, "stat through it: ENOENT");
	ok(unlink("/tmp/dangling") == 0, "unlink removes the link");
	ok(rename("/tmp/d/b", "/tmp/d/c") == 0 && stat("/tmp/d/c", &st) == 0 &&
	       stat("/tmp/d/b", &st) == -1,
	   "rename");
	fd = open("/tmp/d/e", O_CREAT | O_WRONLY, 0644);
	close(fd);
	ok(rename("/tmp/d/c", "/tmp/d/e") == 0 && stat("/tmp/d/e", &st) == 0 &&
	       st.st_size == 3,
	   "rename over a file replaces it");
	ok(mkdir("/tmp/d/sub", 0755) == 0 &&
	       rename("/tmp/d/sub", "/tmp/sub2") == 0 &&
	       stat("/tmp/sub2", &st) == 0 && S_ISDIR(st.st_mode),
	   "rename a directory elsewhere");
	ERR(rename("/tmp/sub2", "/tmp/sub2/x"), EINVAL, "into itself: EINVAL");
	ERR(rename("/tmp/d", "/tmp/d/e"), EINVAL,
	    "a directory below itself: EINVAL");
	ok(mkdir("/tmp/dd", 0755) == 0, "another directory");
	ERR(rename("/tmp/dd", "/tmp/f1"), ENOTDIR,
	    "a directory over a file: ENOTDIR");
	ERR(rename("/tmp/d/e", "/tmp/sub2"), EISDIR,
	    "a file over a directory: EISDIR");
	ERR(rmdir("/tmp/d"), ENOTEMPTY, "rmdir of a full directory: ENOTEMPTY");
	ERR(unlink("/tmp/d"), EISDIR, "unlink of a directory: EISDIR");
	ok(rmdir("/tmp/sub2") == 0, "rmdir");

	/* Directory descriptors and the *at calls. */
	int dfd = open("/tmp/d", O_RDONLY | O_DIRECTORY);
	ok(dfd >= 0, "open a directory");
	fd = openat(dfd, "new", O_CREAT | O_WRONLY, 0600);
	ok(fd >= 0 && stat("/tmp/d/new", &st) == 0, "openat relative to it");
	close(fd);
	ok(fstatat(dfd, "new", &st, 0) == 0 && (st.st_mode & 0777) == 0600,
	   "fstatat");
	ok(fstatat(dfd, "", &st, AT_EMPTY_PATH) == 0 && S_ISDIR(st.st_mode),
	   "AT_EMPTY_PATH");
	ok(mkdirat(dfd, "sd", 0700) == 0 &&
	       unlinkat(dfd, "sd", AT_REMOVEDIR) == 0,
	   "mkdirat, unlinkat AT_REMOVEDIR");
	ok(renameat(dfd, "new", AT_FDCWD, "/tmp/moved") == 0 &&
	       access("/tmp/moved", F_OK) == 0,
	   "renameat between directories");
	ERR(openat(fd, "x", O_RDONLY), EBADF,
	    "openat with a closed dirfd: EBADF");
	int ffd = open("/tmp/f1", O_RDONLY);
	ERR(openat(ffd, "x", O_RDONLY), ENOTDIR,
	    "openat with a file as dirfd: ENOTDIR");
	close(ffd);

	/* getdents64 through readdir. */
	DIR *dir = opendir("/tmp/d");
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, "a"))
			seen |= e->d_type == DT_REG ? 1 : 0;
		if (!strcmp(e->d_name, "s"))
			seen |= e->d_type == DT_LNK ? 2 : 0;
		if (!strcmp(e->d_name, "."))
			seen |= 4;
		if (!strcmp(e->d_name, ".."))
			seen |= 8;
	}
	closedir(dir);
	ok(seen == 15, "readdir: ., .., a (DT_REG), s (DT_LNK)");
	char small[16];
	ok(RAW(SYS_getdents64, dfd, (long)small, sizeof(small), 0, 0, 0) ==
	       -EINVAL,
	   "getdents64 with no room for one entry: EINVAL");
	ok(RAW(SYS_getdents64, dfd, (long)KADDR, 4096, 0, 0, 0) == -EFAULT,
	   "getdents64 into the kernel half: EFAULT");
	close(dfd);

	ok(chmod("/tmp/d/a", 0600) == 0 && stat("/tmp/d/a", &st) == 0 &&
	       (st.st_mode & 07777) == 0600,
	   "chmod");
	struct timespec ts[2] = {{1000, 0}, {2000, 5}};
	ok(utimensat(AT_FDCWD, "/tmp/d/a", ts, 0) == 0 &&
	       stat("/tmp/d/a", &st) == 0 && st.st_mtim.tv_sec == 2000 &&
	       st.st_mtim.tv_nsec == 5 && st.st_atim.tv_sec == 1000,
	   "utimensat sets the times");
	ok(truncate("/tmp/d/a", 10) == 0 && stat("/tmp/d/a", &st) == 0 &&
	       st.st_size == 10,
	   "truncate extends");
	fd = open("/tmp/d/a", O_RDWR);
	ok(ftruncate(fd, 1) == 0 && fstat(fd, &st) == 0 && st.st_size == 1,
	   "ftruncate cuts");
	close(fd);
	ok(access("/tmp/d/a", R_OK | W_OK) == 0, "access R_OK|W_OK (root)");
	ERR(access("/tmp/d/a", X_OK), EACCES,
	    "access X_OK without an x bit: EACCES");
	ok(access("/bin/lxt-files", X_OK) == 0, "access X_OK of a program");

	ok(getcwd(b, sizeof(b)) && !strcmp(b, "/"), "getcwd /");
	ok(chdir("/tmp/d") == 0 && getcwd(b, sizeof(b)) && !strcmp(b, "/tmp/d"),
	   "chdir");
	ok(open("a", O_RDONLY) >= 0, "a relative path from there");
	ok(getcwd(b, 3) == NULL && errno == ERANGE, "getcwd too small: ERANGE");
	int root = open("/", O_RDONLY);
	ok(fchdir(root) == 0 && getcwd(b, sizeof(b)) && !strcmp(b, "/"),
	   "fchdir");
	close(root);
}

static void devices(void)
{
	char b[64];
	int fd = open("/dev/null", O_RDWR);
	ok(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, b, sizeof(b)) == 0,
	   "/dev/null takes writes and reads empty");
	ok(write(fd, NOADDR, 10) == 10,
	   "/dev/null does not look at what it is given");
	ok(RAW(SYS_write, fd, (long)KADDR, 10, 0, 0, 0) == -EFAULT,
	   "but a range in the kernel half is EFAULT");
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(b, 7, sizeof(b));
	int zero = read(fd, b, sizeof(b)) == sizeof(b);
	for (size_t i = 0; i < sizeof(b); i++)
		zero &= b[i] == 0;
	ok(zero, "/dev/zero reads zeros");
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	char r1[32], r2[32];
	ok(fd >= 0 && read(fd, r1, 32) == 32 && read(fd, r2, 32) == 32 &&
	       memcmp(r1, r2, 32),
	   "/dev/urandom reads bytes that differ");
	close(fd);
	ok(getrandom(r1, 16, 0) == 16 &&
	       getrandom(r2, 16, GRND_NONBLOCK) == 16 && memcmp(r1, r2, 16),
	   "getrandom");
	ok(RAW(SYS_getrandom, (long)r1, 16, 99, 0, 0, 0) == -EINVAL,
	   "getrandom bad flags: EINVAL");
	struct stat st;
	ok(stat("/dev/console", &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == ((5 << 8) | 1),
	   "/dev/console is char device 5,1");
	ok(stat("/dev/tty", &st) == 0 && S_ISCHR(st.st_mode),
	   "/dev/tty exists");
	ok(lseek(open("/dev/null", O_RDONLY), 10, SEEK_SET) == 0,
	   "lseek on /dev/null: 0");
	ERR(lseek(open("/dev/console", O_RDONLY), 0, SEEK_SET), ESPIPE,
	    "no seeking on the terminal");
}

static void bad_pointers(void)
{
	struct stat st;
	ok(RAW(SYS_write, 1, (long)KADDR, 10, 0, 0, 0) == -EFAULT,
	   "write from the kernel half: EFAULT");
	ok(RAW(SYS_read, 0, (long)NOADDR, 10, 0, 0, 0) == -EFAULT ||
	       RAW(SYS_read, 0, (long)NOADDR, 10, 0, 0, 0) == 0,
	   "read into unmapped memory: EFAULT (or nothing to read)");
	int fd = open("/tmp/f1", O_RDWR);
	write(fd, "data", 4);
	lseek(fd, 0, SEEK_SET);
	ok(RAW(SYS_read, fd, (long)NOADDR, 4, 0, 0, 0) == -EFAULT &&
	       lseek(fd, 0, SEEK_CUR) == 0,
	   "read into unmapped memory: EFAULT, nothing consumed");
	ok(RAW(SYS_read, fd, (long)KADDR, 4, 0, 0, 0) == -EFAULT,
	   "read into the kernel half: EFAULT");
	close(fd);
	ok(RAW(SYS_open, (long)KADDR, O_RDONLY, 0, 0, 0, 0) == -EFAULT,
	   "open with a kernel path: EFAULT");
	ok(RAW(SYS_openat, AT_FDCWD, (long)NOADDR, O_RDONLY, 0, 0, 0) ==
	       -EFAULT,
	   "openat with an unmapped path: EFAULT");
	ok(RAW(SYS_newfstatat, AT_FDCWD, (long)"/", (long)KADDR, 0, 0, 0) ==
	       -EFAULT,
	   "stat into the kernel half: EFAULT");
	ok(RAW(SYS_fstat, 0, (long)NOADDR, 0, 0, 0, 0) == -EFAULT,
	   "fstat into nothing: EFAULT");
	ok(RAW(SYS_pipe2, (long)KADDR, 0, 0, 0, 0, 0) == -EFAULT,
	   "pipe2 into the kernel half: EFAULT");
	struct iovec iov = {KADDR, 4};
	ok(RAW(SYS_writev, 1, (long)&iov, 1, 0, 0, 0) == -EFAULT,
	   "writev from the kernel half: EFAULT");
	ok(RAW(SYS_writev, 1, (long)KADDR, 1, 0, 0, 0) == -EFAULT,
	   "writev with a kernel iovec: EFAULT");
	ok(RAW(SYS_readlink, (long)"/tmp/d/s", (long)KADDR, 10, 0, 0, 0) ==
	       -EFAULT,
	   "readlink into the kernel half: EFAULT");
	ok(RAW(SYS_getcwd, (long)KADDR, 100, 0, 0, 0, 0) == -EFAULT,
	   "getcwd into the kernel half: EFAULT");
	ok(RAW(SYS_uname, (long)KADDR, 0, 0, 0, 0, 0) == -EFAULT,
	   "uname into the kernel half: EFAULT");
	ok(RAW(SYS_clock_gettime, 0, (long)KADDR, 0, 0, 0, 0) == -EFAULT,
	   "clock_gettime into the kernel half: EFAULT");
	ok(RAW(SYS_rename, (long)"/tmp/f1", (long)KADDR, 0, 0, 0, 0) == -EFAULT,
	   "rename to a kernel path: EFAULT");
	ok(RAW(SYS_poll, (long)KADDR, 1, 0, 0, 0, 0) == -EFAULT,
	   "poll with kernel fds: EFAULT");
	ok(stat("/tmp/f1", &st) == 0, "and the file is still there");
}

/*
 * A file a process runs is not written, and a file open for writing is
 * not run (ETXTBSY); a file cut and extended again reads zeros past the
 * cut, also inside the page that was cut.
 */
static void running_files(void)
{
	struct stat st;
	char b[8192], self[256];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[len > 0 ? len : 0] = 0;
	ERR(open("/proc/self/exe", O_WRONLY), ETXTBSY,
	    "/proc/self/exe opened for writing: ETXTBSY");
	ERR(open(self, O_RDWR), ETXTBSY,
	    "the running program opened for writing: ETXTBSY");
	ERR(open(self, O_RDONLY | O_TRUNC), ETXTBSY,
	    "the running program opened with O_TRUNC: ETXTBSY");
	ERR(truncate(self, 0), ETXTBSY,
	    "the running program truncated: ETXTBSY");
	ok(stat(self, &st) == 0 && st.st_size > 4096,
	   "the running program is untouched");

	int in = open(self, O_RDONLY);
	int out = open("/tmp/copy", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;
	while ((n = read(in, b, sizeof(b))) > 0)
		write(out, b, (size_t)n);
	close(in);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"/tmp/copy", NULL};
		execve("/tmp/copy", argv, argv + 1);
		_exit(errno == ETXTBSY ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "a file open for writing is not run: ETXTBSY (0x%x)", status);
	close(out);

	int fd = open("/tmp/cut", O_RDWR | O_CREAT | O_TRUNC, 0644);
	memset(b, 'x', sizeof(b));
	write(fd, b, sizeof(b));
	int zeros = ftruncate(fd, 5000) == 0 && ftruncate(fd, 8192) == 0 &&
		    pread(fd, b, sizeof(b), 0) == 8192;
	for (int i = 0; zeros && i < 8192; i++)
		zeros = b[i] == (i < 5000 ? 'x' : 0);
	ok(zeros, "cut to 5000 bytes and extended: zeros past the cut");
	close(fd);
	unlink("/tmp/cut");
	unlink("/tmp/copy");
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "cloexec"))
		return fcntl(atoi(argv[2]), F_GETFD) == 0 &&
			       fcntl(atoi(argv[3]), F_GETFD) == -1 &&
			       errno == EBADF
			   ? 0
			   : 1;
	mkdir("/tmp", 01777);
	basic_io();
	descriptors();
	names();
	devices();
	bad_pointers();
	running_files();
	return done();
}
