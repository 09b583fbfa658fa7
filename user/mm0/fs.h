/*
 * mm0's in-memory file system.
 *
 * Files and directories live in mm0's heap.  The initrd (a cpio "newc"
 * archive) is unpacked into it at start.  Each process has an fs_ctx: its
 * working directory and its table of open files; open file descriptions
 * (offset, flags) are shared between processes after fork, as in POSIX.
 * Paths are normalised ("/usr/./././bin//" is "/usr/bin"; ".." goes up,
 * and stops at "/").  Every function returns >= 0 or a negated Linux errno
 * (ENOENT, EEXIST, ENOTDIR, EISDIR, EBADF, EINVAL, ENOMEM, ENAMETOOLONG,
 * ENOTEMPTY, EMFILE, ENOSPC, ...).  Buffers passed here are in mm0's own
 * memory: copying to and from processes is the caller's job.
 */
#ifndef MM0_FS_H
#define MM0_FS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <tessera/posix.h>

struct inode;
struct file;

#define FS_MAX_FDS 64

/* /dev/console is a character device: mode FS_S_IFCHR | 0666, d_type
 * FS_DT_CHR (Linux values; posix.h names only directories and files). */
#define FS_S_IFCHR 0020000
#define FS_DT_CHR 2

/* The largest regular file: writes past it are -EFBIG. */
#define FS_FILE_MAX (1ULL << 30)

/* File data come in pages of FS_PAGE bytes from `alloc` (zeroed, or NULL
 * when there is no memory: the write is short, or -ENOSPC) and go back to
 * `release`.  NULL for either: the C library's calloc and free. */
#define FS_PAGE 4096u
void fs_set_pages(void *(*alloc)(void), void (*release)(void *page));

struct fs_ctx {
	struct inode *cwd;
	struct file *fd[FS_MAX_FDS];
};

/* Set up an empty file system (the root directory and /dev/console). */
int fs_init(void);
/* Unpack a cpio newc archive: returns the number of files made (its
 * directory and regular file entries; other types are skipped).  The
 * whole archive is checked first: a malformed one is -EINVAL (a name too
 * long, -ENAMETOOLONG) and changes nothing.  (cpio.c) */
int fs_load_cpio(const void *data, size_t size);
/* Where writes to /dev/console go (mm0: its window or console). */
void fs_set_console(void (*write)(const char *s, size_t n));
/* Remove everything and free it (for tests): call after every context is
 * released and every inode reference put; fs_init may follow. */
void fs_shutdown(void);

/* A process's context: a new one (cwd "/", fds 0, 1, 2 on /dev/console),
 * a copy for fork (same cwd, the same open files shared), its end. */
int fs_ctx_init(struct fs_ctx *c);
int fs_ctx_fork(struct fs_ctx *child, const struct fs_ctx *parent);
void fs_ctx_release(struct fs_ctx *c);

int fs_open(struct fs_ctx *c, const char *path, int flags, int mode);
int fs_close(struct fs_ctx *c, int fd);
long fs_read(struct fs_ctx *c, int fd, void *buf, size_t n);
long fs_write(struct fs_ctx *c, int fd, const void *buf, size_t n);
long fs_lseek(struct fs_ctx *c, int fd, long off, int whence);
int fs_stat(struct fs_ctx *c, const char *path, struct px_stat *st);
int fs_fstat(struct fs_ctx *c, int fd, struct px_stat *st);
int fs_mkdir(struct fs_ctx *c, const char *path, int mode);
int fs_chdir(struct fs_ctx *c, const char *path);
/* Returns the length of the path, not counting its NUL. */
int fs_getcwd(struct fs_ctx *c, char *buf, size_t size);
/* The next entries of the directory open as `fd` ("." and ".." first),
 * at most `count`; 0 at the end. */
int fs_readdir(struct fs_ctx *c, int fd, struct px_dirent *ents, size_t count);
int fs_unlink(struct fs_ctx *c, const char *path);
int fs_rmdir(struct fs_ctx *c, const char *path);
int fs_dup(struct fs_ctx *c, int fd);
int fs_fsync(struct fs_ctx *c, int fd);

/* Normalise `path` (relative to `cwd`, itself normalised and absolute)
 * into `out`: absolute, no ".", "..", or repeated or trailing "/". */
int fs_normalize(const char *cwd, const char *path, char *out, size_t size);

/* For mmap and exec: files by name or descriptor, their contents.  An
 * inode stays alive while someone holds a reference (an mmap), even if it
 * is unlinked.  fs_lookup and fs_fd_inode (NULL if there is none) lend the
 * inode without a reference: it is valid until the next call that may
 * unlink or close it; fs_inode_get to keep it. */
struct inode *fs_lookup(struct fs_ctx *c, const char *path);
struct inode *fs_fd_inode(struct fs_ctx *c, int fd, int *open_flags);
bool fs_inode_is_dir(const struct inode *ino);
/* A regular file (not a directory or /dev/console): what mmap and exec
 * accept. */
bool fs_inode_is_reg(const struct inode *ino);
uint64_t fs_inode_size(const struct inode *ino);
long fs_inode_read(struct inode *ino, uint64_t off, void *buf, size_t n);
long fs_inode_write(struct inode *ino, uint64_t off, const void *buf, size_t n);
void fs_inode_get(struct inode *ino);
void fs_inode_put(struct inode *ino);
/*
 * A file a process runs may not be written, and a file that may be
 * written may not be run (-ETXTBSY, as Linux): open for writing (or with
 * O_TRUNC) fails while a process runs it, and exec fails while an open
 * file description or a writable shared mapping may write it.
 * fs_write_begin/end count a writer that is not an open file (a shared
 * mapping); fs_exec_begin/end count a process running the file and hold
 * a reference to it.
 */
int fs_write_begin(struct inode *ino);
void fs_write_end(struct inode *ino);
int fs_exec_begin(struct inode *ino);
void fs_exec_end(struct inode *ino);

#endif
