/*
 * mm0's file system: descriptors and open file descriptions, reading and
 * writing, pipes and the devices in /dev.  (The tree and the calls on
 * names are in fs.c; the structures and lifetimes in fs_impl.h.)
 *
 * A process's descriptor table grows as needed, up to FS_MAX_FDS; a new
 * descriptor is the lowest free one.  Each slot holds an open file
 * description and the descriptor's own flag (FS_FD_CLOEXEC).
 *
 * Pipes: a FIFO inode with no name, a ring of FS_PIPE_SIZE bytes, and the
 * counts of open descriptions reading and writing it.  A read takes what
 * there is; with nothing there it is end of file once every writer has
 * gone, else -EAGAIN.  A write with no reader left is -EPIPE; otherwise
 * it puts in what fits, all or nothing for FS_PIPE_BUF bytes or fewer,
 * and -EAGAIN when nothing fits.  Every change that could end a wait (data
 * in, room made, an end closed) goes to the pipe hook.
 *
 * Devices: /dev/console and /dev/tty write to the console hook and read as
 * end of file (there is no input yet); /dev/null swallows writes and
 * reads as end of file; /dev/zero reads zeros; /dev/random and
 * /dev/urandom read from the random hook.  Writes to the last three are
 * accepted and dropped.  lseek on them is 0, as on Linux; the terminals
 * cannot seek (-ESPIPE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fs_impl.h"

#define FS_LONG_MAX ((long)(~0UL >> 1))
#define FD_FIRST_TABLE 64

static void (*console_hook)(const char *s, size_t n);
static void (*random_hook)(void *buf, size_t n);
static void (*pipe_hook)(struct inode *pipe);

void fs_set_console(void (*write)(const char *s, size_t n))
{
	console_hook = write;
}

void fs_set_random(void (*fill)(void *buf, size_t n))
{
	random_hook = fill;
}

void fs_set_pipe_hook(void (*changed)(struct inode *pipe))
{
	pipe_hook = changed;
}

void fs_console_write(const char *s, size_t n)
{
	if (console_hook)
		console_hook(s, n);
}

void fs_random_fill(void *buf, size_t n)
{
	if (random_hook)
		random_hook(buf, n);
	else
		memset(buf, 0, n);
}

/* ---- pipes ---- */

void pipe_changed(struct inode *ino)
{
	if (pipe_hook)
		pipe_hook(ino);
}

void pipe_free(struct inode *ino)
{
	if (!ino->pipe)
		return;
	free(ino->pipe->buf);
	free(ino->pipe);
	ino->pipe = NULL;
}

static long pipe_read(struct inode *ino, char *buf, size_t n)
{
	struct pipe *p = ino->pipe;
	size_t done = 0;

	if (!p->count)
		return p->writers ? -EAGAIN : 0;
	while (done < n && p->count) {
		size_t chunk = FS_PIPE_SIZE - p->head;
		if (chunk > p->count)
			chunk = p->count;
		if (chunk > n - done)
			chunk = n - done;
		memcpy(buf + done, p->buf + p->head, chunk);
		p->head = (p->head + chunk) % FS_PIPE_SIZE;
		p->count -= (uint32_t)chunk;
		done += chunk;
	}
	if (!p->count)
		p->head = 0;
	pipe_changed(ino);
	return (long)done;
}

static long pipe_write(struct inode *ino, const char *buf, size_t n)
{
	struct pipe *p = ino->pipe;
	size_t room, done = 0;

	if (!p->readers)
		return -EPIPE;
	if (!n)
		return 0;
	room = FS_PIPE_SIZE - p->count;
	if (!room || (n <= FS_PIPE_BUF && room < n))
		return -EAGAIN;
	if (!p->buf && !(p->buf = malloc(FS_PIPE_SIZE)))
		return -ENOMEM;
	while (done < n && p->count < FS_PIPE_SIZE) {
		/* Free bytes run from the tail to the end of the ring, or to
		 * the head once the tail has wrapped. */
		uint32_t tail = (p->head + p->count) % FS_PIPE_SIZE;
		size_t chunk =
		    tail >= p->head ? FS_PIPE_SIZE - tail : p->head - tail;
		if (chunk > n - done)
			chunk = n - done;
		memcpy(p->buf + tail, buf + done, chunk);
		p->count += (uint32_t)chunk;
		done += chunk;
	}
	pipe_changed(ino);
	return (long)done;
}

