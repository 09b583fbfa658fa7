/*
 * mm0's in-memory file system: the tree of inodes, path lookup, and the
 * calls that work on names (mkdir, unlink, rename, links, stat, chmod,
 * ...).  Descriptors, open files, pipes and devices are in fs_file.c; the
 * initrd loader in cpio.c, on top of the calls here.  The structures are
 * in fs_impl.h, with their lifetimes.
 *
 * Paths are resolved lexically, then walked: fs_normalize makes a path
 * absolute without ".", ".." or repeated "/", then the walk starts at the
 * root.  A symbolic link met on the way is replaced by its target (taken
 * relative to the link's directory) and the result normalised and walked
 * again, at most FS_MAX_LINKS times (then ELOOP).  So ".." is the lexical
 * parent: "/file/.." is "/" even when "file" is not a directory, and
 * "link/.." is the directory holding the link.  A path ending in "/", "."
 * or ".." must name a directory (and follows a final symbolic link).
 *
 * Choices: the devices in /dev are character devices (mode FS_S_IFCHR |
 * 0666, fs_file.c says what each does).  rmdir is -EBUSY for "/" and for
 * any process's working directory, so a working directory always has a
 * path; a removed directory that is still open reads as empty.
 * Directories have size 0 and link count 2 + their subdirectories.  Every
 * process is root: permissions are kept and reported, and only the
 * execute bits are enforced (exec, access X_OK).  Times come from the
 * clock hook; reading does not change atime.
 *
 * File data are in pages of FS_PAGE bytes (fs_set_pages: mm0's frames,
 * or the C library on the host), found through a sparse map: a file grows
 * a page at a time, a hole costs nothing and reads as zeros, and a write
 * that finds no page for its next bytes stops there (a short count, or
 * -ENOSPC when nothing fitted).  A symbolic link's target is a string of
 * its own (link, size bytes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fs_impl.h"

#define FS_LONG_MAX ((long)(~0UL >> 1))
#define FS_MAX_LINKS 40

struct inode *fs_root;
struct inode *fs_console; /* holds a reference: survives an unlink */
static struct inode *devices[5];
static void (*clock_hook)(struct fs_time *t);
static void *default_page_alloc(void);
static void default_page_free(void *page);
static void *(*page_alloc)(void) = default_page_alloc;
static void (*page_free)(void *page) = default_page_free;
static uint64_t next_ino = 1;

/* ---- time ---- */

void fs_set_clock(void (*now)(struct fs_time *t))
{
	clock_hook = now;
}

void fs_now(struct fs_time *t)
{
	t->sec = t->nsec = 0;
	if (clock_hook)
		clock_hook(t);
}

void inode_changed(struct inode *ino, bool data)
{
	fs_now(&ino->ctime);
	if (data)
		ino->mtime = ino->ctime;
}

/* ---- inodes ---- */

struct inode *inode_new(uint32_t mode)
{
	struct inode *ino = calloc(1, sizeof(*ino));

