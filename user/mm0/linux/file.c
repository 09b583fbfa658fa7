/*
 * Linux file system calls: descriptors, reading and writing (pipes
 * included), opening and naming files, directories, stat, ioctl and poll.
 * The file system itself is mm0's (fs.h); this file decodes the Linux
 * arguments, copies to and from the process, and decides what waits.
 *
 * Waiting.  fs.h never blocks: an empty pipe or a full one is -EAGAIN.
 * Here a descriptor without O_NONBLOCK parks its thread on the pipe's
 * inode instead; the pipe hook (lx_pipe_changed) wakes it and the call is
 * made again.  A write keeps how much it has written in t->lx.done, so a
 * large blocking write goes on where it stopped and answers the whole
 * count.  Writing to a pipe with no reader is -EPIPE and SIGPIPE.
 *
 * The terminal (/dev/console, /dev/tty) is tty.c's: reads, writes, its
 * ioctls and its poll readiness go there.
 *
 * poll and select wait until something is ready, a signal, or their
 * timeout's deadline (time.c makes the call again then).
 */
#include <stdlib.h>
#include <string.h>

#include "lx.h"

#define IO_CHUNK 16384
#define FS(t) (&(t)->proc->fs)
#define TMPFS_MAGIC 0x01021994

/* A descriptor argument: Linux takes the low 32 bits as an int. */
static int fd_arg(uint64_t v)
{
	return (int)(uint32_t)v;
}

static bool user_range(uint64_t buf, uint64_t n)
{
	return buf + n >= buf && buf + n <= TASK_USER_END;
}

long lx_sys_ioctl(struct task *t, struct lx_call *c)
{
	int fd = fd_arg(c->a[0]);
	unsigned long req = (uint32_t)c->a[1];
	struct inode *ino = fs_fd_inode(FS(t), fd, NULL);
	int on;

	if (!ino)
		return -EBADF;
	switch (req) {
	case LX_FIONBIO:
		if (mm_copy_in(t->proc->mm, &on, c->a[2], 4))
			return -EFAULT;
		return fs_setfl(FS(t), fd,
				on ? fs_getfl(FS(t), fd) | LX_O_NONBLOCK
				   : fs_getfl(FS(t), fd) & ~LX_O_NONBLOCK);
	case LX_FIOCLEX:
		return fs_fd_setflags(FS(t), fd, FS_FD_CLOEXEC);
	case LX_FIONCLEX:
		return fs_fd_setflags(FS(t), fd, 0);
	case LX_FIONREAD:
		if (fs_inode_is_tty(ino))
			return lx_tty_ioctl(t, req, c->a[2]);
		if (fs_inode_is_reg(ino) || fs_inode_is_pipe(ino)) {
			int n = (int)fs_readable(FS(t), fd);
			return mm_copy_out(t->proc->mm, c->a[2], &n, 4)
				   ? -EFAULT
				   : 0;
		}
		return -ENOTTY;
	}
	if (fs_inode_is_tty(ino))
		return lx_tty_ioctl(t, req, c->a[2]);
	return -ENOTTY;
}

/* ------------------------------------------------------------ read, write */

/* The I/O vector of a call, in mm0. */
struct iov {
	struct lx_iovec *v;
	unsigned n;
	struct lx_iovec one;
};

static long iov_in(struct task *t, uint64_t uiov, uint64_t count,
		   struct iov *io)
{
	uint64_t total = 0;
	io->n = 0;
	io->v = &io->one; /* what iov_free expects, whatever comes back */
	if (count > LX_IOV_MAX)
		return -EINVAL;
	if (count && !(io->v = malloc(count * sizeof(*io->v)))) {
		io->v = &io->one;
		return -ENOMEM;
	}
	io->n = (unsigned)count;
	if (count &&
	    mm_copy_in(t->proc->mm, io->v, uiov, count * sizeof(*io->v)))
		return -EFAULT;
	for (unsigned i = 0; i < io->n; i++) {
		if (io->v[i].len > 0x7fffffffffffffffull - total)
			return -EINVAL;
		total += io->v[i].len;
		if (io->v[i].len && !user_range(io->v[i].base, io->v[i].len))
			return -EFAULT;
	}
	return 0;
}

static void iov_free(struct iov *io)
{
	if (io->v != &io->one)
		free(io->v);
}

/* Whether a read or write on fd that cannot go on now should wait. */
static bool blocks(struct task *t, int fd)
{
	return !(fs_getfl(FS(t), fd) & LX_O_NONBLOCK);
}

/* The buffer a read or write moves its bytes through: on mm0's stack for
 * small transfers (most are), else a heap chunk. */
struct bounce {
	char *buf;
	size_t size;
	char small[1024];
};

static long bounce_get(struct bounce *b, const struct iov *io)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < io->n && total <= sizeof(b->small); i++)
		total += io->v[i].len;
	if (total <= sizeof(b->small)) {
		b->buf = b->small;
		b->size = sizeof(b->small);
		return 0;
	}
	/* Short of memory, the small buffer does too, in more steps. */
	b->buf = malloc(IO_CHUNK);
	b->size = IO_CHUNK;
	if (!b->buf) {
		b->buf = b->small;
		b->size = sizeof(b->small);
	}
	return 0;
}