/* An open description of a pipe comes and goes: count its ends. */
static void pipe_end(struct file *f, int delta)
{
	struct pipe *p = f->ino->pipe;
	int mode = f->flags & PX_O_ACCMODE;

	if (!p)
		return;
	if (mode == PX_O_RDONLY || mode == PX_O_RDWR)
		p->readers += (uint32_t)delta;
	if (mode == PX_O_WRONLY || mode == PX_O_RDWR)
		p->writers += (uint32_t)delta;
	pipe_changed(f->ino);
}

/* ---- open file descriptions and descriptors ---- */

struct file *fd_file(struct fs_ctx *c, int fd)
{
	if (fd < 0 || fd >= c->nfd)
		return NULL;
	return c->fd[fd];
}

/* Make the table hold descriptor `fd`: 0 or -ENOMEM. */
static int fd_room(struct fs_ctx *c, int fd)
{
	int n = c->nfd ? c->nfd : FD_FIRST_TABLE;

	if (fd < c->nfd)
		return 0;
	while (n <= fd)
		n *= 2;
	if (n > FS_MAX_FDS)
		n = FS_MAX_FDS;
	struct file **t = realloc(c->fd, (size_t)n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	c->fd = t;
	uint8_t *fl = realloc(c->fd_flags, (size_t)n);
	if (!fl)
		return -ENOMEM;
	c->fd_flags = fl;
	memset(c->fd + c->nfd, 0, (size_t)(n - c->nfd) * sizeof(*t));
	memset(c->fd_flags + c->nfd, 0, (size_t)(n - c->nfd));
	c->nfd = n;
	return 0;
}

/* The lowest free descriptor >= min. */
static int fd_alloc(struct fs_ctx *c, int min)
{
	for (int fd = min; fd < FS_MAX_FDS; fd++) {
		if (fd >= c->nfd) {
			int r = fd_room(c, fd);
			return r < 0 ? r : fd;
		}
		if (!c->fd[fd])
			return fd;
	}
	return -EMFILE;
}

static void fd_install(struct fs_ctx *c, int fd, struct file *f, int fdflags)
{
	c->fd[fd] = f;
	c->fd_flags[fd] = (uint8_t)(fdflags & FS_FD_CLOEXEC);
}

/* Whether a description with these flags may write a regular file it
 * names (it counts as a writer: ETXTBSY). */
static bool may_write(const struct inode *ino, int flags)
{
	return is_reg(ino) && !(flags & FS_O_PATH) &&
	       (flags & PX_O_ACCMODE) != PX_O_RDONLY;
}

static struct file *file_new(struct inode *ino, int flags)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->ino = ino;
	f->flags = flags & ~FS_O_CLOEXEC;
	f->refs = 1;
	fs_inode_get(ino);
	if (may_write(ino, flags))
		ino->writers++;
	pipe_end(f, 1);
	return f;
}

static void file_put(struct file *f)
{
	if (--f->refs)
		return;
	pipe_end(f, -1);
	if (may_write(f->ino, f->flags))
		fs_write_end(f->ino);
	fs_inode_put(f->ino);
	free(f);
}

void fs_cwd_set(struct fs_ctx *c, struct inode *dir)
{
	struct inode *old = c->cwd;

	fs_inode_get(dir);
	dir->cwd_refs++;
	c->cwd = dir;
	if (old) {
		old->cwd_refs--;
		fs_inode_put(old);
	}
}

