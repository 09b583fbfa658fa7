/* POSIX directories, read through mm0's PX_READDIR. */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>
#include <tessera/posix.h>

#define DT_UNKNOWN 0
#define DT_DIR PX_DT_DIR
#define DT_REG PX_DT_REG

struct dirent {
	ino_t d_ino;
	unsigned char d_type;	  /* DT_DIR or DT_REG */
	char d_name[PX_NAME_MAX]; /* NUL-terminated */
};

typedef struct posix_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir); /* NULL at the end (errno kept) or on error */
int closedir(DIR *dir);

#endif
