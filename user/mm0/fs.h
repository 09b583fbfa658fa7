/*
 * mm0's in-memory file system.
 *
 * Files, directories, symbolic links, pipes and character devices live in
 * mm0's heap.  The initrd (a cpio "newc" archive) is unpacked into it at
 * start.  Each process has an fs_ctx: its working directory and its table
 * of descriptors; a descriptor names an open file description (offset,
 * status flags), shared between processes after fork and between
 * descriptors after dup, as in POSIX; close-on-exec belongs to the
 * descriptor.  Paths are normalised ("/usr/./././bin//" is "/usr/bin";
 * ".." goes up, and stops at "/"), symbolic links are followed (40 at
 * most: ELOOP).  Every function returns >= 0 or a negated Linux errno
 * (ENOENT, EEXIST, ENOTDIR, EISDIR, EBADF, EINVAL, ENOMEM, ENAMETOOLONG,
 * ENOTEMPTY, EMFILE, ELOOP, EPIPE, EAGAIN, ENOSPC, ...).  Buffers passed
 * here are in mm0's own memory: copying to and from processes is the
 * caller's job.
 *
 * Pipes never block here: a read of an empty pipe with writers, or a
 * write that does not fit, is -EAGAIN, and the caller (mm0's Linux
 * personality) decides whether its thread waits; the pipe hook hears of
 * every change that could end such a wait.
 */
#ifndef MM0_FS_H
#define MM0_FS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <tessera/posix.h>

struct inode;
struct file;

#define FS_MAX_FDS 1024
#define FS_AT_FDCWD (-100) /* a dirfd argument: the working directory */
#define FS_FD_CLOEXEC 1	   /* a descriptor flag */

/* File types and flags beyond posix.h's (Linux values). */
#define FS_S_IFCHR 0020000
#define FS_S_IFIFO 0010000
#define FS_S_IFLNK 0120000
#define FS_DT_FIFO 1
#define FS_DT_CHR 2
#define FS_DT_LNK 10
#define FS_O_NOCTTY 0400
#define FS_O_NONBLOCK 04000
#define FS_O_LARGEFILE 0100000
#define FS_O_NOFOLLOW 0400000
#define FS_O_CLOEXEC 02000000
#define FS_O_PATH 010000000
/* The status flags F_SETFL may change. */
#define FS_O_SETFL (PX_O_APPEND | FS_O_NONBLOCK | 020000 | 040000 | 01000000)

/* poll events (Linux values). */
#define FS_POLLIN 0x001
#define FS_POLLOUT 0x004
#define FS_POLLERR 0x008
#define FS_POLLHUP 0x010
#define FS_POLLNVAL 0x020

#define FS_PIPE_SIZE 65536 /* bytes a pipe holds */
#define FS_PIPE_BUF 4096   /* writes up to this size are never split */

/* The largest regular file: writes past it are -EFBIG. */
#define FS_FILE_MAX (1ULL << 30)

/* Device numbers (Linux's: major << 8 | minor). */
#define FS_DEV_NULL ((1 << 8) | 3)
#define FS_DEV_ZERO ((1 << 8) | 5)
#define FS_DEV_RANDOM ((1 << 8) | 8)
#define FS_DEV_URANDOM ((1 << 8) | 9)
#define FS_DEV_TTY ((5 << 8) | 0)
#define FS_DEV_CONSOLE ((5 << 8) | 1)

struct fs_time {
	int64_t sec;
	int64_t nsec;
};

/* What stat reports. */
struct fs_stat {
	uint64_t ino;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev, size, blocks;
	struct fs_time atime, mtime, ctime;
};
/* File data come in pages of FS_PAGE bytes from `alloc` (zeroed, or NULL
 * when there is no memory: the write is short, or -ENOSPC) and go back to
 * `release`.  NULL for either: the C library's calloc and free. */
#define FS_PAGE 4096u
void fs_set_pages(void *(*alloc)(void), void (*release)(void *page));

struct fs_ctx {
	struct inode *cwd;
	struct file **fd;  /* nfd slots, grown as needed up to FS_MAX_FDS */
	uint8_t *fd_flags; /* FS_FD_CLOEXEC */
	int nfd;
};

/* Set up an empty file system: the root directory and /dev (console,
 * tty, null, zero, random, urandom). */
int fs_init(void);
/* Unpack a cpio newc archive: returns the number of entries made
 * (directories, regular files and symbolic links; other types are
 * skipped).  The whole archive is checked first: a malformed one is
 * -EINVAL (a name too long, -ENAMETOOLONG) and changes nothing.  (cpio.c) */
