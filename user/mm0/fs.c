/*
 * mm0's in-memory file system: the tree of inodes, path lookup, open file
 * descriptions and each process's descriptor table.  (The initrd loader is
 * in cpio.c, on top of the calls here.)
 *
 * Lifetimes.  An inode lives while it has a name (nlink > 0) or a
 * reference (refs > 0: an open file description, a working directory, an
 * mmap through fs_inode_get, the console pointer below); whichever goes
 * last frees it, so an unlinked file stays readable through its
 * descriptors and mappings.  An open file description (struct file) lives
 * while a descriptor names it, in any process: dup and fork share it, and
 * with it the offset.
 *
 * Paths are resolved lexically: fs_normalize makes them absolute without
 * ".", ".." or repeated "/", then the walk starts at the root.  So
 * "/file/.." is "/" even when "file" is not a directory; with no links and
 * no mounts that is the only difference from a POSIX walk.  A path ending
 * in "/", "." or ".." must name a directory.
 *
 * Choices: /dev/console is a character device (FS_S_IFCHR | 0666): writes
 * go to fs_set_console's function, reads are end of file, lseek is
 * -ESPIPE.  rmdir is -EBUSY for "/" and for any process's working
 * directory, so a working directory always has a path; a removed directory
 * that is still open reads as empty.  Directories have size 0 and link
 * count 2 + their subdirectories.
 *
 * File data are in pages of FS_PAGE bytes (fs_set_pages: mm0's frames,
 * or the C library on the host), found through a sparse map: a file grows
 * a page at a time, a hole costs nothing and reads as zeros, and a write
 * that finds no page for its next bytes stops there (a short count, or
 * -ENOSPC when nothing fitted).
 *
 * mm0 is single-threaded: nothing here locks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fs.h"
#include "pagemap.h"

#define FS_LONG_MAX ((long)(~0UL >> 1))

/* A name in a directory.  seq orders a directory's entries by creation
 * and is never reused, so a readdir offset stays meaningful when entries
 * before it are removed. */
struct dentry {
	struct dentry *next;
	struct inode *ino;
	uint64_t seq;
	char name[PX_NAME_MAX];
};

struct inode {
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t refs;
	uint32_t cwd_refs; /* of refs, the processes working in it */
	/* Regular files: size bytes, in pages of FS_PAGE bytes (a page never
	 * written, a hole, reads as zeros and costs nothing); the bytes of
	 * a page beyond size are zeros. */
	struct pagemap pages;
	uint64_t size;
	/* Regular files: open file descriptions and shared mappings that may
	 * write it, and processes running it (never both: ETXTBSY). */
	uint32_t writers, execs;
	/* Directories: the parent (the root's is itself; NULL once removed),
	 * entries in creation order. */
	struct inode *parent;
	struct dentry *first, *last;
	uint64_t next_seq;
};

/* An open file description.  off is the byte offset, or for a directory
 * the readdir position: 0 ".", 1 "..", then an entry's seq + 2. */
struct file {
	struct inode *ino;
	uint64_t off;
	int flags;
	uint32_t refs; /* descriptors naming it, in every process */
};

/* A path being resolved: the normalised text, its last component, and
 * what the walk found (dir and dentry are NULL for "/", ino NULL when the
 * last component does not exist). */
struct path {
	char buf[PX_PATH_MAX];
	const char *name;
	bool must_dir;
	struct inode *dir, *ino;
	struct dentry *dentry, *prev;
};

static struct inode *root;
static struct inode *console; /* holds a reference: survives an unlink */
static void *default_page_alloc(void);
static void default_page_free(void *page);
static void *(*page_alloc)(void) = default_page_alloc;
static void (*page_free)(void *page) = default_page_free;
static void (*console_write)(const char *s, size_t n);
static uint64_t next_ino = 1;

static bool is_dir(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == PX_S_IFDIR;
}

static bool is_reg(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == PX_S_IFREG;
}

/* ---- inodes ---- */

static struct inode *inode_new(uint32_t mode)
{
	struct inode *ino = calloc(1, sizeof(*ino));

	if (!ino)
		return NULL;
	ino->ino = next_ino++;
	ino->mode = mode;
	return ino;
}

/* ---- file pages ---- */