	if (!ino)
		return NULL;
	ino->ino = next_ino++;
	ino->mode = mode;
	fs_now(&ino->ctime);
	ino->atime = ino->mtime = ino->ctime;
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
void inode_release_if_unused(struct inode *ino)
{
	if (ino->nlink || ino->refs)
		return;
	pipe_free(ino);
	free(ino->link);
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

/* Cut or extend a regular file to `len` bytes.  Extending makes a hole
 * (it costs nothing); cutting gives back the pages wholly past the new
 * end and zeros the bytes of the last page past it, so that a later
 * extension reads zeros there. */
int inode_truncate_to(struct inode *ino, uint64_t len)
{
	if (is_dir(ino))
		return -EISDIR;
	if (!is_reg(ino))
		return -EINVAL;
	if (len > FS_FILE_MAX)
		return -EFBIG;
	if (len == 0) {
		inode_truncate(ino);
	} else if (len < ino->size) {
		uint64_t at, v;
		while ((v = pagemap_next(&ino->pages,
					 (len + FS_PAGE - 1) / FS_PAGE, &at))) {
			pagemap_clear(&ino->pages, at);
			page_free((void *)(uintptr_t)v);
		}
		char *page =
		    (char *)(uintptr_t)pagemap_get(&ino->pages, len / FS_PAGE);
		if (page && len % FS_PAGE)
			memset(page + len % FS_PAGE, 0,
			       FS_PAGE - len % FS_PAGE);
	}
	ino->size = len;
	inode_changed(ino, true);
	return 0;
}

long fs_inode_read(struct inode *ino, uint64_t off, void *buf, size_t n)
{
	char *b = buf;

	if (is_dir(ino))
		return -EISDIR;
	if (is_chr(ino)) {
		if (ino->rdev == FS_DEV_ZERO) {
			memset(buf, 0, n);
			return (long)n;
		}
		if (ino->rdev == FS_DEV_RANDOM || ino->rdev == FS_DEV_URANDOM) {
			fs_random_fill(buf, n);
			return (long)n;
		}
		return 0; /* null, and the terminals: no input */
	}
	if (!is_reg(ino) || off >= ino->size)
		return 0; /* past the end */
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
	if (is_chr(ino)) {
		if ((ino->rdev == FS_DEV_CONSOLE || ino->rdev == FS_DEV_TTY) &&
		    n)
			fs_console_write(buf, n);
		return (long)n;
	}
	if (!is_reg(ino))
		return -EINVAL;
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
	inode_changed(ino, true);
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

bool fs_inode_is_pipe(const struct inode *ino)
{
	return is_fifo(ino);
}

bool fs_inode_is_tty(const struct inode *ino)
{
	return is_chr(ino) &&
	       (ino->rdev == FS_DEV_CONSOLE || ino->rdev == FS_DEV_TTY);
}

bool fs_inode_discards(const struct inode *ino)
{
	return is_chr(ino) &&
	       (ino->rdev == FS_DEV_NULL || ino->rdev == FS_DEV_ZERO);
}

bool fs_inode_executable(const struct inode *ino)
{
	return ino->mode & 0111;
}

uint64_t fs_inode_size(const struct inode *ino)
{
	return is_reg(ino) || is_lnk(ino) ? ino->size : 0;
}

void inode_stat_full(const struct inode *ino, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = ino->ino;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->uid = ino->uid;
	st->gid = ino->gid;
	st->rdev = ino->rdev;
	st->size = fs_inode_size(ino);
	st->blocks = (st->size + 511) / 512;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
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
		inode_changed(child, false);
	}
	inode_changed(dir, true);
	return 0;
}

/* Take entry d (after prev, NULL if first) out of dir's list. */
static void dir_unlist(struct inode *dir, struct dentry *d, struct dentry *prev)
{
	if (prev)
		prev->next = d->next;
	else
		dir->first = d->next;
	if (dir->last == d)
		dir->last = prev;
	inode_changed(dir, true);
}

/* Remove entry d (after prev, NULL if first) from dir; free its inode if
 * nobody holds it. */
static void dir_remove(struct inode *dir, struct dentry *d, struct dentry *prev)
{
	struct inode *child = d->ino;

	dir_unlist(dir, d, prev);
	free(d);
	if (is_dir(child)) {
		child->nlink = 0;
		child->parent = NULL;
		dir->nlink--;
	} else {
		child->nlink--;
		inode_changed(child, false);
	}
	inode_release_if_unused(child);
}

/* Make a new inode of `mode` named `name` in dir. */
int dir_create(struct inode *dir, const char *name, uint32_t mode,
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
int dir_path(const struct inode *dir, char *buf, size_t size)
{
	const struct inode *d;
	size_t len = 0, n;

	for (d = dir; d != fs_root; d = d->parent) {
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
	for (d = dir, n = len; d != fs_root; d = d->parent) {
		const char *name = dir_name_of(d);
		size_t l = strlen(name);

		n -= l;
		memcpy(buf + n, name, l);
		buf[--n] = '/';
	}
	return (int)len;
}

/* Whether `anc` is `dir` or one of its ancestors. */
static bool dir_within(const struct inode *dir, const struct inode *anc)
{
	for (const struct inode *d = dir; d; d = d->parent) {
		if (d == anc)
			return true;
		if (d == fs_root)
			break;
	}
	return false;
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

/* The directory a relative path starts from: the working directory or
 * the one open as dirfd. */
static int base_dir(struct fs_ctx *c, int dirfd, struct inode **out)
{
	if (dirfd == FS_AT_FDCWD) {
		*out = c->cwd ? c->cwd : fs_root;
		return 0;
	}
	struct file *f = fd_file(c, dirfd);
	if (!f)
		return -EBADF;
	if (!is_dir(f->ino))
		return -ENOTDIR;
	*out = f->ino;
	return 0;
}

/*
 * Replace the symbolic link `link`, the component of p->buf that starts
 * at `at` and ends at `end`, by its target; the rest of the path follows
 * the target.  The result is normalised into p->buf.
 */
static int path_expand(struct path *p, const struct inode *link, size_t at,
		       size_t end)
{
	char dir[PX_PATH_MAX], rest[PX_PATH_MAX], joined[2 * PX_PATH_MAX + 2];
	size_t tlen = link->size;

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PX_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dir, p->buf, at);
	dir[at ? at : 1] = '\0';
	if (!at)
		dir[0] = '/';
	strcpy(rest, p->buf + end);
	memcpy(joined, link->link, tlen);
	joined[tlen] = '/';
	strcpy(joined + tlen + 1, rest);
	if (strlen(joined) >= PX_PATH_MAX)
		return -ENAMETOOLONG;
	int r = fs_normalize(dir, joined, p->buf, sizeof(p->buf));
	return r < 0 ? r : 0;
}

int path_lookup_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
		   struct path *p)
{
	char cwd[PX_PATH_MAX] = "/";
	int r, links = 0;

	memset(p, 0, sizeof(*p));
	if (!path)
		return -EFAULT;
	if (path[0] != '/') {
		struct inode *base;
		if ((r = base_dir(c, dirfd, &base)) < 0)
			return r;
		r = dir_path(base, cwd, sizeof(cwd));
		if (r < 0)
			return r;
	}
	r = fs_normalize(cwd, path, p->buf, sizeof(p->buf));
	if (r < 0)
		return r;
	p->must_dir = path_names_dir(path);
	if (p->must_dir)
		follow = true;
walk:
	if (!strcmp(p->buf, "/")) {
		p->name = p->buf + 1;
		p->dir = NULL;
		p->dentry = p->prev = NULL;
		p->ino = fs_root;
		return 0;
	}
	struct inode *cur = fs_root;
	size_t len = strlen(p->buf), i = 0;
	for (;;) {
		size_t start = ++i; /* past the "/" */
		while (i < len && p->buf[i] != '/')
			i++;
		if (!is_dir(cur))
			return -ENOTDIR;
		struct dentry *prev,
		    *d = dir_find(cur, p->buf + start, i - start, &prev);
		if (i == len) {
			p->dir = cur;
			p->name = p->buf + start;
			p->dentry = d;
			p->prev = prev;
			p->ino = d ? d->ino : NULL;
			if (p->ino && is_lnk(p->ino) && follow) {
				if (++links > FS_MAX_LINKS)
					return -ELOOP;
				if ((r = path_expand(p, p->ino, start - 1, i)) <
				    0)
					return r;
				goto walk;
			}
			break;
		}
		if (!d)
			return -ENOENT;
		if (is_lnk(d->ino)) {
			if (++links > FS_MAX_LINKS)
				return -ELOOP;
			if ((r = path_expand(p, d->ino, start - 1, i)) < 0)
				return r;
			goto walk;
		}
		cur = d->ino;
	}
	if (p->ino && p->must_dir && !is_dir(p->ino))
		return -ENOTDIR;
	return 0;
}

int path_find_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
		 bool dir, struct path *p)
{
	int r = path_lookup_at(c, dirfd, path, follow, p);

	if (r < 0)
		return r;
	if (!p->ino)
		return -ENOENT;
	if (dir && !is_dir(p->ino))
		return -ENOTDIR;
	return 0;
}

int fs_realpath(struct fs_ctx *c, const char *path, char *out, size_t size)
{
	struct path p;
	int r = path_find_at(c, FS_AT_FDCWD, path, true, false, &p);

	if (r < 0)
		return r;
	if (strlen(p.buf) + 1 > size)
		return -ERANGE;
	strcpy(out, p.buf);
	return (int)strlen(out);
}

/* ---- the file system ---- */

int fs_init(void)
{
	static const struct {
		const char *name;
		uint32_t rdev;
	} devs[] = {{"tty", FS_DEV_TTY},
		    {"null", FS_DEV_NULL},
		    {"zero", FS_DEV_ZERO},
		    {"random", FS_DEV_RANDOM},
		    {"urandom", FS_DEV_URANDOM}};
	struct inode *dev;

	if (fs_root)
		return 0;
	fs_root = inode_new(PX_S_IFDIR | 0755);
	if (!fs_root)
		return -ENOMEM;
	fs_root->nlink = 2;
	fs_root->parent = fs_root;
	if (dir_create(fs_root, "dev", PX_S_IFDIR | 0755, &dev) < 0 ||
	    dir_create(dev, "console", FS_S_IFCHR | 0666, &fs_console) < 0)
		goto fail;
	fs_console->rdev = FS_DEV_CONSOLE;
	fs_inode_get(fs_console);
	for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (dir_create(dev, devs[i].name, FS_S_IFCHR | 0666,
			       &devices[i]) < 0)
			goto fail;
		devices[i]->rdev = devs[i].rdev;
		fs_inode_get(devices[i]);
	}
	return 0;
fail:
	fs_shutdown();
	return -ENOMEM;
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
	struct inode *r = fs_root;

	if (!r)
		return;
	tree_remove(r);
	fs_root = NULL;
	r->nlink = 0;
	r->parent = NULL;
	inode_release_if_unused(r);
	if (fs_console) {
		fs_inode_put(fs_console);
		fs_console = NULL;
	}
	for (unsigned i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (devices[i]) {
			fs_inode_put(devices[i]);
			devices[i] = NULL;
		}
	next_ino = 1;
}

/* ---- calls on names ---- */

int fs_stat(struct fs_ctx *c, const char *path, struct px_stat *st)
{
	struct fs_stat full;
	int r;

	if (!st)
		return -EFAULT;
	r = fs_stat_at(c, FS_AT_FDCWD, path, true, false, &full);
	if (r < 0)
		return r;
	memset(st, 0, sizeof(*st));
	st->st_ino = full.ino;
	st->st_mode = full.mode;
	st->st_nlink = full.nlink;
	st->st_size = full.size;
	st->st_blocks = full.blocks;
	return 0;
}

int fs_stat_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
	       bool empty, struct fs_stat *st)
{
	struct path p;
	int r;

	if (!st || !path)
		return -EFAULT;
	if (empty && !path[0]) {
		struct inode *ino;
		if (dirfd == FS_AT_FDCWD)
			ino = c->cwd ? c->cwd : fs_root;
		else if (!fd_file(c, dirfd))
			return -EBADF;
		else
			ino = fd_file(c, dirfd)->ino;
		inode_stat_full(ino, st);
		return 0;
	}
	r = path_find_at(c, dirfd, path, follow, false, &p);
	if (r < 0)
		return r;
	inode_stat_full(p.ino, st);
	return 0;
}

int fs_mkdir_at(struct fs_ctx *c, int dirfd, const char *path, int mode)
{
	struct path p;
	int r;

	r = path_lookup_at(c, dirfd, path, false, &p);
	if (r < 0)
		return r;
	if (p.ino)
		return -EEXIST;
	return dir_create(p.dir, p.name, PX_S_IFDIR | (mode & 07777), NULL);
}

int fs_mkdir(struct fs_ctx *c, const char *path, int mode)
{
	return fs_mkdir_at(c, FS_AT_FDCWD, path, mode);
}

int fs_chdir(struct fs_ctx *c, const char *path)
{
	struct path p;
	int r;

	r = path_find_at(c, FS_AT_FDCWD, path, true, true, &p);
	if (r < 0)
		return r;
	fs_cwd_set(c, p.ino);
	return 0;
}

int fs_getcwd(struct fs_ctx *c, char *buf, size_t size)
{
	if (!buf)
		return -EFAULT;
	return dir_path(c->cwd ? c->cwd : fs_root, buf, size);
}

int fs_unlink_at(struct fs_ctx *c, int dirfd, const char *path, bool dir)
{
	struct path p;
	int r;

	r = path_find_at(c, dirfd, path, false, dir, &p);
	if (r < 0)
		return r;
	if (!dir) {
		if (is_dir(p.ino))
			return -EISDIR;
		dir_remove(p.dir, p.dentry, p.prev);
		return 0;
	}
	if (p.ino == fs_root || p.ino->cwd_refs)
		return -EBUSY;
	if (p.ino->first)
		return -ENOTEMPTY;
	const char *last = strrchr(path, '/');
	last = last ? last + 1 : path;
	if (!strcmp(last, "."))
		return -EINVAL;
	dir_remove(p.dir, p.dentry, p.prev);
	return 0;
}

int fs_unlink(struct fs_ctx *c, const char *path)
{
	return fs_unlink_at(c, FS_AT_FDCWD, path, false);
}

int fs_rmdir(struct fs_ctx *c, const char *path)
{
	return fs_unlink_at(c, FS_AT_FDCWD, path, true);
}

/*
 * rename: the entry moves (a directory keeps its inode, so descriptors
 * and working directories in it follow); an existing target of the same
 * kind is replaced (a directory only if empty).  Renaming a name onto a
 * link to the same inode does nothing.
 */
int fs_rename_at(struct fs_ctx *c, int olddir, const char *oldpath, int newdir,
		 const char *newpath, unsigned flags)
{
	struct path o, n;
	int r;

	if (flags & ~1u)
		return -EINVAL;
	if ((r = path_find_at(c, olddir, oldpath, false, false, &o)) < 0)
		return r;
	if ((r = path_lookup_at(c, newdir, newpath, false, &n)) < 0)
		return r;
	if (!o.dir || !n.dir)
		return -EBUSY; /* "/" is neither moved nor replaced */
	if (o.ino == n.ino)
		return 0;
	if (n.ino && (flags & 1))
		return -EEXIST;
	if (is_dir(o.ino)) {
		if (dir_within(n.dir, o.ino))
			return -EINVAL; /* into itself */
		if (n.ino && !is_dir(n.ino))
			return -ENOTDIR;
		if (n.ino && n.ino->first)
			return -ENOTEMPTY;
		if (n.ino && n.ino->cwd_refs)
			return -EBUSY;
	} else {
		if (n.must_dir || o.must_dir)
			return -ENOTDIR;
		if (n.ino && is_dir(n.ino))
			return -EISDIR;
	}
	struct inode *ino = o.ino;
	fs_inode_get(ino); /* held while it has no name */
	if (n.ino) {
		/* Removing the target may move the old entry in the list
		 * (same directory): look it up again after. */
		dir_remove(n.dir, n.dentry, n.prev);
	}
	struct dentry *prev,
	    *d = dir_find(o.dir, o.name, strlen(o.name), &prev);
	dir_unlist(o.dir, d, prev);
	free(d);
	if (is_dir(ino)) {
		o.dir->nlink--;
		ino->nlink = 0;
	} else {
		ino->nlink--;
	}
	r = dir_add(n.dir, n.name, ino);
	fs_inode_put(ino);
	return r;
}

int fs_link_at(struct fs_ctx *c, int olddir, const char *oldpath, int newdir,
	       const char *newpath, bool follow)
{
	struct path o, n;
	int r;

	if ((r = path_find_at(c, olddir, oldpath, follow, false, &o)) < 0)
		return r;
	if ((r = path_lookup_at(c, newdir, newpath, false, &n)) < 0)
		return r;
	if (n.ino)
		return -EEXIST;
	if (is_dir(o.ino))
		return -EPERM;
	if (n.must_dir)
		return -ENOENT;
	return dir_add(n.dir, n.name, o.ino);
}

int fs_symlink_at(struct fs_ctx *c, const char *target, int dirfd,
		  const char *path)
{
	struct path p;
	struct inode *ino;
	size_t len;
	int r;

	if (!target)
		return -EFAULT;
	len = strnlen(target, PX_PATH_MAX);
	if (len == 0)
		return -ENOENT;
	if (len >= PX_PATH_MAX)
		return -ENAMETOOLONG;
	if ((r = path_lookup_at(c, dirfd, path, false, &p)) < 0)
		return r;
	if (p.ino)
		return -EEXIST;
	if (p.must_dir)
		return -ENOENT;
	ino = inode_new(FS_S_IFLNK | 0777);
	if (!ino || !(ino->link = malloc(len))) {
		free(ino);
		return -ENOMEM;
	}
	memcpy(ino->link, target, len);
	ino->size = len;
	if (dir_add(p.dir, p.name, ino) < 0) {
		free(ino->link);
		free(ino);
		return -ENOMEM;
	}
	return 0;
}

int fs_readlink_at(struct fs_ctx *c, int dirfd, const char *path, char *buf,
		   size_t size)
{
	struct path p;
	int r;

	if (!buf)
		return -EFAULT;
	if ((r = path_find_at(c, dirfd, path, false, false, &p)) < 0)
		return r;
	if (!is_lnk(p.ino))
		return -EINVAL;
	size_t n = p.ino->size < size ? p.ino->size : size;
	memcpy(buf, p.ino->link, n);
	return (int)n;
}

/* The inode of (dirfd, path), or of descriptor dirfd for an empty path
 * when `empty`. */
static int inode_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
		    bool empty, struct inode **out)
{
	struct path p;
	int r;

	if (!path)
		return -EFAULT;
	if (empty && !path[0]) {
		struct file *f = fd_file(c, dirfd);
		if (!f)
			return -EBADF;
		*out = f->ino;
		return 0;
	}
	if ((r = path_find_at(c, dirfd, path, follow, false, &p)) < 0)
		return r;
	*out = p.ino;
	return 0;
}