int fs_ctx_init(struct fs_ctx *c)
{
	struct file *f;

	memset(c, 0, sizeof(*c));
	if (!fs_root)
		return -EINVAL;
	if (fd_room(c, 2) < 0)
		return -ENOMEM;
	f = file_new(fs_console, PX_O_RDWR);
	if (!f)
		return -ENOMEM;
	f->refs = 3;
	c->fd[0] = c->fd[1] = c->fd[2] = f;
	fs_cwd_set(c, fs_root);
	return 0;
}

int fs_ctx_fork(struct fs_ctx *child, const struct fs_ctx *parent)
{
	memset(child, 0, sizeof(*child));
	if (parent->nfd && fd_room(child, parent->nfd - 1) < 0) {
		free(child->fd);
		free(child->fd_flags);
		memset(child, 0, sizeof(*child));
		return -ENOMEM;
	}
	fs_cwd_set(child, parent->cwd ? parent->cwd : fs_root);
	for (int fd = 0; fd < parent->nfd; fd++) {
		child->fd[fd] = parent->fd[fd];
		child->fd_flags[fd] = parent->fd_flags[fd];
		if (child->fd[fd])
			child->fd[fd]->refs++;
	}
	return 0;
}

void fs_ctx_release(struct fs_ctx *c)
{
	for (int fd = 0; fd < c->nfd; fd++)
		fs_close(c, fd);
	free(c->fd);
	free(c->fd_flags);
	c->fd = NULL;
	c->fd_flags = NULL;
	c->nfd = 0;
	if (c->cwd) {
		c->cwd->cwd_refs--;
		fs_inode_put(c->cwd);
		c->cwd = NULL;
	}
}

void fs_close_on_exec(struct fs_ctx *c)
{
	for (int fd = 0; fd < c->nfd; fd++)
		if (c->fd[fd] && (c->fd_flags[fd] & FS_FD_CLOEXEC))
			fs_close(c, fd);
}

/* The checks of open that depend on what the path names. */
static int open_check(const struct path *p, int flags)
{
	if (!p->ino) {
		if (!(flags & PX_O_CREAT))
			return -ENOENT;
		return p->must_dir ? -EISDIR : 0;
	}
	if ((flags & PX_O_CREAT) && (flags & PX_O_EXCL))
		return -EEXIST;
	if (is_lnk(p->ino))
		return (flags & FS_O_PATH) ? 0 : -ELOOP; /* O_NOFOLLOW */
	if (flags & FS_O_PATH)
		return (flags & PX_O_DIRECTORY) && !is_dir(p->ino) ? -ENOTDIR
								   : 0;
	if (is_dir(p->ino)) {
		if ((flags & PX_O_ACCMODE) != PX_O_RDONLY ||
		    (flags & (PX_O_CREAT | PX_O_TRUNC)))
			return -EISDIR;
	} else if (flags & PX_O_DIRECTORY) {
		return -ENOTDIR;
	} else if (is_reg(p->ino) && p->ino->execs &&
		   ((flags & PX_O_ACCMODE) != PX_O_RDONLY ||
		    (flags & PX_O_TRUNC))) {
		return -ETXTBSY; /* a process runs it */
	}
	return 0;
}

