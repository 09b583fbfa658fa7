/*
 * POSIX file status: struct stat holds what mm0's struct px_stat reports,
 * under the usual names (the fields mm0 does not have are 0).
 */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include <tessera/posix.h>

struct stat {
	dev_t st_dev;
	ino_t st_ino;
	mode_t st_mode; /* S_IF* | permission bits */
	nlink_t st_nlink;
	uid_t st_uid;
	gid_t st_gid;
	off_t st_size;
	blksize_t st_blksize;
	blkcnt_t st_blocks;
};

#define S_IFMT PX_S_IFMT
#define S_IFDIR PX_S_IFDIR
#define S_IFREG PX_S_IFREG
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)

#define S_IRWXU 0700
#define S_IRUSR 0400
#define S_IWUSR 0200
#define S_IXUSR 0100
#define S_IRWXG 0070
#define S_IRWXO 0007

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