static void bounce_put(struct bounce *b)
{
	if (b->buf != b->small)
		free(b->buf);
}

/*
 * Read into the vector: as much as there is.  From a pipe that is empty
 * (with writers left), park unless O_NONBLOCK.  A chunk that cannot be
 * copied out of a regular file is given back (the offset moves back
 * over it), so a failed read consumes nothing there.
 */
static long readv_do(struct task *t, int fd, struct iov *io, int64_t off)
{
	struct inode *ino = fs_fd_inode(FS(t), fd, NULL);
	struct bounce b;
	long done = 0, r;

	if (!ino)
		return -EBADF;
	if (fs_inode_is_tty(ino) && lx_tty_live() && off < 0)
		return (fs_getfl(FS(t), fd) & LX_O_ACCMODE) == LX_O_WRONLY
			   ? -EBADF
			   : lx_tty_readv(t, fd, io->v, io->n);
	if ((r = bounce_get(&b, io)))
		return r;
	char *chunk = b.buf;
	vmo_file_flush(ino);
	for (unsigned i = 0; i < io->n; i++) {
		uint64_t base = io->v[i].base, len = io->v[i].len, at = 0;
		while (at < len) {
			size_t want = len - at < b.size ? len - at : b.size;
			long got = off >= 0 ? fs_pread(FS(t), fd, chunk, want,
						       (uint64_t)(off + done))
					    : fs_read(FS(t), fd, chunk, want);
			if (got < 0) {
				if (got == -EAGAIN && !done && blocks(t, fd)) {
					bounce_put(&b);
					return lx_park(t, LX_PARK_IO, ino);
				}
				done = done ? done : got;
				goto out;
			}
			if (got && mm_copy_out(t->proc->mm, base + at, chunk,
					       (size_t)got)) {
				if (off < 0 && fs_inode_is_reg(ino))
					fs_lseek(FS(t), fd, -got, LX_SEEK_CUR);
				done = done ? done : -EFAULT;
				goto out;
			}
			done += got;
			at += (uint64_t)got;
			if ((size_t)got < want)
				goto out;
		}
	}
out:
	bounce_put(&b);
	return done;
}

/*
 * Write the vector, from where a parked write stopped (t->lx.done).  A
 * pipe that is full parks a blocking writer; one without readers is
 * -EPIPE and SIGPIPE for the thread.
 */
static long writev_do(struct task *t, int fd, struct iov *io, int64_t off)
{
	struct inode *ino = fs_fd_inode(FS(t), fd, NULL);
	uint64_t skip = t->lx.done;
	long done = (long)t->lx.done, r;
	struct bounce b;

	if (!ino)
		return -EBADF;
	if (fs_inode_discards(ino) && off < 0 && fs_getfl(FS(t), fd) >= 0 &&
	    (fs_getfl(FS(t), fd) & LX_O_ACCMODE) != LX_O_RDONLY) {
		/* /dev/null and /dev/zero: taken without a look, as Linux. */
		long n = 0;
		for (unsigned i = 0; i < io->n; i++)
			n += (long)io->v[i].len;
		return n;
	}
	bool tty = fs_inode_is_tty(ino) && lx_tty_live() && off < 0;
	if (tty && (fs_getfl(FS(t), fd) & LX_O_ACCMODE) == LX_O_RDONLY)
		return -EBADF;
	if (tty && !done && (r = lx_tty_write_check(t)))
		return r;
	if ((r = bounce_get(&b, io)))
		return r;
	char *chunk = b.buf;
	for (unsigned i = 0; i < io->n; i++) {
		uint64_t base = io->v[i].base, len = io->v[i].len, at = 0;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		at = skip;
		skip = 0;
		while (at < len) {
			size_t want = len - at < b.size ? len - at : b.size;
			if (mm_copy_in(t->proc->mm, chunk, base + at, want)) {
				done = done ? done : -EFAULT;
				goto out;
			}
			long put = off >= 0 ? fs_pwrite(FS(t), fd, chunk, want,
							(uint64_t)(off + done))
				   : tty    ? lx_tty_write(chunk, want)
					    : fs_write(FS(t), fd, chunk, want);
			if (put == -EAGAIN && blocks(t, fd)) {
				t->lx.done = (uint64_t)done;
				bounce_put(&b);
				return lx_park(t, LX_PARK_IO, ino);
			}
			if (put < 0) {
				if (put == -EPIPE) {
					struct lx_sigsource src = {
					    LX_SI_USER, (int32_t)t->proc->pid,
					    0, 0};
					lx_signal_thread(t, LX_SIGPIPE, &src);
				}
				done = done ? done : put;
				goto out;
			}
			if (fs_inode_is_reg(ino)) {
				long end = off >= 0 ? off + done + put
						    : fs_lseek(FS(t), fd, 0,
							       LX_SEEK_CUR);
				if (end >= put)
					vmo_file_update(ino,
							(uint64_t)(end - put),
							chunk, (size_t)put);
			}
			done += put;
			at += (uint64_t)put;
			if ((size_t)put < want && !fs_inode_is_pipe(ino))
				goto out;
		}
	}
out:
	bounce_put(&b);
	t->lx.done = 0;
	return done;
}

