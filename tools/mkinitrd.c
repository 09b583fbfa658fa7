/*
 * mkinitrd: write a cpio "newc" archive (the initrd mm0 unpacks) from host
 * files, on the build machine.
 *
 *	mkinitrd OUT.cpio ENTRY ...
 *
 * where an ENTRY is one of
 *
 *	/path/in/archive=host/file	a regular file, the host file's bytes
 *	/path/in/archive->target	a symbolic link to `target`
 *	@list				more ENTRYs from the file `list`, one a
 *					line (empty lines ignored)
 *
 * A symbolic link's entry has mode S_IFLNK | 0777 and the target (without
 * a NUL) as its data, as the kernel's initramfs and `cpio -i` expect.
 * A directory entry is written for every prefix of every path, before
 * anything inside it.  Names are stored without the leading '/'
 * ("bin/test0"), as the kernel's initramfs and `cpio -i` expect.  Files
 * keep their host executable bits (0755, else 0644); owners, times and
 * inode numbers are fixed, so the same inputs give the same archive.
 *
 * newc: for each entry, a 110-byte ASCII header ("070701" and thirteen
 * 8-digit hex fields), the name with its NUL, padding to 4 bytes, the
 * data, padding to 4 bytes; the archive ends with an entry named
 * "TRAILER!!!".  Any error (a missing file, a bad argument) is one message
 * and exit status 1, and no output file is left behind.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PATH 1024
#define MAX_ENTRIES 4096

struct entry {
	char path[MAX_PATH]; /* normalised: no leading '/', no empty parts */
	const char *host;    /* NULL for a directory */
	const char *target;  /* a symbolic link's, else NULL */
	unsigned mode;
};

static struct entry entries[MAX_ENTRIES];
static unsigned n_entries;
static const char *out_name;
static FILE *out;
static unsigned long out_pos;
static unsigned next_ino = 1;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkinitrd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (out) {
		fclose(out);
		remove(out_name);
	}
	exit(1);
}

/* "/usr//bin/./x" -> "usr/bin/x"; refuses "..", empty and over-long. */
static void normalise(const char *in, char *out_path)
{
	size_t n = 0;
	const char *p = in;

	while (*p) {
		const char *s;
		size_t len;
		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		len = p - s;
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.')
			die("archive path '%s': '..' is not allowed", in);
		if (n + len + 2 > MAX_PATH)
			die("archive path '%s' is too long", in);
		if (n)
			out_path[n++] = '/';
		memcpy(out_path + n, s, len);
		n += len;
	}
	out_path[n] = '\0';
	if (n == 0)
		die("archive path '%s' names no file", in);
}

static struct entry *find(const char *path)
{
	for (unsigned i = 0; i < n_entries; i++)
		if (!strcmp(entries[i].path, path))
			return &entries[i];
	return NULL;
}

static struct entry *add(const char *path, const char *host, unsigned mode)
{
	struct entry *e;
	if (n_entries == MAX_ENTRIES)
		die("more than %d entries", MAX_ENTRIES);
	e = &entries[n_entries++];
	strcpy(e->path, path);
	e->host = host;
	e->target = NULL;
	e->mode = mode;
	return e;
}

/* Add the directories above `path`, then the file itself (`host` names the
 * source of a regular file, or the link of a symbolic link, in messages). */
static struct entry *add_file(const char *path, const char *host, unsigned mode)
{
	char dir[MAX_PATH];
	struct entry *e;

	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		memcpy(dir, path, p - path);
		dir[p - path] = '\0';
		e = find(dir);
		if (!e)
			add(dir, NULL, 040755);
		else if (e->host)
			die("'%s' is a file, so it cannot hold '%s'", dir,
			    path);
	}
	e = find(path);
	if (e && e->host)
		die("'%s' is given twice (second time from %s)", path, host);
	if (e)
		die("'%s' is a directory, so it cannot be a file from %s", path,
		    host);
	return add(path, host, mode);
}

