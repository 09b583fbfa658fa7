/*
 * Inside mm0's file system: the structures and helpers fs.c (the tree,
 * paths and names) and fs_file.c (descriptors, open files, pipes and
 * devices) share.  Nothing outside those two files includes this.
 *
 * Lifetimes.  An inode lives while it has a name (nlink > 0) or a
 * reference (refs > 0: an open file description, a working directory, an
 * mmap through fs_inode_get, the device pointers of fs.c); whichever goes
 * last frees it, so an unlinked file stays readable through its
 * descriptors and mappings.  An open file description (struct file) lives
 * while a descriptor names it, in any process: dup and fork share it, and
 * with it the offset and status flags.
 *
 * mm0 is single-threaded: nothing here locks.
 */
#ifndef MM0_FS_IMPL_H
#define MM0_FS_IMPL_H

#include "fs.h"
#include "pagemap.h"

/* A name in a directory.  seq orders a directory's entries by creation
 * and is never reused, so a readdir offset stays meaningful when entries
 * before it are removed. */
struct dentry {
	struct dentry *next;
	struct inode *ino;
	uint64_t seq;
	char name[PX_NAME_MAX];
};

/* A pipe's bytes: a ring of FS_PIPE_SIZE, and who has it open. */
struct pipe {
	char *buf;
	uint32_t head, count;
	uint32_t readers, writers;
};

struct inode {
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t refs;
	uint32_t cwd_refs; /* of refs, the processes working in it */
	uint32_t uid, gid;
	uint32_t rdev; /* character devices: FS_DEV_* */
	struct fs_time atime, mtime, ctime;
	/* Regular files: size bytes, in pages of FS_PAGE bytes (a page never
	 * written, a hole, reads as zeros and costs nothing); the bytes of
	 * a page beyond size are zeros.  Symbolic links: the target, size
	 * bytes at link (no NUL). */
	struct pagemap pages;
	char *link;
	uint64_t size;
	/* Regular files: open file descriptions and shared mappings that may
	 * write it, and processes running it (never both: ETXTBSY). */
	uint32_t writers, execs;
	/* Directories: the parent (the root's is itself; NULL once removed),
	 * entries in creation order. */
	struct inode *parent;
	struct dentry *first, *last;
	uint64_t next_seq;
	struct pipe *pipe; /* FIFOs */
};

/* An open file description.  off is the byte offset, or for a directory
 * the readdir position: 0 ".", 1 "..", then an entry's seq + 2. */
struct file {
	struct inode *ino;
	uint64_t off;
	int flags;     /* access mode and status flags (no FS_O_CLOEXEC) */
	uint32_t refs; /* descriptors naming it, in every process */
};

/* A path being resolved: the normalised text (symbolic links on the way
 * replaced by their targets), its last component, and what the walk
 * found (dir and dentry are NULL for "/", ino NULL when the last
 * component does not exist). */
struct path {
	char buf[PX_PATH_MAX];
	const char *name;
	bool must_dir;
	struct inode *dir, *ino;
	struct dentry *dentry, *prev;
};

static inline bool is_dir(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == PX_S_IFDIR;
}

static inline bool is_reg(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == PX_S_IFREG;
}

static inline bool is_lnk(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == FS_S_IFLNK;
}

static inline bool is_fifo(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == FS_S_IFIFO;
}

static inline bool is_chr(const struct inode *ino)
{
	return (ino->mode & PX_S_IFMT) == FS_S_IFCHR;
}

/* fs.c */
extern struct inode *fs_root;
extern struct inode *fs_console;
void fs_now(struct fs_time *t);
struct inode *inode_new(uint32_t mode);
void inode_release_if_unused(struct inode *ino);
/* Mark a change: the data (mtime and ctime) or the inode (ctime). */
void inode_changed(struct inode *ino, bool data);
int inode_truncate_to(struct inode *ino, uint64_t len);
void inode_stat_full(const struct inode *ino, struct fs_stat *st);
int dir_path(const struct inode *dir, char *buf, size_t size);
/* Resolve `path` against dirfd (FS_AT_FDCWD: the working directory),
 * following symbolic links on the way, and the last one if `follow`: its
 * parent directory must exist; the last component may not (p->ino NULL). */
int path_lookup_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
		   struct path *p);
/* The same, for a name that must exist (and be a directory if `dir`). */
int path_find_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
		 bool dir, struct path *p);
int dir_create(struct inode *dir, const char *name, uint32_t mode,
	       struct inode **out);

/* fs_file.c */
struct file *fd_file(struct fs_ctx *c, int fd);
void fs_cwd_set(struct fs_ctx *c, struct inode *dir);
void fs_console_write(const char *s, size_t n);
void fs_random_fill(void *buf, size_t n);
void pipe_changed(struct inode *ino);
void pipe_free(struct inode *ino);

#endif