static long rw_one(struct task *t, struct lx_call *c, bool write, int64_t off)
{
	struct iov io = {&io.one, 1, {c->a[1], c->a[2]}};
	int fd = fd_arg(c->a[0]);
	if (io.one.len > 0x7fffffffffffffffull)
		return -EINVAL;
	if (io.one.len && !user_range(io.one.base, io.one.len))
		return fs_fd_inode(FS(t), fd, NULL) ? -EFAULT : -EBADF;
	return write ? writev_do(t, fd, &io, off) : readv_do(t, fd, &io, off);
}

static long rw_vec(struct task *t, struct lx_call *c, bool write)
{
	struct iov io;
	int fd = fd_arg(c->a[0]);
	long r;
	if (!fs_fd_inode(FS(t), fd, NULL))
		return -EBADF;
	r = iov_in(t, c->a[1], c->a[2], &io);
	if (!r)
		r = write ? writev_do(t, fd, &io, -1)
			  : readv_do(t, fd, &io, -1);
	iov_free(&io);
	return r;
}

long lx_sys_read(struct task *t, struct lx_call *c)
{
	return rw_one(t, c, false, -1);
}

long lx_sys_write(struct task *t, struct lx_call *c)
{
	return rw_one(t, c, true, -1);
}

long lx_sys_readv(struct task *t, struct lx_call *c)
{
	return rw_vec(t, c, false);
}

long lx_sys_writev(struct task *t, struct lx_call *c)
{
	return rw_vec(t, c, true);
}

long lx_sys_pread64(struct task *t, struct lx_call *c)
{
	if ((int64_t)c->a[3] < 0)
		return -EINVAL;
	return rw_one(t, c, false, (int64_t)c->a[3]);
}

long lx_sys_pwrite64(struct task *t, struct lx_call *c)
{
	if ((int64_t)c->a[3] < 0)
		return -EINVAL;
	return rw_one(t, c, true, (int64_t)c->a[3]);
}

long lx_sys_lseek(struct task *t, struct lx_call *c)
{
	if (c->a[2] > LX_SEEK_END)
		return fs_fd_inode(FS(t), fd_arg(c->a[0]), NULL) ? -EINVAL
								 : -EBADF;
	return fs_lseek(FS(t), fd_arg(c->a[0]), (long)c->a[1], (int)c->a[2]);
}

long lx_sys_fsync(struct task *t, struct lx_call *c)
{
	return fs_fsync(FS(t), fd_arg(c->a[0]));
}

long lx_sys_sendfile(struct task *t, struct lx_call *c)
{
	return -ENOSYS;
}

/* ------------------------------------------------------------ open, close */

static int dirfd_arg(uint64_t v)
{
	int fd = fd_arg(v);
	return fd == LX_AT_FDCWD ? FS_AT_FDCWD : fd;
}

static long open_at(struct task *t, int dirfd, uint64_t upath, uint64_t flags,
		    uint64_t mode)
{
	char path[PX_PATH_MAX];
	long r;
	if ((r = lx_path_in(t, upath, path)))
		return r;
	if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
		return -LX_EOPNOTSUPP;
	mode &= 07777 & ~t->proc->lx.umask;
	flags = (flags | LX_O_LARGEFILE) & 037777777;
	if (!strcmp(path, "/proc/self/exe"))
		return t->proc->exe
			   ? fs_open_inode(FS(t), t->proc->exe, (int)flags)
			   : -ENOENT;
	return fs_open_at(FS(t), dirfd, path, (int)flags, (int)mode);
}

long lx_sys_open(struct task *t, struct lx_call *c)
{
	return open_at(t, FS_AT_FDCWD, c->a[0], c->a[1], c->a[2]);
}

long lx_sys_openat(struct task *t, struct lx_call *c)
{
	return open_at(t, dirfd_arg(c->a[0]), c->a[1], c->a[2], c->a[3]);
}

long lx_sys_creat(struct task *t, struct lx_call *c)
{
	return open_at(t, FS_AT_FDCWD, c->a[0],
		       LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, c->a[1]);
}

long lx_sys_close(struct task *t, struct lx_call *c)
{
	return fs_close(FS(t), fd_arg(c->a[0]));
}

/* close_range(first, last, flags): CLOSE_RANGE_CLOEXEC 4 marks instead. */
long lx_sys_close_range(struct task *t, struct lx_call *c)
{
	uint64_t first = (uint32_t)c->a[0], last = (uint32_t)c->a[1];
	if (c->a[2] & ~6ull || first > last)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < FS_MAX_FDS; fd++) {
		if (c->a[2] & 4)
			fs_fd_setflags(FS(t), (int)fd, FS_FD_CLOEXEC);
		else
			fs_close(FS(t), (int)fd);
	}
	return 0;
}

long lx_sys_dup(struct task *t, struct lx_call *c)
{
	return fs_dup_min(FS(t), fd_arg(c->a[0]), 0, 0);
}

