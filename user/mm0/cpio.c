/*
 * The initrd: a cpio "newc" archive unpacked into mm0's file system.
 *
 * An entry is a 110-byte header ("070701" and thirteen fields of 8 ASCII
 * hex digits), its name (namesize bytes, the last one its NUL), padding to
 * a multiple of 4 bytes from the start of the archive, then filesize bytes
 * of data and padding again.  The entry named "TRAILER!!!" ends the
 * archive; anything after it (block padding) is ignored.
 *
 * The archive comes from outside mm0, so every field and length is checked
 * against the archive's size before it is used, and the whole archive is
 * checked before anything is made: a malformed one is -EINVAL and changes
 * nothing.  Unpacking then goes through the ordinary calls (fs_mkdir,
 * fs_open, fs_write) in a context of its own; a failure there (no memory,
 * a file where a directory should be) leaves the entries made before it.
 *
 * Names are relative to "/" ("./bin/x", "bin/x" and "/bin/x" are the
 * same); the entry "." is ignored.  Directories along each path are made
 * as needed (0755).  Directories, regular files and symbolic links (the
 * data is the target) are made: other types (devices, FIFOs) are
 * skipped.  newc hard links, whose data come with the last name only,
 * become separate files (the earlier ones empty).
 */
#include <errno.h>
#include <string.h>
#include "fs.h"

#define CPIO_HEADER 110
#define CPIO_MAGIC "070701"
#define CPIO_TRAILER "TRAILER!!!"

/* The header's fields, in order, after the magic. */
enum {
	CPIO_INO,
	CPIO_MODE,
	CPIO_UID,
	CPIO_GID,
	CPIO_NLINK,
	CPIO_MTIME,
	CPIO_FILESIZE,
	CPIO_DEVMAJOR,
	CPIO_DEVMINOR,
	CPIO_RDEVMAJOR,
	CPIO_RDEVMINOR,
	CPIO_NAMESIZE,
	CPIO_CHECK,
	CPIO_FIELDS
};

struct cpio_reader {
	const uint8_t *base;
	size_t size, off;
};