static void *default_page_alloc(void)
{
	return calloc(1, FS_PAGE);
}

static void default_page_free(void *page)
{
	free(page);
}

void fs_set_pages(void *(*alloc)(void), void (*release)(void *page))
{
	page_alloc = alloc ? alloc : default_page_alloc;
	page_free = release ? release : default_page_free;
}

static void page_drop(void *ctx, uint64_t v)
{
	(void)ctx;
	page_free((void *)(uintptr_t)v);
}

static void inode_truncate(struct inode *ino)
{
	pagemap_free(&ino->pages, page_drop, NULL);
	ino->size = 0;
}

/* Free an inode nobody names or holds.  A directory is empty by then:
 * rmdir requires it and fs_shutdown empties it first. */
static void inode_release_if_unused(struct inode *ino)
{
	if (ino->nlink || ino->refs)
		return;
	inode_truncate(ino);
	free(ino);
}

void fs_inode_get(struct inode *ino)
{
	ino->refs++;
}

int fs_write_begin(struct inode *ino)
{
	if (ino->execs)
		return -ETXTBSY;
	ino->writers++;
	return 0;
}

void fs_write_end(struct inode *ino)
{
	if (ino->writers)
		ino->writers--;
}

int fs_exec_begin(struct inode *ino)
{
	if (ino->writers)
		return -ETXTBSY;
	fs_inode_get(ino);
	ino->execs++;
	return 0;
}

void fs_exec_end(struct inode *ino)
{
	if (ino->execs)
		ino->execs--;
	fs_inode_put(ino);
}

void fs_inode_put(struct inode *ino)
{
	if (ino->refs)
		ino->refs--;
	inode_release_if_unused(ino);
}

long fs_inode_read(struct inode *ino, uint64_t off, void *buf, size_t n)
{
	char *b = buf;

	if (is_dir(ino))
		return -EISDIR;
	if (!is_reg(ino) || off >= ino->size)
		return 0; /* the console, or past the end */
	if (n > ino->size - off)
		n = ino->size - off;
	for (size_t done = 0; done < n;) {
		uint64_t in = (off + done) % FS_PAGE;
		size_t chunk =
		    FS_PAGE - in < n - done ? FS_PAGE - in : n - done;
		const char *page = (const char *)(uintptr_t)pagemap_get(
		    &ino->pages, (off + done) / FS_PAGE);
		if (page)
			memcpy(b + done, page + in, chunk);
		else
			memset(b + done, 0, chunk);
		done += chunk;
	}
	return (long)n;
}

/* The page of `ino` at page index i, made (zeroed) if it is a hole, or
 * NULL if there is no memory for it. */
static char *page_for_write(struct inode *ino, uint64_t i)
{
	char *page = (char *)(uintptr_t)pagemap_get(&ino->pages, i);
	if (page)
		return page;
	page = page_alloc();
	if (page && pagemap_set(&ino->pages, i, (uintptr_t)page)) {
		page_free(page);
		page = NULL;
	}
	return page;
}

/* Writes what fits: a write that runs out of memory is short, or
 * -ENOSPC if not one byte fitted. */
long fs_inode_write(struct inode *ino, uint64_t off, const void *buf, size_t n)
{
	const char *b = buf;
	size_t done = 0;

	if (is_dir(ino))
		return -EISDIR;
	if (n > FS_FILE_MAX)
		n = FS_FILE_MAX; /* a short write keeps the count a long */
	if (!is_reg(ino)) {
		if (console_write && n)
			console_write(buf, n);
		return (long)n;
	}
	if (n == 0)
		return 0;
	if (off > FS_FILE_MAX || n > FS_FILE_MAX - off)
		return -EFBIG;
	while (done < n) {
		uint64_t in = (off + done) % FS_PAGE;
		size_t chunk =
		    FS_PAGE - in < n - done ? FS_PAGE - in : n - done;
		char *page = page_for_write(ino, (off + done) / FS_PAGE);
		if (!page)
			break;
		memcpy(page + in, b + done, chunk);
		done += chunk;
	}
	if (!done)
		return -ENOSPC;
	if (off + done > ino->size)
		ino->size = off + done;
	return (long)done;
}

bool fs_inode_is_dir(const struct inode *ino)
{
	return is_dir(ino);
}

