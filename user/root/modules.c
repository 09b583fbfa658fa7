/*
 * Boot modules by name.  QEMU (and GRUB) pass each module's command line,
 * "path name"; the kernel copies it, cut to BOOTINFO_NAME_LEN - 1 bytes,
 * into struct bootinfo_module.  A module's name is the last word of that
 * line, so "build/user/demo.elf demo" is "demo" and a line of one word
 * names itself.
 */
#include <stdio.h>
#include <string.h>
#include "root.h"

static struct module modules[BOOTINFO_MAX_MODULES];
static unsigned n_modules;

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The last word of `line` into `out`. */
static void last_word(const char *line, char *out, size_t size)
{
	size_t end = strnlen(line, BOOTINFO_NAME_LEN - 1), start;

	while (end > 0 && is_blank(line[end - 1]))
		end--;
	start = end;
	while (start > 0 && !is_blank(line[start - 1]))
		start--;
	if (end - start >= size)
		end = start + size - 1;
	memcpy(out, line + start, end - start);
	out[end - start] = '\0';
}

unsigned modules_init(const struct bootinfo *bi)
{
	unsigned n = bi->n_modules < BOOTINFO_MAX_MODULES
			 ? bi->n_modules
			 : BOOTINFO_MAX_MODULES;

	for (unsigned i = 0; i < n; i++) {
		const struct bootinfo_module *bm = &bi->modules[i];
		struct module *m = &modules[n_modules];

		m->data = (const uint8_t *)bm->vaddr;
		m->size = bm->size;
		last_word(bm->name, m->name, sizeof(m->name));
		if (!m->name[0]) {
			root_log("boot module %u has no name; ignored", i + 1);
			continue;
		}
		if (strnlen(bm->name, sizeof(bm->name)) == sizeof(bm->name) - 1)
			root_log("boot module %u: its command line may have "
				 "been cut to %zu bytes (name \"%s\")",
				 i + 1, sizeof(bm->name) - 1, m->name);
		if (module_find(m->name)) {
			root_log("boot module %u: a second module named "
				 "\"%s\"; ignored",
				 i + 1, m->name);
			continue;
		}
		n_modules++;
	}
	return n_modules;
}

const struct module *module_find(const char *name)
{
	for (unsigned i = 0; i < n_modules; i++)
		if (!strcmp(modules[i].name, name))
			return &modules[i];
	return NULL;
}

void modules_list(void)
{
	char line[200];
	size_t n = 0;

	line[0] = '\0';
	for (unsigned i = 0; i < n_modules && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s (%lu bytes)",
			      modules[i].name, (unsigned long)modules[i].size);
	root_log("%u boot modules:%s", n_modules, line);
}