int fs_load_cpio(const void *data, size_t size);
/* Where writes to /dev/console and /dev/tty go (mm0: its window or
 * console). */
void fs_set_console(void (*write)(const char *s, size_t n));
/* The time for timestamps (none set: 0), random bytes for /dev/random
 * and /dev/urandom (none set: zeros), and who hears of pipe changes. */
void fs_set_clock(void (*now)(struct fs_time *t));
void fs_set_random(void (*fill)(void *buf, size_t n));
void fs_set_pipe_hook(void (*changed)(struct inode *pipe));
/* Remove everything and free it (for tests): call after every context is
 * released and every inode reference put; fs_init may follow. */
void fs_shutdown(void);

/* A process's context: a new one (cwd "/", fds 0, 1, 2 on /dev/console),
 * a copy for fork (same cwd, the same open files shared), its end. */
int fs_ctx_init(struct fs_ctx *c);
int fs_ctx_fork(struct fs_ctx *child, const struct fs_ctx *parent);
void fs_ctx_release(struct fs_ctx *c);

/* open flags are Linux's (PX_O_* and FS_O_*); FS_O_CLOEXEC sets the
 * descriptor's flag.  `mode` is used as given (the caller applies its
 * umask). */
int fs_open(struct fs_ctx *c, const char *path, int flags, int mode);
int fs_open_at(struct fs_ctx *c, int dirfd, const char *path, int flags,
	       int mode);
/* Open an inode the caller holds (/proc/self/exe), for reading only:
 * -ETXTBSY for writing a file a process runs, else -EACCES. */
int fs_open_inode(struct fs_ctx *c, struct inode *ino, int flags);
int fs_close(struct fs_ctx *c, int fd);
long fs_read(struct fs_ctx *c, int fd, void *buf, size_t n);
long fs_write(struct fs_ctx *c, int fd, const void *buf, size_t n);
/* At an offset, not moving the file's (-ESPIPE on a pipe or device). */
long fs_pread(struct fs_ctx *c, int fd, void *buf, size_t n, uint64_t off);
long fs_pwrite(struct fs_ctx *c, int fd, const void *buf, size_t n,
	       uint64_t off);
long fs_lseek(struct fs_ctx *c, int fd, long off, int whence);
int fs_stat(struct fs_ctx *c, const char *path, struct px_stat *st);
int fs_fstat(struct fs_ctx *c, int fd, struct px_stat *st);
/* stat for Linux: path relative to dirfd, following a final symbolic
 * link if `follow`; an empty path with `empty` is the descriptor dirfd. */
int fs_stat_at(struct fs_ctx *c, int dirfd, const char *path, bool follow,
	       bool empty, struct fs_stat *st);
int fs_mkdir(struct fs_ctx *c, const char *path, int mode);
int fs_mkdir_at(struct fs_ctx *c, int dirfd, const char *path, int mode);
int fs_chdir(struct fs_ctx *c, const char *path);
int fs_fchdir(struct fs_ctx *c, int fd);
/* Returns the length of the path, not counting its NUL. */
int fs_getcwd(struct fs_ctx *c, char *buf, size_t size);
/* The next entries of the directory open as `fd` ("." and ".." first),
 * at most `count`; 0 at the end. */
int fs_readdir(struct fs_ctx *c, int fd, struct px_dirent *ents, size_t count);
int fs_unlink(struct fs_ctx *c, const char *path);
int fs_rmdir(struct fs_ctx *c, const char *path);
/* unlink or (dir) rmdir relative to dirfd. */
int fs_unlink_at(struct fs_ctx *c, int dirfd, const char *path, bool dir);
/* rename; flags: 1 RENAME_NOREPLACE (2 RENAME_EXCHANGE is -EINVAL). */
int fs_rename_at(struct fs_ctx *c, int olddir, const char *oldpath, int newdir,
		 const char *newpath, unsigned flags);
int fs_link_at(struct fs_ctx *c, int olddir, const char *oldpath, int newdir,
	       const char *newpath, bool follow);
int fs_symlink_at(struct fs_ctx *c, const char *target, int dirfd,
		  const char *path);
/* The target of a symbolic link (not NUL-terminated): its length, cut to
 * `size`; -EINVAL if the path is not a link. */
int fs_readlink_at(struct fs_ctx *c, int dirfd, const char *path, char *buf,
		   size_t size);
