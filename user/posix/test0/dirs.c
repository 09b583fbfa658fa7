/*
 * Directories: Codezero's dirtest.  readdir of "." and "/", mkdir of a
 * Unix tree (/usr /etc /tmp /var /bin /boot /lib /dev /usr/bin /home
 * /home/bahadir), chdir and getcwd, listing through an unnormalised path
 * ("/usr/./././bin//"), and the errors of mkdir, chdir and rmdir.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test0.h"

static const char *const tree[] = {
    "/usr", "/etc", "/tmp",	"/var",	 "/bin",	  "/boot",
    "/lib", "/dev", "/usr/bin", "/home", "/home/bahadir",
};
#define NTREE (int)(sizeof(tree) / sizeof(tree[0]))

/* Read a whole directory: how many entries, and whether `want` (NULL:
 * none) is among them with type `type`. */
static int list_dir(const char *path, const char *want, int type, int *found)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	*found = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		n++;
		if (want && !strcmp(e->d_name, want) && e->d_type == type)
			*found = 1;
	}
	closedir(d);
	return n;
}

static void readdir_dot_and_root(void)
{
	int found;
	int n = list_dir(".", ".", DT_DIR, &found);
	tap_ok(n >= 2 && found, "dirs: readdir(\".\") lists \".\" (%d entries)",
	       n);
	n = list_dir(".", "..", DT_DIR, &found);
	tap_ok(found, "dirs: readdir(\".\") lists \"..\"");
	n = list_dir("/", "bin", DT_DIR, &found);
	tap_ok(n >= 4 && found,
	       "dirs: readdir(\"/\") lists the initrd's bin (%d entries)", n);
	list_dir("/bin", "test0", DT_REG, &found);
	tap_ok(found, "dirs: /bin holds test0, a regular file");
	expect_err(opendir("/bin/test0") ? 0 : -1, ENOTDIR,
		   "dirs: opendir of a file is ENOTDIR");
	expect_err(opendir("/nonexistent") ? 0 : -1, ENOENT,
		   "dirs: opendir of nothing is ENOENT");
}

static void make_tree(void)
{
	struct stat st;
	int made = 0, good = 0;
	for (int i = 0; i < NTREE; i++) {
		int existed = stat(tree[i], &st) == 0;
		int r = mkdir(tree[i], 0755);
		int ok = existed ? (r == -1 && errno == EEXIST) : r == 0;
		ok &= stat(tree[i], &st) == 0 && S_ISDIR(st.st_mode);
		if (!ok)
			tap_diag("  mkdir %s: %d, errno %d", tree[i], r, errno);
		good += ok;
		made += !existed;
	}
	expect_eq(
	    good, NTREE,
	    "dirs: mkdir of the %d directories (new ones made, others EEXIST)",
	    NTREE);
	tap_ok(made >= NTREE - 3,
	       "dirs: at most /bin, /dev and /etc existed before");
	tap_diag("dirs: %d made", made);
	expect_err(mkdir("/usr", 0755), EEXIST,
		   "dirs: mkdir of an existing directory is EEXIST");
	expect_err(mkdir("/no/such/parent", 0755), ENOENT,
		   "dirs: mkdir below a missing directory is ENOENT");
	expect_err(mkdir("/bin/test0/sub", 0755), ENOTDIR,
		   "dirs: mkdir below a file is ENOTDIR");
}