long lx_sys_dup2(struct task *t, struct lx_call *c)
{
	int oldfd = fd_arg(c->a[0]), newfd = fd_arg(c->a[1]);
	if (oldfd == newfd)
		return fs_fd_inode(FS(t), oldfd, NULL) ? newfd : -EBADF;
	return fs_dup2(FS(t), oldfd, newfd, 0);
}

long lx_sys_dup3(struct task *t, struct lx_call *c)
{
	int oldfd = fd_arg(c->a[0]), newfd = fd_arg(c->a[1]);
	if (c->a[2] & ~(uint64_t)LX_O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fs_dup2(FS(t), oldfd, newfd,
		       (c->a[2] & LX_O_CLOEXEC) ? FS_FD_CLOEXEC : 0);
}

long lx_sys_fcntl(struct task *t, struct lx_call *c)
{
	int fd = fd_arg(c->a[0]);
	uint64_t arg = c->a[2];
	int16_t unlocked = 2; /* F_UNLCK */

	if (!fs_fd_inode(FS(t), fd, NULL))
		return -EBADF;
	switch ((int)c->a[1]) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (arg >= LX_FD_MAX)
			return -EINVAL;
		return fs_dup_min(
		    FS(t), fd, (int)arg,
		    (int)c->a[1] == LX_F_DUPFD_CLOEXEC ? FS_FD_CLOEXEC : 0);
	case LX_F_GETFD:
		return fs_fd_getflags(FS(t), fd);
	case LX_F_SETFD:
		return fs_fd_setflags(FS(t), fd, (int)arg);
	case LX_F_GETFL:
		return fs_getfl(FS(t), fd);
	case LX_F_SETFL:
		return fs_setfl(FS(t), fd, (int)arg);
	case LX_F_GETLK:
		/* No locks are ever held against anyone: l_type F_UNLCK. */
		return mm_copy_out(t->proc->mm, arg, &unlocked, 2) ? -EFAULT
								   : 0;
	case LX_F_SETLK:
	case LX_F_SETLKW:
		return 0;
	case 1031: /* F_SETPIPE_SZ */
	case 1032: /* F_GETPIPE_SZ */
		return fs_inode_is_pipe(fs_fd_inode(FS(t), fd, NULL))
			   ? FS_PIPE_SIZE
			   : -EBADF;
	default:
		return -EINVAL;
	}
}

static long pipe_make(struct task *t, uint64_t ufds, uint64_t flags)
{
	int fds[2];
	long r;
	if (flags & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK | LX_O_DIRECT))
		return -EINVAL;
	if ((r = fs_pipe(FS(t), fds,
			 (int)flags & (LX_O_CLOEXEC | LX_O_NONBLOCK))))
		return r;
	if (mm_copy_out(t->proc->mm, ufds, fds, sizeof(fds))) {
		fs_close(FS(t), fds[0]);
		fs_close(FS(t), fds[1]);
		return -EFAULT;
	}
	return 0;
}

long lx_sys_pipe(struct task *t, struct lx_call *c)
{
	return pipe_make(t, c->a[0], 0);
}

long lx_sys_pipe2(struct task *t, struct lx_call *c)
{
	return pipe_make(t, c->a[0], c->a[1]);
}

/* ------------------------------------------------------------ stat */