bool fs_inode_is_reg(const struct inode *ino)
{
	return is_reg(ino);
}

uint64_t fs_inode_size(const struct inode *ino)
{
	return is_reg(ino) ? ino->size : 0;
}

static void inode_stat(const struct inode *ino, struct px_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = ino->nlink;
	st->st_size = fs_inode_size(ino);
	st->st_blocks = (st->st_size + 511) / 512;
}

/* ---- directories ---- */

/* The entry `name` (len bytes, not NUL-terminated) in dir, and the one
 * before it for removal. */
static struct dentry *dir_find(const struct inode *dir, const char *name,
			       size_t len, struct dentry **prevp)
{
	struct dentry *prev = NULL, *d;

	for (d = dir->first; d; prev = d, d = d->next) {
		if (!strncmp(d->name, name, len) && d->name[len] == '\0')
			break;
	}
	if (prevp)
		*prevp = prev;
	return d;
}

static int dir_add(struct inode *dir, const char *name, struct inode *child)
{
	struct dentry *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	/* Names come from fs_normalize: shorter than PX_NAME_MAX. */
	memcpy(d->name, name, strnlen(name, PX_NAME_MAX - 1));
	d->ino = child;
	d->seq = dir->next_seq++;
	if (dir->last)
		dir->last->next = d;
	else
		dir->first = d;
	dir->last = d;
	if (is_dir(child)) {
		child->nlink = 2; /* its name and its "." */
		child->parent = dir;
		dir->nlink++; /* the child's ".." */
	} else {
		child->nlink++;
	}
	return 0;
}

/* Remove entry d (after prev, NULL if first) from dir; free its inode if
 * nobody holds it. */
static void dir_remove(struct inode *dir, struct dentry *d, struct dentry *prev)
{
	struct inode *child = d->ino;

	if (prev)
		prev->next = d->next;
	else
		dir->first = d->next;
	if (dir->last == d)
		dir->last = prev;
	free(d);
	if (is_dir(child)) {
		child->nlink = 0;
		child->parent = NULL;
		dir->nlink--;
	} else {
		child->nlink--;
	}
	inode_release_if_unused(child);
}

/* Make a new inode of `mode` named `name` in dir. */
static int dir_create(struct inode *dir, const char *name, uint32_t mode,
		      struct inode **out)
{
	struct inode *ino = inode_new(mode);

	if (!ino)
		return -ENOMEM;
	if (dir_add(dir, name, ino) < 0) {
		free(ino);
		return -ENOMEM;
	}
	if (out)
		*out = ino;
	return 0;
}

/* The name of directory `child` in its parent. */
static const char *dir_name_of(const struct inode *child)
{
	struct dentry *d;

	for (d = child->parent->first; d; d = d->next) {
		if (d->ino == child)
			return d->name;
	}
	return "";
}

/* The absolute path of directory `dir` into buf: its length, -ERANGE if
 * it does not fit, -ENOENT if dir was removed. */
static int dir_path(const struct inode *dir, char *buf, size_t size)
{
	const struct inode *d;
	size_t len = 0, n;

	for (d = dir; d != root; d = d->parent) {
		if (!d->parent)
			return -ENOENT;
		len += 1 + strlen(dir_name_of(d));
	}
	if (len == 0) {
		if (size < 2)
			return -ERANGE;
		strcpy(buf, "/");
		return 1;
	}
	if (len + 1 > size)
		return -ERANGE;
	buf[len] = '\0';
	for (d = dir, n = len; d != root; d = d->parent) {
		const char *name = dir_name_of(d);
		size_t l = strlen(name);

		n -= l;
		memcpy(buf + n, name, l);
		buf[--n] = '/';
	}
	return (int)len;
}

/* ---- paths ---- */

/* Append the components of `path` to the normalised path out[0..*len)
 * ("" standing for "/"). */
static int normalize_append(const char *path, char *out, size_t size,
			    size_t *len)
{
	const char *p = path;

	while (*p) {
		const char *name;
		size_t n;

		while (*p == '/')
			p++;
		name = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - name);
		if (n == 0 || (n == 1 && name[0] == '.'))
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			while (*len > 0 && out[--*len] != '/')
				;
			continue;
		}
		if (n > PX_NAME_MAX - 1)
			return -ENAMETOOLONG;
		if (*len + 1 + n >= size || *len + 1 + n > PX_PATH_MAX - 1)
			return -ENAMETOOLONG;
		out[(*len)++] = '/';
		memcpy(out + *len, name, n);
		*len += n;
	}
	return 0;
}