struct cpio_entry {
	char path[PX_PATH_MAX]; /* normalised, absolute */
	uint32_t mode;
	const uint8_t *data;
	size_t size;
};

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex8(const uint8_t *s, uint32_t *out)
{
	uint32_t v = 0;
	int i, d;

	for (i = 0; i < 8; i++) {
		d = hex_digit(s[i]);
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Move past `n` bytes and the padding after them, if all are inside. */
static int cpio_skip(struct cpio_reader *r, size_t n)
{
	size_t pad;

	if (n > r->size - r->off)
		return -EINVAL;
	r->off += n;
	pad = (4 - r->off % 4) % 4;
	/* The padding after the last entry's data may be cut off: the
	 * next read then finds no header, which is the error. */
	r->off += pad < r->size - r->off ? pad : r->size - r->off;
	return 0;
}

/* Read the next entry: 1, 0 at the trailer, or -EINVAL (-ENAMETOOLONG
 * for a name too long to be a path). */
static int cpio_next(struct cpio_reader *r, struct cpio_entry *e)
{
	uint32_t f[CPIO_FIELDS];
	const uint8_t *h = r->base + r->off;
	const char *name;
	int i, n;

	if (r->size - r->off < CPIO_HEADER || memcmp(h, CPIO_MAGIC, 6))
		return -EINVAL;
	for (i = 0; i < CPIO_FIELDS; i++) {
		if (hex8(h + 6 + 8 * i, &f[i]) < 0)
			return -EINVAL;
	}
	r->off += CPIO_HEADER;
	name = (const char *)r->base + r->off;
	/* The name's only NUL is its last byte. */
	if (f[CPIO_NAMESIZE] == 0 || f[CPIO_NAMESIZE] > r->size - r->off ||
	    memchr(name, 0, f[CPIO_NAMESIZE]) != name + f[CPIO_NAMESIZE] - 1)
		return -EINVAL;
	if (!strcmp(name, CPIO_TRAILER))
		return 0;
	n = fs_normalize("/", name, e->path, sizeof(e->path));
	if (n < 0)
		return n == -ENAMETOOLONG ? n : -EINVAL;
	if (cpio_skip(r, f[CPIO_NAMESIZE]) < 0)
		return -EINVAL;
	e->mode = f[CPIO_MODE];
	e->data = r->base + r->off;
	e->size = f[CPIO_FILESIZE];
	/* A directory with data is not something cpio writes; a link's
	 * target is a path. */
	if ((e->mode & PX_S_IFMT) == PX_S_IFDIR && e->size)
		return -EINVAL;
	if ((e->mode & PX_S_IFMT) == FS_S_IFLNK &&
	    (e->size == 0 || e->size >= PX_PATH_MAX))
		return -EINVAL;
	if (cpio_skip(r, e->size) < 0)
		return -EINVAL;
	return 1;
}

/* Make the directories above `path` that are missing. */
static int make_parents(struct fs_ctx *c, const char *path)
{
	char dir[PX_PATH_MAX];
	size_t i;
	int r;

	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		r = fs_mkdir(c, dir, 0755);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static int unpack_dir(struct fs_ctx *c, const struct cpio_entry *e)
{
	struct px_stat st;
	int r = fs_mkdir(c, e->path, (int)(e->mode & 07777));

	if (r == -EEXIST && fs_stat(c, e->path, &st) == 0 &&
	    (st.st_mode & PX_S_IFMT) == PX_S_IFDIR)
		return 0;
	return r;
}

static int unpack_file(struct fs_ctx *c, const struct cpio_entry *e)
{
	int fd = fs_open(c, e->path, PX_O_WRONLY | PX_O_CREAT | PX_O_TRUNC,
			 (int)(e->mode & 07777));
	long n;

	if (fd < 0)
		return fd;
	n = e->size ? fs_write(c, fd, e->data, e->size) : 0;
	fs_close(c, fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == e->size ? 0 : -EFBIG;
}

static int unpack_link(struct fs_ctx *c, const struct cpio_entry *e)
{
	char target[PX_PATH_MAX];

	memcpy(target, e->data, e->size); /* size < PX_PATH_MAX: cpio_next */
	target[e->size] = '\0';
	return fs_symlink_at(c, target, FS_AT_FDCWD, e->path);
}

/* Make one entry: 1 if it was made, 0 if skipped. */
static int unpack(struct fs_ctx *c, const struct cpio_entry *e)
{
	uint32_t type = e->mode & PX_S_IFMT;
	int r;

	if (!strcmp(e->path, "/") ||
	    (type != PX_S_IFDIR && type != PX_S_IFREG && type != FS_S_IFLNK))
		return 0;
	r = make_parents(c, e->path);
	if (r < 0)
		return r;
	if (type == PX_S_IFDIR)
		r = unpack_dir(c, e);
	else if (type == FS_S_IFLNK)
		r = unpack_link(c, e);
	else
		r = unpack_file(c, e);
	return r < 0 ? r : 1;
}

int fs_load_cpio(const void *data, size_t size)
{
	struct cpio_reader rd = {data, size, 0};
	struct cpio_entry e;
	struct fs_ctx c;
	int r, made = 0;

	if (!data)
		return -EINVAL;
	while ((r = cpio_next(&rd, &e)) > 0)
		;
	if (r < 0)
		return r;
	r = fs_ctx_init(&c);
	if (r < 0)
		return r;
	rd.off = 0;
	while ((r = cpio_next(&rd, &e)) > 0) {
		r = unpack(&c, &e);
		if (r < 0)
			break;
		made += r;
	}
	fs_ctx_release(&c);
	return r < 0 ? r : made;
}