int fs_open_at(struct fs_ctx *c, int dirfd, const char *path, int flags,
	       int mode)
{
	struct path p;
	struct file *f;
	int fd, r;

	if ((flags & PX_O_ACCMODE) == PX_O_ACCMODE ||
	    ((flags & PX_O_CREAT) && (flags & PX_O_DIRECTORY)))
		return -EINVAL;
	bool follow = !(flags & FS_O_NOFOLLOW) &&
		      !((flags & PX_O_CREAT) && (flags & PX_O_EXCL));
	r = path_lookup_at(c, dirfd, path, follow, &p);
	if (r < 0)
		return r;
	r = open_check(&p, flags);
	if (r < 0)
		return r;
	fd = fd_alloc(c, 0);
	if (fd < 0)
		return fd;
	if (!p.ino) {
		r = dir_create(p.dir, p.name, PX_S_IFREG | (mode & 07777),
			       &p.ino);
		if (r < 0)
			return r;
	} else if ((flags & PX_O_TRUNC) && is_reg(p.ino) &&
		   (flags & PX_O_ACCMODE) != PX_O_RDONLY) {
		inode_truncate_to(p.ino, 0);
	}
	f = file_new(p.ino, flags);
	if (!f)
		return -ENOMEM;
	fd_install(c, fd, f, (flags & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0);
	return fd;
}

int fs_open_inode(struct fs_ctx *c, struct inode *ino, int flags)
{
	struct file *f;
	int fd;

	if (is_reg(ino) && ino->execs &&
	    ((flags & PX_O_ACCMODE) != PX_O_RDONLY || (flags & PX_O_TRUNC)))
		return -ETXTBSY; /* a process runs it */
	if ((flags & PX_O_ACCMODE) != PX_O_RDONLY ||
	    (flags & (PX_O_CREAT | PX_O_TRUNC)))
		return -EACCES;
	if ((flags & PX_O_DIRECTORY) && !is_dir(ino))
		return -ENOTDIR;
	if ((fd = fd_alloc(c, 0)) < 0)
		return fd;
	if (!(f = file_new(ino, flags)))
		return -ENOMEM;
	fd_install(c, fd, f, (flags & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0);
	return fd;
}

int fs_open(struct fs_ctx *c, const char *path, int flags, int mode)
{
	return fs_open_at(c, FS_AT_FDCWD, path, flags, mode);
}

int fs_close(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	c->fd[fd] = NULL;
	c->fd_flags[fd] = 0;
	file_put(f);
	return 0;
}

/* A description that may read (or write): not O_PATH, the right mode. */
static struct file *file_for(struct fs_ctx *c, int fd, bool write)
{
	struct file *f = fd_file(c, fd);

	if (!f || (f->flags & FS_O_PATH))
		return NULL;
	if ((f->flags & PX_O_ACCMODE) == (write ? PX_O_RDONLY : PX_O_WRONLY))
		return NULL;
	return f;
}

long fs_read(struct fs_ctx *c, int fd, void *buf, size_t n)
{
	struct file *f = file_for(c, fd, false);
	long r;

	if (!f)
		return -EBADF;
	if (!buf && n)
		return -EFAULT;
	if (is_fifo(f->ino))
		return pipe_read(f->ino, buf, n);
	r = fs_inode_read(f->ino, f->off, buf, n);
	if (r > 0 && is_reg(f->ino))
		f->off += (uint64_t)r;
	return r;
}

long fs_write(struct fs_ctx *c, int fd, const void *buf, size_t n)
{
	struct file *f = file_for(c, fd, true);
	uint64_t off;
	long r;

	if (!f)
		return -EBADF;
	if (!buf && n)
		return -EFAULT;
	if (is_fifo(f->ino))
		return pipe_write(f->ino, buf, n);
	off = (f->flags & PX_O_APPEND) ? fs_inode_size(f->ino) : f->off;
	r = fs_inode_write(f->ino, off, buf, n);
	if (r > 0 && is_reg(f->ino))
		f->off = off + (uint64_t)r;
	return r;
}

long fs_pread(struct fs_ctx *c, int fd, void *buf, size_t n, uint64_t off)
{
	struct file *f = file_for(c, fd, false);

	if (!f)
		return -EBADF;
	if (!is_reg(f->ino))
		return is_dir(f->ino) ? -EISDIR : -ESPIPE;
	if (off > (uint64_t)FS_LONG_MAX)
		return -EINVAL;
	return fs_inode_read(f->ino, off, buf, n);
}

long fs_pwrite(struct fs_ctx *c, int fd, const void *buf, size_t n,
	       uint64_t off)
{
	struct file *f = file_for(c, fd, true);

	if (!f)
		return -EBADF;
	if (!is_reg(f->ino))
		return -ESPIPE;
	if (off > (uint64_t)FS_LONG_MAX)
		return -EINVAL;
	return fs_inode_write(f->ino, off, buf, n);
}

long fs_lseek(struct fs_ctx *c, int fd, long off, int whence)
{
	struct file *f = fd_file(c, fd);
	long base;

	if (!f)
		return -EBADF;
	if (is_chr(f->ino) && !fs_inode_is_tty(f->ino))
		return 0; /* null, zero, random: as Linux, always at 0 */
	if (!is_reg(f->ino) && !is_dir(f->ino) && !is_lnk(f->ino))
		return -ESPIPE;
	switch (whence) {
	case PX_SEEK_SET:
		base = 0;
		break;
	case PX_SEEK_CUR:
		base = (long)f->off; /* offsets never pass FS_LONG_MAX */
		break;
	case PX_SEEK_END:
		base = (long)fs_inode_size(f->ino);
		break;
	default:
		return -EINVAL;
	}
	if (off < 0 ? base + off < 0 : off > FS_LONG_MAX - base)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return base + off;
}

int fs_fstat(struct fs_ctx *c, int fd, struct px_stat *st)
{
	struct file *f = fd_file(c, fd);
	struct fs_stat full;

	if (!f)
		return -EBADF;
	if (!st)
		return -EFAULT;
	inode_stat_full(f->ino, &full);
	memset(st, 0, sizeof(*st));
	st->st_ino = full.ino;
	st->st_mode = full.mode;
	st->st_nlink = full.nlink;
	st->st_size = full.size;
	st->st_blocks = full.blocks;
	return 0;
}

int fs_fchdir(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	if (!is_dir(f->ino))
		return -ENOTDIR;
	if (!f->ino->parent)
		return -ENOENT; /* removed */
	fs_cwd_set(c, f->ino);
	return 0;
}

int fs_ftruncate(struct fs_ctx *c, int fd, uint64_t len)
{
	struct file *f = file_for(c, fd, true);

	if (!f)
		return fd_file(c, fd) ? -EINVAL : -EBADF;
	return inode_truncate_to(f->ino, len);
}

static void dirent_fill(struct px_dirent *e, const struct inode *ino,
			const char *name)
{
	memset(e, 0, sizeof(*e));
	e->d_ino = ino->ino;
	if (is_dir(ino))
		e->d_type = PX_DT_DIR;
	else if (is_reg(ino))
		e->d_type = PX_DT_REG;
	else if (is_lnk(ino))
		e->d_type = FS_DT_LNK;
	else if (is_fifo(ino))
		e->d_type = FS_DT_FIFO;
	else
		e->d_type = FS_DT_CHR;
	e->d_namlen = (uint32_t)strlen(name);
	memcpy(e->d_name, name, e->d_namlen);
}

int fs_readdir(struct fs_ctx *c, int fd, struct px_dirent *ents, size_t count)
{
	struct file *f = fd_file(c, fd);
	struct inode *dir;
	struct dentry *d;
	size_t n = 0;

	if (!f)
		return -EBADF;
	if (!is_dir(f->ino))
		return -ENOTDIR;
	if (!ents && count)
		return -EFAULT;
	dir = f->ino;
	if (!dir->parent)
		return 0; /* removed while open */
	for (; n < count && f->off < 2; f->off++, n++) {
		if (f->off == 0)
			dirent_fill(&ents[n], dir, ".");
		else
			dirent_fill(&ents[n], dir->parent, "..");
	}
	for (d = dir->first; d && n < count; d = d->next) {
		if (d->seq + 2 < f->off)
			continue;
		dirent_fill(&ents[n++], d->ino, d->name);
		f->off = d->seq + 3;
	}
	return (int)n;
}

int fs_dup(struct fs_ctx *c, int fd)
{
	return fs_dup_min(c, fd, 0, 0);
}

int fs_dup_min(struct fs_ctx *c, int fd, int min, int fdflags)
{
	struct file *f = fd_file(c, fd);
	int nfd;

	if (!f)
		return -EBADF;
	if (min < 0 || min >= FS_MAX_FDS)
		return -EINVAL;
	nfd = fd_alloc(c, min);
	if (nfd < 0)
		return nfd;
	f->refs++;
	fd_install(c, nfd, f, fdflags);
	return nfd;
}

int fs_dup2(struct fs_ctx *c, int oldfd, int newfd, int fdflags)
{
	struct file *f = fd_file(c, oldfd);
	int r;

	if (!f || newfd < 0 || newfd >= FS_MAX_FDS)
		return -EBADF;
	if ((r = fd_room(c, newfd)) < 0)
		return r;
	f->refs++;
	if (c->fd[newfd])
		file_put(c->fd[newfd]);
	fd_install(c, newfd, f, fdflags);
	return newfd;
}

int fs_fd_getflags(struct fs_ctx *c, int fd)
{
	return fd_file(c, fd) ? c->fd_flags[fd] : -EBADF;
}

int fs_fd_setflags(struct fs_ctx *c, int fd, int flags)
{
	if (!fd_file(c, fd))
		return -EBADF;
	c->fd_flags[fd] = (uint8_t)(flags & FS_FD_CLOEXEC);
	return 0;
}

int fs_getfl(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);
	return f ? f->flags : -EBADF;
}

int fs_setfl(struct fs_ctx *c, int fd, int flags)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	f->flags = (f->flags & ~FS_O_SETFL) | (flags & FS_O_SETFL);
	return 0;
}