static long stat_out(struct task *t, uint64_t ubuf, const struct fs_stat *s)
{
	struct lx_stat st;
	memset(&st, 0, sizeof(st));
	st.st_dev = 1;
	st.st_ino = s->ino;
	st.st_nlink = s->nlink;
	st.st_mode = s->mode;
	st.st_uid = s->uid;
	st.st_gid = s->gid;
	st.st_rdev = s->rdev;
	st.st_size = (int64_t)s->size;
	st.st_blksize = 4096;
	st.st_blocks = (int64_t)s->blocks;
	st.st_atim.tv_sec = s->atime.sec;
	st.st_atim.tv_nsec = s->atime.nsec;
	st.st_mtim.tv_sec = s->mtime.sec;
	st.st_mtim.tv_nsec = s->mtime.nsec;
	st.st_ctim.tv_sec = s->ctime.sec;
	st.st_ctim.tv_nsec = s->ctime.nsec;
	return mm_copy_out(t->proc->mm, ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long stat_at(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf,
		    uint64_t flags)
{
	char path[PX_PATH_MAX];
	struct fs_stat s;
	long r;

	if (flags &
	    ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH | 0x800))
		return -EINVAL;
	if ((r = lx_path_in(t, upath, path)))
		return r;
	if (!path[0] && !(flags & LX_AT_EMPTY_PATH))
		return -ENOENT;
	if (!strcmp(path, "/proc/self/exe") && t->proc->exe) {
		r = fs_stat_at(FS(t), FS_AT_FDCWD, t->proc->lx.exe_path, true,
			       false, &s);
	} else {
		r = fs_stat_at(FS(t), dirfd, path,
			       !(flags & LX_AT_SYMLINK_NOFOLLOW),
			       flags & LX_AT_EMPTY_PATH, &s);
	}
	return r < 0 ? r : stat_out(t, ubuf, &s);
}

long lx_sys_stat(struct task *t, struct lx_call *c)
{
	return stat_at(t, FS_AT_FDCWD, c->a[0], c->a[1], 0);
}

long lx_sys_lstat(struct task *t, struct lx_call *c)
{
	return stat_at(t, FS_AT_FDCWD, c->a[0], c->a[1],
		       LX_AT_SYMLINK_NOFOLLOW);
}

long lx_sys_fstat(struct task *t, struct lx_call *c)
{
	struct fs_stat s;
	long r = fs_stat_at(FS(t), fd_arg(c->a[0]), "", true, true, &s);
	if (r == 0 && fd_arg(c->a[0]) == FS_AT_FDCWD)
		r = -EBADF;
	return r < 0 ? r : stat_out(t, c->a[1], &s);
}

long lx_sys_newfstatat(struct task *t, struct lx_call *c)
{
	return stat_at(t, dirfd_arg(c->a[0]), c->a[1], c->a[2], c->a[3]);
}

long lx_sys_statx(struct task *t, struct lx_call *c)
{
	return -ENOSYS;
}

static long statfs_out(struct task *t, uint64_t ubuf)
{
	struct lx_statfs s;
	memset(&s, 0, sizeof(s));
	s.f_type = TMPFS_MAGIC;
	s.f_bsize = s.f_frsize = 4096;
	s.f_blocks = (int64_t)(mm0.untyped_size / 4096);
	s.f_bfree = s.f_bavail = tess_remaining(PAGER_SLOT_UNTYPED) / 4096;
	s.f_files = 1 << 20;
	s.f_ffree = 1 << 19;
	s.f_namelen = PX_NAME_MAX - 1;
	return mm_copy_out(t->proc->mm, ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

long lx_sys_statfs(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	struct inode *ino;
	long r;
	if ((r = lx_path_in(t, c->a[0], path)) ||
	    (r = fs_resolve(FS(t), FS_AT_FDCWD, path, true, &ino)))
		return r;
	return statfs_out(t, c->a[1]);
}

long lx_sys_fstatfs(struct task *t, struct lx_call *c)
{
	if (!fs_fd_inode(FS(t), fd_arg(c->a[0]), NULL))
		return -EBADF;
	return statfs_out(t, c->a[1]);
}

/* ------------------------------------------------------------ directories */

#define DIRENT_BUF_MAX 65536

long lx_sys_getdents64(struct task *t, struct lx_call *c)
{
	int fd = fd_arg(c->a[0]);
	uint64_t ubuf = c->a[1], count = (uint32_t)c->a[2];
	struct px_dirent e;
	long r = fs_readdir(FS(t), fd, &e, 0);

	if (r < 0)
		return r;
	if (count > DIRENT_BUF_MAX)
		count = DIRENT_BUF_MAX;
	if (!user_range(ubuf, count))
		return -EFAULT;
	char *buf = malloc(count ? count : 1);
	if (!buf)
		return -ENOMEM;
	long start = fs_lseek(FS(t), fd, 0, LX_SEEK_CUR), used = 0;
	for (;;) {
		long pos = fs_lseek(FS(t), fd, 0, LX_SEEK_CUR);
		if (fs_readdir(FS(t), fd, &e, 1) != 1)
			break;
		size_t reclen = (offsetof(struct lx_dirent64, d_name) +
				 e.d_namlen + 1 + 7) &
				~7ul;
		if ((uint64_t)used + reclen > count) {
			fs_lseek(FS(t), fd, pos, LX_SEEK_SET);
			if (!used)
				used = -EINVAL;
			break;
		}
		struct lx_dirent64 *d = (struct lx_dirent64 *)(buf + used);
		memset(d, 0, reclen);
		d->d_ino = e.d_ino;
		d->d_off = fs_lseek(FS(t), fd, 0, LX_SEEK_CUR);
		d->d_reclen = (uint16_t)reclen;
		d->d_type = (uint8_t)e.d_type;
		memcpy(d->d_name, e.d_name, e.d_namlen);
		used += (long)reclen;
	}
	if (used > 0 && mm_copy_out(t->proc->mm, ubuf, buf, (size_t)used)) {
		fs_lseek(FS(t), fd, start, LX_SEEK_SET);
		used = -EFAULT;
	}
	free(buf);
	return used;
}

long lx_sys_getcwd(struct task *t, struct lx_call *c)
{
	char cwd[PX_PATH_MAX];
	long r = fs_getcwd(FS(t), cwd, sizeof(cwd));
	if (r < 0)
		return r;
	if ((uint64_t)r + 1 > c->a[1])
		return -ERANGE;
	return mm_copy_out(t->proc->mm, c->a[0], cwd, (size_t)r + 1) ? -EFAULT
								     : r + 1;
}

long lx_sys_chdir(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r = lx_path_in(t, c->a[0], path);
	return r ? r : fs_chdir(FS(t), path);
}

long lx_sys_fchdir(struct task *t, struct lx_call *c)
{
	return fs_fchdir(FS(t), fd_arg(c->a[0]));
}

/* ------------------------------------------------------------ names */

/* Two paths in mm0. */
static long paths_in(struct task *t, uint64_t a, uint64_t b, char *pa, char *pb)
{
	long r = lx_path_in(t, a, pa);
	return r ? r : lx_path_in(t, b, pb);
}

long lx_sys_mkdirat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r = lx_path_in(t, c->a[1], path);
	if (r)
		return r;
	return fs_mkdir_at(FS(t), dirfd_arg(c->a[0]), path,
			   (int)(c->a[2] & 07777 & ~t->proc->lx.umask));
}

long lx_sys_mkdir(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1]}};
	return lx_sys_mkdirat(t, &a);
}

