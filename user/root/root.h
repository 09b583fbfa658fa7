/*
 * The root task: what its files share.
 *
 *   main.c       the order of things: modules, manifest, containers, wait
 *   log.c        one-line messages on the boot console (both threads print)
 *   modules.c    boot modules by name
 *   manifest.c   the boot manifest's parser and checks (docs/manifest.md)
 *   elf.c        checking an ELF64 image and listing its pages
 *   container.c  building one container: objects, image, caps, its pager
 *   lab.c        the LLP lab's layout, for a container that asks for it
 *   space.c      filling pages of a pager's space through a scratch mapping
 *   faults.c     the pagers' pager: a second thread that kills on fault
 *   captree.c    the `captree` boot option: dump every capability
 */
#ifndef ROOT_H
#define ROOT_H

#include <stdint.h>
#include <tess.h>
#include <tess_alloc.h>
#include <tessera/pager.h>

#define ROOT_MAX_CONTAINERS 8
#define ROOT_NAME_LEN 32    /* sizeof(struct pager_bootinfo.name) */
#define ROOT_ARGS_LEN 256   /* sizeof(struct pager_bootinfo.args) */
#define ROOT_MODNAME_LEN 48 /* sizeof(struct pager_module.name) */
#define ROOT_DEFAULT_PRIO 100
#define PAGE_SIZE 4096ul

/* ------------------------------------------------------------ log.c */

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

void root_log(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ------------------------------------------------------------ modules.c */

/* A boot module: its bytes (read-only) and its name, the last word of its
 * command line ("build/user/demo.elf demo" is "demo"). */
struct module {
	const uint8_t *data;
	uint64_t size;
	char name[BOOTINFO_NAME_LEN];
};

/* Read the modules from the boot info; returns how many. */
unsigned modules_init(const struct bootinfo *bi);
const struct module *module_find(const char *name);
void modules_list(void);

/* ------------------------------------------------------------ manifest.c */

/* The scope capabilities a manifest may give, in the order of `caps`. */
enum scope_kind { SK_IPC, SK_TCTRL, SK_EXREGS, SK_CAPCTRL, SK_MUTEX, SK_COUNT };
extern const char *const scope_names[SK_COUNT];
extern const uint32_t scope_types[SK_COUNT];

/* `layout lab ...`: the LLP lab's capability slots (pager.h, LAB_*). */
struct lab_layout {
	int on;
	int noconsole;	     /* no console capability (the lab's proc[1]) */
	unsigned perms;	     /* the window capability's rights */
	unsigned timer_slot; /* 0: no timer; else its slot, 4..255 */
	unsigned timer_bits; /* low tick bits hidden */
};

/* One word of `caps`: a scope capability of `kind` over container `cid`
 * (CAPS_OWN: the container's own). */
#define ROOT_MAX_CAPS 10
#define CAPS_OWN 0xffffffffu
struct cap_entry {
	uint32_t kind; /* enum scope_kind */
	uint32_t cid;
};

struct container_spec {
	char name[ROOT_NAME_LEN];
	unsigned line; /* where its block starts */
	uint32_t cid;
	char pager[ROOT_MODNAME_LEN];
	unsigned mem_bits; /* its untyped: 2^mem_bits bytes */
	int window;	   /* 0..2, or -1 for none */
	uint32_t caps;	   /* bit k: kind k over its own container */
	unsigned n_caps;   /* `caps`, in the line's order (the grants') */
	struct cap_entry cap_list[ROOT_MAX_CAPS];
	unsigned n_modules;
	char modules[PAGER_MAX_MODULES][ROOT_MODNAME_LEN];
	char args[ROOT_ARGS_LEN];
	uint32_t prio;
	uint8_t colour; /* console colour (VGA attribute) */
	int input;	/* gets the console's input (Input capability) */
	struct lab_layout lab;
	uint32_t given; /* bit per key seen, to refuse repeats */
};

struct manifest {
	unsigned n;
	struct container_spec c[ROOT_MAX_CONTAINERS];
};

/* Parse `size` bytes of manifest text.  0, or -1 after printing why. */
int manifest_parse(const char *text, uint64_t size, struct manifest *m);

/* ------------------------------------------------------------ elf.c */

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	uint64_t vaddr, memsz;	 /* where, in the pager's space */
	uint64_t offset, filesz; /* its bytes in the file */
	unsigned rights;	 /* RIGHT_PAGE_* */
};

