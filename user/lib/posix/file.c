/*
 * Files: open, read, write, lseek, close, dup, fsync, stat, and the
 * directory-tree calls (mkdir, chdir, getcwd, unlink, rmdir).  Paths and
 * buffers are passed as addresses; mm0 reads and writes them itself.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libposix.h"

int open(const char *path, int flags, ...)
{
	int mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)px_ret(px_call(PX_OPEN, (long)path, flags, mode, 0, 0));
}

int close(int fd)
{
	return (int)px_ret(px_call(PX_CLOSE, fd, 0, 0, 0, 0));
}

ssize_t read(int fd, void *buf, size_t count)
{
	return px_ret(px_call(PX_READ, fd, (long)buf, (long)count, 0, 0));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return px_ret(px_call(PX_WRITE, fd, (long)buf, (long)count, 0, 0));
}

off_t lseek(int fd, off_t offset, int whence)
{
	return px_ret(px_call(PX_LSEEK, fd, offset, whence, 0, 0));
}

int dup(int fd)
{
	return (int)px_ret(px_call(PX_DUP, fd, 0, 0, 0, 0));
}

int fsync(int fd)
{
	return (int)px_ret(px_call(PX_FSYNC, fd, 0, 0, 0, 0));
}

static void from_px(struct stat *st, const struct px_stat *px)
{
	*st = (struct stat){
	    .st_ino = px->st_ino,
	    .st_mode = px->st_mode,
	    .st_nlink = px->st_nlink,
	    .st_size = (off_t)px->st_size,
	    .st_blksize = 4096,
	    .st_blocks = (blkcnt_t)px->st_blocks,
	};
}

int stat(const char *path, struct stat *st)
{
	struct px_stat px;
	long r = px_ret(px_call(PX_STAT, (long)path, (long)&px, 0, 0, 0));
	if (r == 0)
		from_px(st, &px);
	return (int)r;
}

int fstat(int fd, struct stat *st)
{
	struct px_stat px;
	long r = px_ret(px_call(PX_FSTAT, fd, (long)&px, 0, 0, 0));
	if (r == 0)
		from_px(st, &px);
	return (int)r;
}

int mkdir(const char *path, mode_t mode)
{
	return (int)px_ret(px_call(PX_MKDIR, (long)path, mode, 0, 0, 0));
}

int chdir(const char *path)
{
	return (int)px_ret(px_call(PX_CHDIR, (long)path, 0, 0, 0, 0));
}

/* mm0 writes the NUL-terminated path and answers its length. */
char *getcwd(char *buf, size_t size)
{
	if (!buf || !size) {
		px_ret(-EINVAL);
		return NULL;
	}
	if (px_ret(px_call(PX_GETCWD, (long)buf, (long)size, 0, 0, 0)) < 0)
		return NULL;
	return buf;
}

int unlink(const char *path)
{
	return (int)px_ret(px_call(PX_UNLINK, (long)path, 0, 0, 0, 0));
}

int rmdir(const char *path)
{
	return (int)px_ret(px_call(PX_RMDIR, (long)path, 0, 0, 0, 0));
}