long lx_sys_unlinkat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r;
	if (c->a[2] & ~(uint64_t)LX_AT_REMOVEDIR)
		return -EINVAL;
	if ((r = lx_path_in(t, c->a[1], path)))
		return r;
	return fs_unlink_at(FS(t), dirfd_arg(c->a[0]), path,
			    c->a[2] & LX_AT_REMOVEDIR);
}

long lx_sys_unlink(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0], 0}};
	return lx_sys_unlinkat(t, &a);
}

long lx_sys_rmdir(struct task *t, struct lx_call *c)
{
	struct lx_call a = {
	    .a = {(uint64_t)LX_AT_FDCWD, c->a[0], LX_AT_REMOVEDIR}};
	return lx_sys_unlinkat(t, &a);
}

long lx_sys_renameat2(struct task *t, struct lx_call *c)
{
	char from[PX_PATH_MAX], to[PX_PATH_MAX];
	long r;
	if (c->a[4] & ~(uint64_t)LX_RENAME_NOREPLACE)
		return -EINVAL;
	if ((r = paths_in(t, c->a[1], c->a[3], from, to)))
		return r;
	return fs_rename_at(FS(t), dirfd_arg(c->a[0]), from, dirfd_arg(c->a[2]),
			    to, (unsigned)c->a[4]);
}

long lx_sys_renameat(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {c->a[0], c->a[1], c->a[2], c->a[3], 0}};
	return lx_sys_renameat2(t, &a);
}

long lx_sys_rename(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0],
				  (uint64_t)LX_AT_FDCWD, c->a[1], 0}};
	return lx_sys_renameat2(t, &a);
}

long lx_sys_linkat(struct task *t, struct lx_call *c)
{
	char from[PX_PATH_MAX], to[PX_PATH_MAX];
	long r;
	if (c->a[4] & ~(uint64_t)(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = paths_in(t, c->a[1], c->a[3], from, to)))
		return r;
	return fs_link_at(FS(t), dirfd_arg(c->a[0]), from, dirfd_arg(c->a[2]),
			  to, c->a[4] & LX_AT_SYMLINK_FOLLOW);
}

long lx_sys_link(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0],
				  (uint64_t)LX_AT_FDCWD, c->a[1], 0}};
	return lx_sys_linkat(t, &a);
}

long lx_sys_symlinkat(struct task *t, struct lx_call *c)
{
	char target[PX_PATH_MAX], path[PX_PATH_MAX];
	long r = paths_in(t, c->a[0], c->a[2], target, path);
	return r ? r : fs_symlink_at(FS(t), target, dirfd_arg(c->a[1]), path);
}

long lx_sys_symlink(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {c->a[0], (uint64_t)LX_AT_FDCWD, c->a[1]}};
	return lx_sys_symlinkat(t, &a);
}

long lx_sys_readlinkat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX], target[PX_PATH_MAX];
	int64_t size = (int64_t)c->a[3];
	long r;

	if ((r = lx_path_in(t, c->a[1], path)))
		return r;
	if (size <= 0 || (int32_t)size != size)
		return -EINVAL;
	if (!strcmp(path, "/proc/self/exe")) {
		if (!t->proc->exe)
			return -ENOENT;
		r = (long)strlen(t->proc->lx.exe_path);
		memcpy(target, t->proc->lx.exe_path, (size_t)r);
	} else if ((r = fs_readlink_at(FS(t), dirfd_arg(c->a[0]), path, target,
				       sizeof(target))) < 0) {
		return r;
	}
	if (r > size)
		r = size;
	return mm_copy_out(t->proc->mm, c->a[2], target, (size_t)r) ? -EFAULT
								    : r;
}

long lx_sys_readlink(struct task *t, struct lx_call *c)
{
	struct lx_call a = {
	    .a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1], c->a[2]}};
	return lx_sys_readlinkat(t, &a);
}

long lx_sys_faccessat2(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r;
	if (c->a[3] & ~(uint64_t)(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW |
				  LX_AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = lx_path_in(t, c->a[1], path)))
		return r;
	if (!path[0] && (c->a[3] & LX_AT_EMPTY_PATH))
		return fs_fd_inode(FS(t), fd_arg(c->a[0]), NULL) ? 0 : -EBADF;
	return fs_access_at(FS(t), dirfd_arg(c->a[0]), path, (int)c->a[2],
			    !(c->a[3] & LX_AT_SYMLINK_NOFOLLOW));
}