int fs_normalize(const char *cwd, const char *path, char *out, size_t size)
{
	size_t len = 0;
	int r;

	if (!path || !out)
		return -EFAULT;
	if (size < 2)
		return -ENAMETOOLONG;
	if (strnlen(path, PX_PATH_MAX) >= PX_PATH_MAX)
		return -ENAMETOOLONG;
	if (path[0] == '\0')
		return -ENOENT;
	if (path[0] != '/') {
		if (!cwd || cwd[0] != '/')
			return -EINVAL;
		if (strnlen(cwd, PX_PATH_MAX) >= PX_PATH_MAX)
			return -ENAMETOOLONG;
		r = normalize_append(cwd, out, size, &len);
		if (r < 0)
			return r;
	}
	r = normalize_append(path, out, size, &len);
	if (r < 0)
		return r;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return (int)len;
}

/* Whether `path` asks for a directory: it ends in "/", "." or "..". */
static bool path_names_dir(const char *path)
{
	size_t n = strlen(path);
	const char *last = path + n;

	if (n && path[n - 1] == '/')
		return true;
	while (last > path && last[-1] != '/')
		last--;
	return !strcmp(last, ".") || !strcmp(last, "..");
}

/* The inode at abs[0..len), a normalised absolute path. */
static int walk(const char *abs, size_t len, struct inode **out)
{
	struct inode *cur = root;
	size_t i = 0;

	while (i < len) {
		size_t start = ++i; /* past the "/" */
		struct dentry *d;

		while (i < len && abs[i] != '/')
			i++;
		if (!is_dir(cur))
			return -ENOTDIR;
		d = dir_find(cur, abs + start, i - start, NULL);
		if (!d)
			return -ENOENT;
		cur = d->ino;
	}
	*out = cur;
	return 0;
}

/* Resolve `path` for context c: its parent directory must exist; the
 * last component may not (p->ino is NULL then). */
static int path_lookup(struct fs_ctx *c, const char *path, struct path *p)
{
	char cwd[PX_PATH_MAX] = "/";
	const char *slash;
	int r;

	memset(p, 0, sizeof(*p));
	if (!path)
		return -EFAULT;
	if (path[0] != '/' && c->cwd) {
		r = dir_path(c->cwd, cwd, sizeof(cwd));
		if (r < 0)
			return r;
	}
	r = fs_normalize(cwd, path, p->buf, sizeof(p->buf));
	if (r < 0)
		return r;
	p->must_dir = path_names_dir(path);
	if (r == 1) { /* "/" */
		p->name = p->buf + 1;
		p->ino = root;
		return 0;
	}
	slash = strrchr(p->buf, '/');
	p->name = slash + 1;
	r = walk(p->buf, (size_t)(slash - p->buf), &p->dir);
	if (r < 0)
		return r;
	if (!is_dir(p->dir))
		return -ENOTDIR;
	p->dentry = dir_find(p->dir, p->name, strlen(p->name), &p->prev);
	p->ino = p->dentry ? p->dentry->ino : NULL;
	if (p->ino && p->must_dir && !is_dir(p->ino))
		return -ENOTDIR;
	return 0;
}

/* path_lookup for a name that must exist, and be a directory if `dir`. */
static int path_find(struct fs_ctx *c, const char *path, bool dir,
		     struct path *p)
{
	int r = path_lookup(c, path, p);

	if (r < 0)
		return r;
	if (!p->ino)
		return -ENOENT;
	if (dir && !is_dir(p->ino))
		return -ENOTDIR;
	return 0;
}

/* ---- open file descriptions and descriptors ---- */

static struct file *fd_file(struct fs_ctx *c, int fd)
{
	if (fd < 0 || fd >= FS_MAX_FDS)
		return NULL;
	return c->fd[fd];
}