static void chdir_and_list(void)
{
	char cwd[128];
	int found;

	expect_eq(chdir("/home/bahadir"), 0, "dirs: chdir(\"/home/bahadir\")");
	tap_ok(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/home/bahadir"),
	       "dirs: getcwd is /home/bahadir");
	int fd = open("here.txt", O_CREAT | O_RDWR, 0644);
	tap_ok(fd >= 0,
	       "dirs: a relative open creates a file in the working directory");
	close(fd);
	list_dir("/home/bahadir", "here.txt", DT_REG, &found);
	tap_ok(found,
	       "dirs: readdir(\"/home/bahadir\") lists it as a regular file");
	list_dir(".", "here.txt", DT_REG, &found);
	tap_ok(found, "dirs: readdir(\".\") lists it too");
	expect_eq(unlink("here.txt"), 0, "dirs: unlink by a relative path");

	expect_eq(chdir(".."), 0, "dirs: chdir(\"..\")");
	tap_ok(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/home"),
	       "dirs: getcwd is /home");
	list_dir(".", "bahadir", DT_DIR, &found);
	tap_ok(found, "dirs: /home lists bahadir");

	int n = list_dir("/usr/./././bin//", ".", DT_DIR, &found);
	tap_ok(
	    n == 2 && found,
	    "dirs: \"/usr/./././bin//\" lists the empty /usr/bin (%d entries)",
	    n);
	expect_eq(chdir("/usr/./././bin//"), 0,
		  "dirs: chdir(\"/usr/./././bin//\")");
	tap_ok(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/usr/bin"),
	       "dirs: getcwd normalises it to /usr/bin");
	list_dir("..", "bin", DT_DIR, &found);
	tap_ok(found, "dirs: \"..\" from /usr/bin lists bin");
	list_dir("/", "usr", DT_DIR, &found);
	tap_ok(found, "dirs: readdir(\"/\") lists the new usr");
	list_dir("/", "home", DT_DIR, &found);
	tap_ok(found, "dirs: readdir(\"/\") lists the new home");

	expect_err(chdir("/bin/test0"), ENOTDIR,
		   "dirs: chdir to a file is ENOTDIR");
	expect_err(chdir("/nowhere"), ENOENT,
		   "dirs: chdir to nothing is ENOENT");
	expect_err(getcwd(cwd, 3) ? 0 : -1, ERANGE,
		   "dirs: getcwd into a too small buffer is ERANGE");
	expect_err(rmdir("/usr/bin"), EBUSY,
		   "dirs: rmdir of the working directory is EBUSY");
	expect_eq(chdir("/"), 0, "dirs: chdir(\"/\")");
	expect_err(rmdir("/usr"), ENOTEMPTY,
		   "dirs: rmdir of a non-empty directory is ENOTEMPTY");
	expect_eq(mkdir("/tmp/gone", 0755), 0, "dirs: mkdir /tmp/gone");
	expect_eq(rmdir("/tmp/gone"), 0, "dirs: rmdir /tmp/gone");
	struct stat st;
	expect_err(stat("/tmp/gone", &st), ENOENT,
		   "dirs: the removed directory is gone");
}

/* More entries than libposix fetches at once (8): each once, in order. */
static void many_entries(void)
{
	char name[64];
	int made = 0;
	mkdir("/tmp/many", 0755);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "/tmp/many/f%02d", i);
		int fd = open(name, O_CREAT | O_RDWR, 0644);
		made += fd >= 0;
		close(fd);
	}
	DIR *d = opendir("/tmp/many");
	struct dirent *e;
	int n = 0, in_order = 1, next = 0;
	while (d && (e = readdir(d))) {
		n++;
		if (e->d_name[0] == 'f') {
			snprintf(name, sizeof(name), "f%02d", next++);
			in_order &= !strcmp(e->d_name, name);
		}
	}
	if (d)
		closedir(d);
	tap_ok(made == 20 && n == 22 && next == 20 && in_order,
	       "dirs: a directory of 20 files lists 22 entries, each once, "
	       "in order (%d)",
	       n);
	int removed = 0;
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "/tmp/many/f%02d", i);
		removed += unlink(name) == 0;
	}
	expect_eq(removed + (rmdir("/tmp/many") == 0), 21,
		  "dirs: its files and then the directory are removed");
}

void test_dirs(void)
{
	readdir_dot_and_root();
	make_tree();
	chdir_and_list();
	many_entries();
}