long lx_sys_faccessat(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {c->a[0], c->a[1], c->a[2], 0}};
	return lx_sys_faccessat2(t, &a);
}

long lx_sys_access(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1], 0}};
	return lx_sys_faccessat2(t, &a);
}

long lx_sys_fchmodat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r = lx_path_in(t, c->a[1], path);
	return r ? r
		 : fs_chmod_at(FS(t), dirfd_arg(c->a[0]), path, (int)c->a[2],
			       false);
}

long lx_sys_chmod(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1]}};
	return lx_sys_fchmodat(t, &a);
}

long lx_sys_fchmod(struct task *t, struct lx_call *c)
{
	return fs_fchmod(FS(t), fd_arg(c->a[0]), (int)c->a[1]);
}

long lx_sys_fchownat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r;
	if (c->a[4] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = lx_path_in(t, c->a[1], path)))
		return r;
	return fs_chown_at(FS(t), dirfd_arg(c->a[0]), path, (uint32_t)c->a[2],
			   (uint32_t)c->a[3],
			   !(c->a[4] & LX_AT_SYMLINK_NOFOLLOW),
			   c->a[4] & LX_AT_EMPTY_PATH);
}

long lx_sys_chown(struct task *t, struct lx_call *c)
{
	struct lx_call a = {
	    .a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1], c->a[2], 0}};
	return lx_sys_fchownat(t, &a);
}

long lx_sys_lchown(struct task *t, struct lx_call *c)
{
	struct lx_call a = {.a = {(uint64_t)LX_AT_FDCWD, c->a[0], c->a[1],
				  c->a[2], LX_AT_SYMLINK_NOFOLLOW}};
	return lx_sys_fchownat(t, &a);
}

long lx_sys_fchown(struct task *t, struct lx_call *c)
{
	return fs_fchown(FS(t), fd_arg(c->a[0]), (uint32_t)c->a[1],
			 (uint32_t)c->a[2]);
}