/* The lowest free descriptor. */
static int fd_alloc(struct fs_ctx *c)
{
	int fd;

	for (fd = 0; fd < FS_MAX_FDS; fd++) {
		if (!c->fd[fd])
			return fd;
	}
	return -EMFILE;
}

static bool may_write(int flags)
{
	return (flags & PX_O_ACCMODE) != PX_O_RDONLY;
}

static void file_put(struct file *f)
{
	if (--f->refs)
		return;
	if (may_write(f->flags) && is_reg(f->ino))
		fs_write_end(f->ino);
	fs_inode_put(f->ino);
	free(f);
}

static void cwd_set(struct fs_ctx *c, struct inode *dir)
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

/* ---- the file system ---- */

void fs_set_console(void (*write)(const char *s, size_t n))
{
	console_write = write;
}

int fs_init(void)
{
	struct inode *dev;

	if (root)
		return 0;
	root = inode_new(PX_S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->nlink = 2;
	root->parent = root;
	if (dir_create(root, "dev", PX_S_IFDIR | 0755, &dev) < 0 ||
	    dir_create(dev, "console", FS_S_IFCHR | 0666, &console) < 0) {
		fs_shutdown();
		return -ENOMEM;
	}
	fs_inode_get(console);
	return 0;
}

/* Unlink everything below dir (deepest first). */
static void tree_remove(struct inode *dir)
{
	while (dir->first) {
		if (is_dir(dir->first->ino))
			tree_remove(dir->first->ino);
		dir_remove(dir, dir->first, NULL);
	}
}

void fs_shutdown(void)
{
	struct inode *r = root;

	if (!r)
		return;
	tree_remove(r);
	root = NULL;
	r->nlink = 0;
	r->parent = NULL;
	inode_release_if_unused(r);
	if (console) {
		fs_inode_put(console);
		console = NULL;
	}
	next_ino = 1;
}

int fs_ctx_init(struct fs_ctx *c)
{
	struct file *f;

	memset(c, 0, sizeof(*c));
	if (!root)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->ino = console;
	f->flags = PX_O_RDWR;
	f->refs = 3;
	fs_inode_get(console);
	c->fd[0] = c->fd[1] = c->fd[2] = f;
	cwd_set(c, root);
	return 0;
}

int fs_ctx_fork(struct fs_ctx *child, const struct fs_ctx *parent)
{
	int fd;

	memset(child, 0, sizeof(*child));
	cwd_set(child, parent->cwd ? parent->cwd : root);
	for (fd = 0; fd < FS_MAX_FDS; fd++) {
		child->fd[fd] = parent->fd[fd];
		if (child->fd[fd])
			child->fd[fd]->refs++;
	}
	return 0;
}

void fs_ctx_release(struct fs_ctx *c)
{
	int fd;

	for (fd = 0; fd < FS_MAX_FDS; fd++)
		fs_close(c, fd);
	if (c->cwd) {
		c->cwd->cwd_refs--;
		fs_inode_put(c->cwd);
		c->cwd = NULL;
	}
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
	if (is_dir(p->ino)) {
		if ((flags & PX_O_ACCMODE) != PX_O_RDONLY ||
		    (flags & (PX_O_CREAT | PX_O_TRUNC)))
			return -EISDIR;
	} else if (flags & PX_O_DIRECTORY) {
		return -ENOTDIR;
	} else if (is_reg(p->ino) && p->ino->execs &&
		   (may_write(flags) || (flags & PX_O_TRUNC))) {
		return -ETXTBSY; /* a process runs it */
	}
	return 0;
}

int fs_open(struct fs_ctx *c, const char *path, int flags, int mode)
{
	struct path p;
	struct file *f;
	int fd, r;

	if ((flags & PX_O_ACCMODE) == PX_O_ACCMODE ||
	    ((flags & PX_O_CREAT) && (flags & PX_O_DIRECTORY)))
		return -EINVAL;
	r = path_lookup(c, path, &p);
	if (r < 0)
		return r;
	r = open_check(&p, flags);
	if (r < 0)
		return r;
	fd = fd_alloc(c);
	if (fd < 0)
		return fd;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (!p.ino) {
		r = dir_create(p.dir, p.name, PX_S_IFREG | (mode & 07777),
			       &p.ino);
		if (r < 0) {
			free(f);
			return r;
		}
	} else if ((flags & PX_O_TRUNC) && is_reg(p.ino)) {
		inode_truncate(p.ino);
	}
	f->ino = p.ino;
	f->flags = flags;
	f->refs = 1;
	fs_inode_get(p.ino);
	if (may_write(flags) && is_reg(p.ino))
		p.ino->writers++;
	c->fd[fd] = f;
	return fd;
}

int fs_close(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	c->fd[fd] = NULL;
	file_put(f);
	return 0;
}

long fs_read(struct fs_ctx *c, int fd, void *buf, size_t n)
{
	struct file *f = fd_file(c, fd);
	long r;

	if (!f || (f->flags & PX_O_ACCMODE) == PX_O_WRONLY)
		return -EBADF;
	if (!buf && n)
		return -EFAULT;
	r = fs_inode_read(f->ino, f->off, buf, n);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

long fs_write(struct fs_ctx *c, int fd, const void *buf, size_t n)
{
	struct file *f = fd_file(c, fd);
	uint64_t off;
	long r;

	if (!f || (f->flags & PX_O_ACCMODE) == PX_O_RDONLY)
		return -EBADF;
	if (!buf && n)
		return -EFAULT;
	off = (f->flags & PX_O_APPEND) ? fs_inode_size(f->ino) : f->off;
	r = fs_inode_write(f->ino, off, buf, n);
	if (r > 0 && is_reg(f->ino))
		f->off = off + (uint64_t)r;
	return r;
}

long fs_lseek(struct fs_ctx *c, int fd, long off, int whence)
{
	struct file *f = fd_file(c, fd);
	long base;

	if (!f)
		return -EBADF;
	if (!is_reg(f->ino) && !is_dir(f->ino))
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

int fs_stat(struct fs_ctx *c, const char *path, struct px_stat *st)
{
	struct path p;
	int r;

	if (!st)
		return -EFAULT;
	r = path_find(c, path, false, &p);
	if (r < 0)
		return r;
	inode_stat(p.ino, st);
	return 0;
}

int fs_fstat(struct fs_ctx *c, int fd, struct px_stat *st)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	if (!st)
		return -EFAULT;
	inode_stat(f->ino, st);
	return 0;
}

int fs_mkdir(struct fs_ctx *c, const char *path, int mode)
{
	struct path p;
	int r;

	r = path_lookup(c, path, &p);
	if (r < 0)
		return r;
	if (p.ino)
		return -EEXIST;
	return dir_create(p.dir, p.name, PX_S_IFDIR | (mode & 07777), NULL);
}

int fs_chdir(struct fs_ctx *c, const char *path)
{
	struct path p;
	int r;

	r = path_find(c, path, true, &p);
	if (r < 0)
		return r;
	cwd_set(c, p.ino);
	return 0;
}

int fs_getcwd(struct fs_ctx *c, char *buf, size_t size)
{
	if (!buf)
		return -EFAULT;
	return dir_path(c->cwd ? c->cwd : root, buf, size);
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

int fs_unlink(struct fs_ctx *c, const char *path)
{
	struct path p;
	int r;

	r = path_find(c, path, false, &p);
	if (r < 0)
		return r;
	if (is_dir(p.ino))
		return -EISDIR;
	dir_remove(p.dir, p.dentry, p.prev);
	return 0;
}

int fs_rmdir(struct fs_ctx *c, const char *path)
{
	struct path p;
	int r;

	r = path_find(c, path, true, &p);
	if (r < 0)
		return r;
	if (p.ino == root || p.ino->cwd_refs)
		return -EBUSY;
	if (p.ino->first)
		return -ENOTEMPTY;
	dir_remove(p.dir, p.dentry, p.prev);
	return 0;
}

int fs_dup(struct fs_ctx *c, int fd)
{
	struct file *f = fd_file(c, fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_alloc(c);
	if (nfd < 0)
		return nfd;
	f->refs++;
	c->fd[nfd] = f;
	return nfd;
}

int fs_fsync(struct fs_ctx *c, int fd)
{
	return fd_file(c, fd) ? 0 : -EBADF;
}

struct inode *fs_lookup(struct fs_ctx *c, const char *path)
{
	struct path p;

	if (path_lookup(c, path, &p) < 0)
		return NULL;
	return p.ino;
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