int fs_chmod_at(struct fs_ctx *c, int dirfd, const char *path, int mode,
		bool empty);
int fs_fchmod(struct fs_ctx *c, int fd, int mode);
/* uid or gid (uint32_t)-1: unchanged. */
int fs_chown_at(struct fs_ctx *c, int dirfd, const char *path, uint32_t uid,
		uint32_t gid, bool follow, bool empty);
int fs_fchown(struct fs_ctx *c, int fd, uint32_t uid, uint32_t gid);
/* times: {access, modification}; NULL: both now.  nsec LX UTIME_NOW /
 * UTIME_OMIT values: now / unchanged.  path NULL: the descriptor dirfd. */
int fs_utimens_at(struct fs_ctx *c, int dirfd, const char *path,
		  const struct fs_time *times, bool follow);
/* access: mode R_OK 4, W_OK 2, X_OK 1 (every process is root: only X_OK
 * can fail, on a file with no execute bit). */
int fs_access_at(struct fs_ctx *c, int dirfd, const char *path, int mode,
		 bool follow);
int fs_truncate_at(struct fs_ctx *c, int dirfd, const char *path, uint64_t len);
int fs_ftruncate(struct fs_ctx *c, int fd, uint64_t len);
int fs_dup(struct fs_ctx *c, int fd);
/* dup2/dup3: `newfd` names the same description (closed first if open),
 * with descriptor flags `fdflags`; oldfd == newfd is the caller's case. */
int fs_dup2(struct fs_ctx *c, int oldfd, int newfd, int fdflags);
/* F_DUPFD: the lowest free descriptor >= min. */
int fs_dup_min(struct fs_ctx *c, int fd, int min, int fdflags);
int fs_fd_getflags(struct fs_ctx *c, int fd);
int fs_fd_setflags(struct fs_ctx *c, int fd, int flags);
/* The open file description's flags (access mode and status flags);
 * setfl changes the FS_O_SETFL ones. */
int fs_getfl(struct fs_ctx *c, int fd);
int fs_setfl(struct fs_ctx *c, int fd, int flags);
/* Close every descriptor marked close-on-exec. */
void fs_close_on_exec(struct fs_ctx *c);
/* A pipe: fds[0] reads, fds[1] writes; flags FS_O_CLOEXEC, FS_O_NONBLOCK. */
int fs_pipe(struct fs_ctx *c, int fds[2], int flags);
/* poll: the events of `events` (FS_POLL*) that hold for fd now, plus
 * FS_POLLERR/FS_POLLHUP; FS_POLLNVAL for a bad descriptor. */
int fs_poll(struct fs_ctx *c, int fd, int events);
/* Bytes ready to read (FIONREAD): a pipe's contents, a file's rest. */
long fs_readable(struct fs_ctx *c, int fd);
int fs_fsync(struct fs_ctx *c, int fd);

/* Normalise `path` (relative to `cwd`, itself normalised and absolute)
 * into `out`: absolute, no ".", "..", or repeated or trailing "/". */
int fs_normalize(const char *cwd, const char *path, char *out, size_t size);
/* The absolute path of what `path` names, symbolic links followed. */
int fs_realpath(struct fs_ctx *c, const char *path, char *out, size_t size);

/* For mmap and exec: files by name or descriptor, their contents.  An
 * inode stays alive while someone holds a reference (an mmap), even if it
 * is unlinked.  fs_lookup, fs_resolve and fs_fd_inode (NULL if there is
 * none) lend the inode without a reference: it is valid until the next
 * call that may unlink or close it; fs_inode_get to keep it. */
struct inode *fs_lookup(struct fs_ctx *c, const char *path);
int fs_resolve(struct fs_ctx *c, int dirfd, const char *path, bool follow,
	       struct inode **out);
struct inode *fs_fd_inode(struct fs_ctx *c, int fd, int *open_flags);
bool fs_inode_is_dir(const struct inode *ino);
/* A regular file (not a directory, device, pipe or link): what mmap and
 * exec accept. */
bool fs_inode_is_reg(const struct inode *ino);
bool fs_inode_is_pipe(const struct inode *ino);
/* A terminal: /dev/console or /dev/tty. */
bool fs_inode_is_tty(const struct inode *ino);
/* /dev/null or /dev/zero: writes are taken without a look. */
bool fs_inode_discards(const struct inode *ino);
/* Some execute bit is set. */
bool fs_inode_executable(const struct inode *ino);
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