int fs_pipe(struct fs_ctx *c, int fds[2], int flags)
{
	struct inode *ino;
	struct file *r, *w;
	int rfd, wfd, fdflags = (flags & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0;
	int status = flags & FS_O_NONBLOCK;

	/* rfd is the lowest free descriptor: the next one above it is the
	 * second lowest. */
	if ((rfd = fd_alloc(c, 0)) < 0)
		return rfd;
	if ((wfd = fd_alloc(c, rfd + 1)) < 0)
		return wfd;
	ino = inode_new(FS_S_IFIFO | 0600);
	if (!ino)
		return -ENOMEM;
	ino->pipe = calloc(1, sizeof(*ino->pipe));
	if (!ino->pipe) {
		free(ino);
		return -ENOMEM;
	}
	r = file_new(ino, PX_O_RDONLY | status);
	w = r ? file_new(ino, PX_O_WRONLY | status) : NULL;
	if (!w) {
		if (r)
			file_put(r);
		else
			inode_release_if_unused(ino);
		return -ENOMEM;
	}
	fd_install(c, rfd, r, fdflags);
	fd_install(c, wfd, w, fdflags);
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

int fs_poll(struct fs_ctx *c, int fd, int events)
{
	struct file *f = fd_file(c, fd);
	int mode, ready = 0;

	if (!f)
		return FS_POLLNVAL;
	mode = f->flags & PX_O_ACCMODE;
	if (is_fifo(f->ino)) {
		struct pipe *p = f->ino->pipe;
		if (mode != PX_O_WRONLY) {
			if (p->count)
				ready |= FS_POLLIN;
			if (!p->writers)
				ready |= FS_POLLHUP;
		}
		if (mode != PX_O_RDONLY) {
			if (!p->readers)
				ready |= FS_POLLERR;
			else if (FS_PIPE_SIZE - p->count >= FS_PIPE_BUF)
				ready |= FS_POLLOUT;
		}
		return ready & (events | FS_POLLERR | FS_POLLHUP);
	}
	if (fs_inode_is_tty(f->ino))
		return events & FS_POLLOUT; /* no input yet */
	return events & (FS_POLLIN | FS_POLLOUT);
}

long fs_readable(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	if (is_fifo(f->ino))
		return f->ino->pipe->count;
	if (is_reg(f->ino))
		return f->off < f->ino->size ? (long)(f->ino->size - f->off)
					     : 0;
	return 0;
}

int fs_fsync(struct fs_ctx *c, int fd)
{
	return fd_file(c, fd) ? 0 : -EBADF;
}

struct inode *fs_fd_inode(struct fs_ctx *c, int fd, int *open_flags)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return NULL;
	if (open_flags)
		*open_flags = f->flags;
	return f->ino;
}