/* "/path->target": a symbolic link. */
static void parse_link(const char *arg, const char *arrow)
{
	char path[MAX_PATH], in[MAX_PATH];
	struct entry *e;

	if (arrow == arg || !arrow[2])
		die("bad argument '%s': expected /path/in/archive->target",
		    arg);
	if ((size_t)(arrow - arg) >= MAX_PATH || strlen(arrow + 2) >= MAX_PATH)
		die("'%s' is too long", arg);
	memcpy(in, arg, arrow - arg);
	in[arrow - arg] = '\0';
	normalise(in, path);
	e = add_file(path, arg, 0120777);
	e->target = arrow + 2;
}

static void parse_arg(const char *arg);

/* "@list": one argument a line.  The lines stay allocated: entries point
 * into them. */
static void parse_list(const char *list)
{
	FILE *f = fopen(list, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		die("%s: %s", list, strerror(errno));
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		parse_arg(line);
		line = NULL;
		cap = 0;
	}
	free(line);
	fclose(f);
}

static void parse_arg(const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *arrow = strstr(arg, "->");
	char path[MAX_PATH], in[MAX_PATH];
	struct stat st;

	if (arg[0] == '@') {
		parse_list(arg + 1);
		return;
	}
	if (arrow && (!eq || arrow < eq)) {
		parse_link(arg, arrow);
		return;
	}

	if (!eq || eq == arg || !eq[1])
		die("bad argument '%s': expected /path/in/archive=host/file",
		    arg);
	if ((size_t)(eq - arg) >= MAX_PATH)
		die("archive path in '%s' is too long", arg);
	memcpy(in, arg, eq - arg);
	in[eq - arg] = '\0';
	normalise(in, path);
	if (stat(eq + 1, &st))
		die("%s: %s", eq + 1, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", eq + 1);
	if (st.st_size > 0xffffffffL)
		die("%s: larger than 4 GiB, too big for cpio newc", eq + 1);
	add_file(path, eq + 1, st.st_mode & 0111 ? 0100755 : 0100644);
}

/* ------------------------------------------------------------ writing */

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n)
		die("writing %s: %s", out_name, strerror(errno));
	out_pos += n;
}

static void pad4(void)
{
	static const char zero[4];
	put(zero, (4 - out_pos % 4) % 4);
}

static void header(const char *name, unsigned mode, unsigned nlink,
		   unsigned long size, unsigned ino)
{
	char h[111];
	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, nlink, 0u, size, 0u, 0u, 0u, 0u,
		 (unsigned)strlen(name) + 1, 0u);
	put(h, 110);
	put(name, strlen(name) + 1);
	pad4();
}

static void copy_file(const struct entry *e, unsigned long size)
{
	char buf[65536];
	unsigned long done = 0;
	FILE *in = fopen(e->host, "rb");
	size_t n;

	if (!in)
		die("%s: %s", e->host, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0 && done < size) {
		if (n > size - done)
			n = size - done;
		put(buf, n);
		done += n;
	}
	fclose(in);
	if (done != size)
		die("%s: changed size while being read", e->host);
	pad4();
}

static void write_entry(const struct entry *e)
{
	struct stat st;

	if (!e->host) {
		header(e->path, e->mode, 2, 0, next_ino++);
		return;
	}
	if (e->target) {
		header(e->path, e->mode, 1, strlen(e->target), next_ino++);
		put(e->target, strlen(e->target));
		pad4();
		return;
	}
	if (stat(e->host, &st))
		die("%s: %s", e->host, strerror(errno));
	header(e->path, e->mode, 1, (unsigned long)st.st_size, next_ino++);
	copy_file(e, (unsigned long)st.st_size);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: mkinitrd OUT.cpio /path=host/file | /path->target "
		    "| @list ...");
	for (int i = 2; i < argc; i++)
		parse_arg(argv[i]);
	out_name = argv[1];
	out = fopen(out_name, "wb");
	if (!out)
		die("%s: %s", out_name, strerror(errno));
	for (unsigned i = 0; i < n_entries; i++)
		write_entry(&entries[i]);
	header("TRAILER!!!", 0, 1, 0, 0);
	if (fclose(out)) {
		out = NULL;
		remove(out_name);
		die("writing %s: %s", out_name, strerror(errno));
	}
	return 0;
}