struct elf_image {
	const uint8_t *file;
	uint64_t size;
	uint64_t entry;
	unsigned n;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Check `file` as an ELF64 x86-64 executable whose loadable segments lie
 * in [lo, hi).  NULL if it is good, else what is wrong with it. */
const char *elf_check(const uint8_t *file, uint64_t size, uint64_t lo,
		      uint64_t hi, struct elf_image *img);
/* The number of distinct pages its segments cover. */
uint64_t elf_page_count(const struct elf_image *img);
/* Does page `va` fall in a segment before `before`?  (Each page is loaded
 * once, by the first segment that covers it.) */
int elf_page_seen(const struct elf_image *img, unsigned before, uint64_t va);
/* The rights of page `va`: the union over the segments covering it. */
unsigned elf_page_rights(const struct elf_image *img, uint64_t va);
/* Fill the 4 KiB page at `va` (zeroed already) from the file. */
void elf_fill_page(const struct elf_image *img, uint64_t va, uint8_t *page);

/* ------------------------------------------------------------ space.c */

/* Where a new page is mapped in the root's own space while it is filled. */
#define ROOT_SCRATCH_VA 0x0000300000000000ul

typedef void (*page_fill_fn)(const void *ctx, uint64_t va, uint8_t *page);

/*
 * A new Page from `a`, filled by `fill` (NULL: left zeroed) through a
 * temporary mapping in the root's own space, then mapped at `va` in
 * `space` with `rights`, page tables made on demand from `a`.
 */
long space_put_page(struct tess_alloc *a, cptr_t space, uint64_t va,
		    unsigned rights, page_fill_fn fill, const void *ctx);

/* ------------------------------------------------------------ container.c */

enum container_state { CS_NEW, CS_RUNNING, CS_FINISHED, CS_FAILED };

/* One container the root starts, and everything made for it. */
struct container {
	const struct container_spec *spec;
	const struct module *pager;
	const struct module *mods[PAGER_MAX_MODULES];
	uint64_t
	    mod_va[PAGER_MAX_MODULES]; /* where each is in the pager's space */
	struct elf_image image;
	enum container_state state;
	int status;
	uint32_t tid;	  /* its pager thread */
	cptr_t memory;	  /* its untyped, in a root slot until given */
	cptr_t container; /* the Container object */
	cptr_t cspace;	  /* the pager's root CSpace (a root slot) */
	cptr_t hold;	  /* a CSpace holding every other object made for it */
	cptr_t thread, space;
	struct tess_alloc
	    alloc; /* objects from the root's untyped, slots in `hold` */
};

extern struct container containers[ROOT_MAX_CONTAINERS];
extern unsigned n_containers;

/* Check that the modules a container names exist and its pager is a good
 * image.  0, or -1 after printing why. */
int container_check(struct container *c, const struct container_spec *spec);
/* Carve its memory from the root's largest untyped.  0 or -E_*. */
long container_carve_memory(struct container *c);
/* Build the container and start its pager (fault_tid: the pager's pager).
 * 0, or -1 after printing why (and undoing what it could). */
int container_start(struct container *c, uint32_t fault_tid);
struct container *container_by_tid(uint32_t tid);

/* ------------------------------------------------------------ lab.c */

/* The most objects (tables) lab_shape_space makes for a container. */
#define LAB_TABLES 4

/* Give a lab-layout container its page directories below LAB_USER_TOP.
 * 0, or -1 after printing why. */
int lab_shape_space(struct container *c);
/* Its capabilities in the lab's slots (pager.h, LAB_*).  0 or -1. */
int lab_fill_cspace(struct container *c);

/* ------------------------------------------------------------ faults.c */

/* Start the thread that answers the pagers' faults; its tid in *tid. */
long faults_start(uint32_t *tid);

/* ------------------------------------------------------------ captree.c */

/* Is `captree` a word of the kernel command line? */
int captree_requested(const struct bootinfo *bi);
/* Start the thread that dumps the capabilities (debug_dump DUMP_CAPTREE)
 * a moment after the containers started; it runs at `prio`.  0 or -E_*. */
long captree_start(uint32_t prio);

#endif
