/*
 * Directories: opendir, readdir, closedir.  A DIR is an open directory
 * and a batch of entries fetched with one PX_READDIR (mm0 advances the
 * directory's offset past the entries it returns; 0 entries: the end).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libposix.h"

#define DIR_BATCH 8

struct posix_dir {
	int fd;
	unsigned n, next; /* entries in buf, the next to return */
	struct dirent ent;
	struct px_dirent buf[DIR_BATCH];
};

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return NULL;
	DIR *d = malloc(sizeof(*d));
	if (!d) {
		close(fd);
		px_ret(-ENOMEM);
		return NULL;
	}
	d->fd = fd;
	d->n = d->next = 0;
	return d;
}

struct dirent *readdir(DIR *d)
{
	if (d->next == d->n) {
		long r =
		    px_call(PX_READDIR, d->fd, (long)d->buf, DIR_BATCH, 0, 0);
		if (r <= 0) {
			if (r < 0)
				px_ret(r);
			return NULL;
		}
		d->n = r > DIR_BATCH ? DIR_BATCH : (unsigned)r;
		d->next = 0;
	}

	const struct px_dirent *e = &d->buf[d->next++];
	size_t len =
	    e->d_namlen < PX_NAME_MAX - 1 ? e->d_namlen : PX_NAME_MAX - 1;
	len = strnlen(e->d_name, len);
	d->ent.d_ino = e->d_ino;
	d->ent.d_type = (unsigned char)e->d_type; /* mm0 sends DT_* values */
	memcpy(d->ent.d_name, e->d_name, len);
	d->ent.d_name[len] = '\0';
	return &d->ent;
}

int closedir(DIR *d)
{
	int r = close(d->fd);
	free(d);
	return r;
}