static void inode_chmod(struct inode *ino, int mode)
{
	ino->mode = (ino->mode & PX_S_IFMT) | ((uint32_t)mode & 07777);
	inode_changed(ino, false);
}

int fs_chmod_at(struct fs_ctx *c, int dirfd, const char *path, int mode,
		bool empty)
{
	struct inode *ino;
	int r = inode_at(c, dirfd, path, true, empty, &ino);

	if (r < 0)
		return r;
	inode_chmod(ino, mode);
	return 0;
}

int fs_fchmod(struct fs_ctx *c, int fd, int mode)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	inode_chmod(f->ino, mode);
	return 0;
}

static void inode_chown(struct inode *ino, uint32_t uid, uint32_t gid)
{
	if (uid != (uint32_t)-1)
		ino->uid = uid;
	if (gid != (uint32_t)-1)
		ino->gid = gid;
	inode_changed(ino, false);
}

int fs_chown_at(struct fs_ctx *c, int dirfd, const char *path, uint32_t uid,
		uint32_t gid, bool follow, bool empty)
{
	struct inode *ino;
	int r = inode_at(c, dirfd, path, follow, empty, &ino);

	if (r < 0)
		return r;
	inode_chown(ino, uid, gid);
	return 0;
}

int fs_fchown(struct fs_ctx *c, int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fd_file(c, fd);

	if (!f)
		return -EBADF;
	inode_chown(f->ino, uid, gid);
	return 0;
}

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