/* utimensat(dirfd, path or NULL, times or NULL, flags). */
long lx_sys_utimensat(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	struct lx_timespec ts[2];
	struct fs_time ft[2];
	long r;

	if (c->a[3] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	if (c->a[2]) {
		if (mm_copy_in(t->proc->mm, ts, c->a[2], sizeof(ts)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			ft[i].sec = ts[i].tv_sec;
			ft[i].nsec = ts[i].tv_nsec;
		}
	}
	if (!c->a[1])
		return fs_utimens_at(FS(t), fd_arg(c->a[0]), NULL,
				     c->a[2] ? ft : NULL, true);
	if ((r = lx_path_in(t, c->a[1], path)))
		return r;
	return fs_utimens_at(FS(t), dirfd_arg(c->a[0]), path,
			     c->a[2] ? ft : NULL,
			     !(c->a[3] & LX_AT_SYMLINK_NOFOLLOW));
}

long lx_sys_truncate(struct task *t, struct lx_call *c)
{
	char path[PX_PATH_MAX];
	long r;
	if ((int64_t)c->a[1] < 0)
		return -EINVAL;
	if ((r = lx_path_in(t, c->a[0], path)))
		return r;
	return fs_truncate_at(FS(t), FS_AT_FDCWD, path, c->a[1]);
}

long lx_sys_ftruncate(struct task *t, struct lx_call *c)
{
	if ((int64_t)c->a[1] < 0)
		return -EINVAL;
	return fs_ftruncate(FS(t), fd_arg(c->a[0]), c->a[1]);
}

long lx_sys_umask(struct task *t, struct lx_call *c)
{
	uint32_t old = t->proc->lx.umask;
	t->proc->lx.umask = (uint32_t)c->a[0] & 0777;
	return old;
}

/* ------------------------------------------------------------ poll */

/* fs_poll, but the terminal's readiness is tty.c's. */
static int poll_fd(struct task *t, int fd, int want)
{
	struct inode *ino = fs_fd_inode(FS(t), fd, NULL);
	if (ino && fs_inode_is_tty(ino))
		return lx_tty_poll(t, want);
	return fs_poll(FS(t), fd, want);
}

static int poll_events(int ev)
{
	int r = ev & (FS_POLLIN | FS_POLLOUT);
	if (ev & LX_POLLRDNORM)
		r |= FS_POLLIN;
	if (ev & LX_POLLWRNORM)
		r |= FS_POLLOUT;
	return r;
}

static int poll_revents(int want, int got)
{
	int r = got & (FS_POLLERR | FS_POLLHUP | FS_POLLNVAL);
	if (got & FS_POLLIN)
		r |= want & (LX_POLLIN | LX_POLLRDNORM);
	if (got & FS_POLLOUT)
		r |= want & (LX_POLLOUT | LX_POLLWRNORM);
	return r;
}

/*
 * How long poll and select wait when nothing is ready: WAIT_FOREVER, not
 * at all (WAIT_NOT), or until t->lx.deadline (WAIT_DEADLINE), set when
 * the call is first made.
 */
enum wait_mode { WAIT_FOREVER, WAIT_NOT, WAIT_DEADLINE };

static bool must_wait(struct task *t, enum wait_mode w)
{
	return w == WAIT_FOREVER ||
	       (w == WAIT_DEADLINE && lx_now_us() < t->lx.deadline);
}

/* A timeout in milliseconds (negative: none) as a wait mode. */
static enum wait_mode wait_ms(struct task *t, long ms)
{
	if (ms < 0)
		return WAIT_FOREVER;
	if (!ms)
		return WAIT_NOT;
	if (!t->lx.redoing)
		t->lx.deadline = lx_now_us() + (uint64_t)ms * 1000;
	return WAIT_DEADLINE;
}

/* A timespec timeout as a wait mode, or -EFAULT/-EINVAL. */
static long wait_ts(struct task *t, uint64_t uts, enum wait_mode *w)
{
	struct lx_timespec ts;
	if (!uts) {
		*w = WAIT_FOREVER;
		return 0;
	}
	if (t->lx.redoing) {
		*w = WAIT_DEADLINE;
		return 0;
	}
	if (mm_copy_in(t->proc->mm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	*w = wait_ms(t, ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
	return 0;
}

static long poll_do(struct task *t, uint64_t ufds, uint64_t nfds,
		    enum wait_mode w)
{
	struct lx_pollfd *p;
	long ready = 0;

	if (nfds > LX_FD_MAX)
		return -EINVAL;
	p = malloc(nfds ? nfds * sizeof(*p) : 1);
	if (!p)
		return -ENOMEM;
	if (nfds && mm_copy_in(t->proc->mm, p, ufds, nfds * sizeof(*p))) {
		free(p);
		return -EFAULT;
	}
	for (uint64_t i = 0; i < nfds; i++) {
		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		int got = poll_fd(t, p[i].fd, poll_events(p[i].events));
		p[i].revents = (int16_t)poll_revents(p[i].events, got);
		if (p[i].revents)
			ready++;
	}
	if (!ready && must_wait(t, w)) {
		free(p);
		return lx_park(t, LX_PARK_IO, NULL);
	}
	if (nfds && mm_copy_out(t->proc->mm, ufds, p, nfds * sizeof(*p)))
		ready = -EFAULT;
	free(p);
	return ready;
}

long lx_sys_poll(struct task *t, struct lx_call *c)
{
	return poll_do(t, c->a[0], c->a[1], wait_ms(t, (int32_t)c->a[2]));
}

long lx_sys_ppoll(struct task *t, struct lx_call *c)
{
	enum wait_mode w;
	long r = wait_ts(t, c->a[2], &w);
	return r ? r : poll_do(t, c->a[0], c->a[1], w);
}

/* select over fd_sets of nfds bits (read, write, except). */
static long select_do(struct task *t, uint64_t nfds, const uint64_t sets[3],
		      enum wait_mode w)
{
	uint64_t in[3][LX_FD_MAX / 64], out[3][LX_FD_MAX / 64];
	size_t bytes = (nfds + 63) / 64 * 8;
	long ready = 0;

	if (nfds > LX_FD_MAX)
		return -EINVAL;
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	for (int k = 0; k < 3; k++)
		if (sets[k] && bytes &&
		    mm_copy_in(t->proc->mm, in[k], sets[k], bytes))
			return -EFAULT;
	for (uint64_t fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ull << (fd % 64), i = fd / 64;
		int want = ((in[0][i] & bit) ? FS_POLLIN : 0) |
			   ((in[1][i] & bit) ? FS_POLLOUT : 0);
		if (!want && !(in[2][i] & bit))
			continue;
		int got = poll_fd(t, (int)fd, want);
		if (got & FS_POLLNVAL)
			return -EBADF;
		if ((in[0][i] & bit) &&
		    (got & (FS_POLLIN | FS_POLLHUP | FS_POLLERR))) {
			out[0][i] |= bit;
			ready++;
		}
		if ((in[1][i] & bit) && (got & (FS_POLLOUT | FS_POLLERR))) {
			out[1][i] |= bit;
			ready++;
		}
	}
	if (!ready && must_wait(t, w))
		return lx_park(t, LX_PARK_IO, NULL);
	for (int k = 0; k < 3; k++)
		if (sets[k] && bytes &&
		    mm_copy_out(t->proc->mm, sets[k], out[k], bytes))
			return -EFAULT;
	return ready;
}

long lx_sys_select(struct task *t, struct lx_call *c)
{
	struct lx_timeval tv;
	enum wait_mode w = WAIT_FOREVER;
	if (c->a[4] && t->lx.redoing) {
		w = WAIT_DEADLINE;
	} else if (c->a[4]) {
		if (mm_copy_in(t->proc->mm, &tv, c->a[4], sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		w = wait_ms(t, tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
	}
	const uint64_t sets[3] = {c->a[1], c->a[2], c->a[3]};
	return select_do(t, c->a[0], sets, w);
}

long lx_sys_pselect6(struct task *t, struct lx_call *c)
{
	enum wait_mode w;
	long r = wait_ts(t, c->a[4], &w);
	if (r)
		return r;
	const uint64_t sets[3] = {c->a[1], c->a[2], c->a[3]};
	return select_do(t, c->a[0], sets, w);
}