int fs_utimens_at(struct fs_ctx *c, int dirfd, const char *path,
		  const struct fs_time *times, bool follow)
{
	struct inode *ino;
	struct fs_time now;
	int r;

	if (times)
		for (int i = 0; i < 2; i++)
			if (times[i].nsec != UTIME_NOW &&
			    times[i].nsec != UTIME_OMIT &&
			    (times[i].nsec < 0 || times[i].nsec >= 1000000000))
				return -EINVAL;
	if (!path) {
		struct file *f = fd_file(c, dirfd);
		if (!f)
			return -EBADF;
		ino = f->ino;
	} else if ((r = inode_at(c, dirfd, path, follow, false, &ino)) < 0) {
		return r;
	}
	fs_now(&now);
	for (int i = 0; i < 2; i++) {
		struct fs_time *dst = i ? &ino->mtime : &ino->atime;
		if (!times || times[i].nsec == UTIME_NOW)
			*dst = now;
		else if (times[i].nsec != UTIME_OMIT)
			*dst = times[i];
	}
	ino->ctime = now;
	return 0;
}

int fs_access_at(struct fs_ctx *c, int dirfd, const char *path, int mode,
		 bool follow)
{
	struct inode *ino;
	int r;

	if (mode & ~7)
		return -EINVAL;
	if ((r = inode_at(c, dirfd, path, follow, false, &ino)) < 0)
		return r;
	if ((mode & 1) && !is_dir(ino) && !fs_inode_executable(ino))
		return -EACCES;
	return 0;
}

int fs_truncate_at(struct fs_ctx *c, int dirfd, const char *path, uint64_t len)
{
	struct inode *ino;
	int r;

	if ((r = inode_at(c, dirfd, path, true, false, &ino)) < 0)
		return r;
	if (ino->execs)
		return -ETXTBSY; /* a process runs it */
	return inode_truncate_to(ino, len);
}

struct inode *fs_lookup(struct fs_ctx *c, const char *path)
{
	struct path p;

	if (path_lookup_at(c, FS_AT_FDCWD, path, true, &p) < 0)
		return NULL;
	return p.ino;
}

int fs_resolve(struct fs_ctx *c, int dirfd, const char *path, bool follow,
	       struct inode **out)
{
	struct path p;
	int r = path_find_at(c, dirfd, path, follow, false, &p);

	if (r < 0)
		return r;
	*out = p.ino;
	return 0;
}
