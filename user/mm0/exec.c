/*
 * Programs: checking an executable, mapping it, and the stack a new
 * program starts on.
 *
 * A program is a static ELF64 x86-64 executable: ET_EXEC at its own
 * addresses, or ET_DYN without an interpreter (static-PIE), placed at
 * EXEC_PIE_BASE.  Files with a PT_INTERP (dynamically linked) are refused.
 * A file carrying the note "Tessera" (user/lib/posix/crt0.S) is a native
 * POSIX program: it starts with the native stack (argc, argv, envp) and
 * rdi = its stack, rsi = mm0's tid, rdx = its UTCB.  Any other is a Linux
 * program: it starts as Linux starts one (the stack below with its
 * auxiliary vector, every register 0 but rsp and rip) and its system
 * calls are Linux's (linux/).
 *
 * Everything in the file is checked before anything is mapped: segments
 * inside the file, inside user memory below TASK_MMAP_BASE, not wrapping,
 * not overlapping each other, file offset and address agreeing modulo the
 * page size, and an entry point inside an executable segment.  A failed
 * check is -ENOEXEC and names what is wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm0.h"

#define NT_TESSERA_POSIX 1
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define ET_DYN 3

/* ------------------------------------------------------------ strings */

void strlist_init(struct strlist *s, size_t room, uint32_t max,
		  unsigned ptr_cost)
{
	memset(s, 0, sizeof(*s));
	s->room = room;
	s->max = max;
	s->ptr_cost = ptr_cost;
}

void strlist_free(struct strlist *s)
{
	free(s->buf);
	free(s->off);
	memset(s, 0, sizeof(*s));
}

/* Room for one more string of `len` bytes (with its NUL) within the
 * budget: 0, -E2BIG or -ENOMEM.  The buffer grows to the whole budget at
 * most. */
static long strlist_reserve(struct strlist *s, size_t len)
{
	size_t cost = (s->n + 1) * (size_t)s->ptr_cost;
	if (s->n == s->max || cost > s->room - s->used ||
	    len > s->room - s->used - cost)
		return -E2BIG;
	if (s->n == s->off_cap) {
		uint32_t n = s->off_cap ? s->off_cap * 2 : 16;
		uint32_t *o = realloc(s->off, n * sizeof(*o));
		if (!o)
			return -ENOMEM;
		s->off = o;
		s->off_cap = n;
	}
	if (s->used + len > s->buf_cap) {
		size_t n = s->buf_cap ? s->buf_cap : 256;
		while (n < s->used + len)
			n *= 2;
		char *b = realloc(s->buf, n);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->buf_cap = n;
	}
	return 0;
}

long strlist_add(struct strlist *s, const char *str)
{
	size_t len = strlen(str) + 1;
	long r = strlist_reserve(s, len);
	if (r)
		return r;
	memcpy(s->buf + s->used, str, len);
	s->off[s->n++] = (uint32_t)s->used;
	s->used += len;
	return 0;
}

const char *strlist_get(const struct strlist *s, uint32_t i)
{
	return s->buf + s->off[i];
}

/* Append the strings of a NULL-terminated vector in process memory: each
 * is copied straight into the buffer, which takes the whole budget. */
long strlist_take(struct mm *mm, uint64_t list, struct strlist *s)
{
	if (!list)
		return 0;
	for (uint64_t i = 0;; i++) {
		uint64_t p;
		if (mm_copy_in(mm, &p, list + i * 8, 8))
			return -EFAULT;
		if (!p)
			return 0;
		long r = strlist_reserve(s, 1);
		if (r)
			return r;
		size_t left =
		    s->room - s->used - (s->n + 1) * (size_t)s->ptr_cost;
		if ((r = strlist_reserve(s, left)) && r != -E2BIG)
			return r;
		if (s->buf_cap - s->used < left)
			left = s->buf_cap - s->used;
		long len = mm_copy_string(mm, s->buf + s->used, p, left);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return len;
		s->off[s->n++] = (uint32_t)s->used;
		s->used += (size_t)len + 1;
	}
}

/* ------------------------------------------------------------ checks */

static long refuse(const char *path, const char *why)
{
	mm0_log("exec %s: %s", path, why);
	return -ENOEXEC;
}

/* Whether the notes in [off, off + size) of the file name Tessera. */
static bool has_tessera_note(struct inode *ino, uint64_t off, uint64_t size)
{
	uint8_t buf[256];
	if (size > sizeof(buf))
		size = sizeof(buf);
	if (fs_inode_read(ino, off, buf, size) != (long)size)
		return false;
	for (uint64_t at = 0; at + 12 <= size;) {
		uint32_t namesz, descsz, type;
		memcpy(&namesz, buf + at, 4);
		memcpy(&descsz, buf + at + 4, 4);
		memcpy(&type, buf + at + 8, 4);
		uint64_t name = at + 12,
			 desc = name + ((namesz + 3ull) & ~3ull);
		if (desc > size)
			return false;
		if (type == NT_TESSERA_POSIX && namesz == 8 &&
		    !memcmp(buf + name, "Tessera", 8))
			return true;
		at = desc + ((descsz + 3ull) & ~3ull);
	}
	return false;
}

long program_check(struct inode *ino, const char *path, struct program *pg)
{
	uint64_t size = fs_inode_size(ino);
	struct elf64_ehdr *eh = &pg->eh;
	const char *why;

	memset(pg, 0, sizeof(*pg));
	pg->ino = ino;
	if (size < sizeof(*eh) ||
	    fs_inode_read(ino, 0, eh, sizeof(*eh)) != (long)sizeof(*eh))
		return -ENOEXEC; /* too short to be anything: no log line */
	if (memcmp(eh->ident, "\177ELF", 4))
		return -ENOEXEC;
	/* lib/elf64.h checks an ET_EXEC; a static-PIE passes the same
	 * checks as one. */
	struct elf64_ehdr h = *eh;
	if (h.type == ET_DYN)
		h.type = ET_EXEC;
	if ((why = elf64_check_header(&h, size)))
		return refuse(path, why);
	if (eh->phnum > EXEC_MAX_PHDRS)
		return refuse(path, "too many program headers");
	if (fs_inode_read(ino, eh->phoff, pg->ph,
			  eh->phnum * sizeof(pg->ph[0])) !=
	    (long)(eh->phnum * sizeof(pg->ph[0])))
		return refuse(path,
			      "program headers run past the end of the file");

	/* An interpreter means a dynamically linked program. */
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &pg->ph[i];
		if (p->type == PT_INTERP) {
			char interp[96] = "?";
			uint64_t n = p->filesz < sizeof(interp) - 1
					 ? p->filesz
					 : sizeof(interp) - 1;
			if (p->offset <= size && n <= size - p->offset &&
			    fs_inode_read(ino, p->offset, interp, n) >= 0)
				interp[n] = 0;
			char msg[160];
			snprintf(msg, sizeof(msg),
				 "dynamically linked (interpreter %s): only "
				 "static programs run here",
				 interp);
			return refuse(path, msg);
		}
		if (p->type == PT_NOTE && p->offset <= size &&
		    p->filesz <= size - p->offset &&
		    has_tessera_note(ino, p->offset, p->filesz))
			pg->native = true;
	}

	/* Where it goes: a static-PIE is moved so its lowest page is at
	 * EXEC_PIE_BASE. */
	uint64_t lowest = ~0ull;
	for (unsigned i = 0; i < eh->phnum; i++)
		if (pg->ph[i].type == PT_LOAD &&
		    PAGE_DOWN(pg->ph[i].vaddr) < lowest)
			lowest = PAGE_DOWN(pg->ph[i].vaddr);
	if (lowest == ~0ull)
		return refuse(path, "no loadable segment");
	if (eh->type == ET_DYN) {
		if (lowest > EXEC_PIE_BASE)
			return refuse(path, "a position-independent program "
					    "that wants high addresses");
		pg->bias = EXEC_PIE_BASE - lowest;
	}

	bool entry_ok = false;
	for (unsigned i = 0; i < eh->phnum; i++) {
		struct elf64_phdr p = pg->ph[i];
		if (p.type != PT_LOAD)
			continue;
		if (p.vaddr + pg->bias < p.vaddr)
			return refuse(path, "a segment's address wraps around");
		p.vaddr += pg->bias;
		if ((why = elf64_check_segment(&p, size, PAGE, TASK_MMAP_BASE)))
			return refuse(path, why);
		if ((p.vaddr & (PAGE - 1)) != (p.offset & (PAGE - 1)))
			return refuse(
			    path,
			    "a segment's address and file offset disagree");
		for (unsigned j = 0; j < i; j++) {
			const struct elf64_phdr *q = &pg->ph[j];
			if (q->type != PT_LOAD || !q->memsz || !p.memsz)
				continue;
			uint64_t qs = PAGE_DOWN(q->vaddr + pg->bias),
				 qe = PAGE_UP(q->vaddr + pg->bias + q->memsz);
			if (PAGE_DOWN(p.vaddr) < qe &&
			    qs < PAGE_UP(p.vaddr + p.memsz))
				return refuse(path, "two segments overlap");
		}
		if ((p.flags & PF_X) && eh->entry + pg->bias >= p.vaddr &&
		    eh->entry + pg->bias < p.vaddr + p.memsz)
			entry_ok = true;
		if (p.offset <= eh->phoff && eh->phoff - p.offset < p.filesz)
			pg->phdr = p.vaddr + (eh->phoff - p.offset);
		if (PAGE_UP(p.vaddr + p.memsz) > pg->brk)
			pg->brk = PAGE_UP(p.vaddr + p.memsz);
	}
	if (!entry_ok)
		return refuse(
		    path,
		    "the entry point is outside every executable segment");
	for (unsigned i = 0; i < eh->phnum; i++)
		if (pg->ph[i].type == PT_PHDR)
			pg->phdr = pg->ph[i].vaddr + pg->bias;
	pg->entry = eh->entry + pg->bias;
	return 0;
}

/* ------------------------------------------------------------ loading */

/*
 * The program's areas: each loadable segment's file bytes as a private
 * file area; the part of bss in the last file page reads as zeros there
 * (file_end); the whole bss pages above it, from the next page boundary,
 * are anonymous memory.
 */
static long program_map(struct mm *mm, const struct program *pg)
{
	for (unsigned i = 0; i < pg->eh.phnum; i++) {
		const struct elf64_phdr *p = &pg->ph[i];
		if (p->type != PT_LOAD || !p->memsz)
			continue;
		uint64_t vaddr = p->vaddr + pg->bias;
		uint32_t prot = (p->flags & PF_R ? PX_PROT_READ : 0) |
				(p->flags & PF_W ? PX_PROT_WRITE : 0) |
				(p->flags & PF_X ? PX_PROT_EXEC : 0);
		uint64_t start = PAGE_DOWN(vaddr);
		uint64_t file_top = PAGE_UP(vaddr + p->filesz);
		uint64_t mem_top = PAGE_UP(vaddr + p->memsz);
		if (p->filesz) {
			struct vm_backing b = {.kind = VMA_FILE,
					       .ino = pg->ino,
					       .offset =
						   p->offset - (vaddr - start),
					       .file_end = vaddr + p->filesz};
			long r = vm_map(mm, start, file_top, prot,
					PX_MAP_PRIVATE, &b);
			if (r)
				return r;
		} else {
			file_top = start;
		}
		if (mem_top > file_top) {
			long r = vma_add(mm, file_top, mem_top, prot,
					 PX_MAP_PRIVATE, VMA_ANON);
			if (r)
				return r;
		}
	}
	mm->brk_start = mm->brk = pg->brk;
	return 0;
}

static long put_word(struct mm *mm, uint64_t *at, uint64_t w)
{
	long r = mm_copy_out(mm, *at, &w, 8);
	*at += 8;
	return r ? -EFAULT : 0;
}

/* argv[] or envp[] and its NULL, pointing at the strings copied to
 * `strings`. */
static long put_vector(struct mm *mm, uint64_t *at, const struct strlist *s,
		       uint64_t strings)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (put_word(mm, at, strings + s->off[i]))
			return -EFAULT;
	return put_word(mm, at, 0);
}

/* The native stack: argc, argv[], NULL, envp[], NULL, then the strings. */
static long stack_native(struct mm *mm, const struct strlist *args,
			 const struct strlist *envs, uint64_t *sp_out)
{
	uint64_t top = TASK_STACK_TOP, strings, sp;
	strings = (top - args->used - envs->used) & ~15ul;
	sp = (strings - (args->n + envs->n + 3) * 8) & ~15ul;
	if (mm_copy_out(mm, strings, args->buf, args->used) ||
	    mm_copy_out(mm, strings + args->used, envs->buf, envs->used))
		return -EFAULT;
	uint64_t at = sp;
	if (put_word(mm, &at, args->n) || put_vector(mm, &at, args, strings) ||
	    put_vector(mm, &at, envs, strings + args->used))
		return -EFAULT;
	*sp_out = sp;
	return 0;
}

static uint64_t hwcap(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid"
			 : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	return d;
}

/*
 * The Linux stack, from the top: the program's path (AT_EXECFN), the
 * platform string, 16 random bytes (AT_RANDOM), the argument and
 * environment strings; then, 16-byte aligned at rsp: argc, argv[], NULL,
 * envp[], NULL, the auxiliary vector ending with AT_NULL.
 */
static long stack_linux(struct mm *mm, const struct program *pg,
			const struct strlist *args, const struct strlist *envs,
			const char *execfn, uint64_t *sp_out)
{
	static const char platform[] = "x86_64";
	size_t fnlen = strlen(execfn) + 1;
	uint64_t at_execfn = (TASK_STACK_TOP - fnlen) & ~7ul;
	uint64_t at_platform = (at_execfn - sizeof(platform)) & ~7ul;
	uint64_t at_random = (at_platform - 16) & ~15ul;
	uint64_t strings = (at_random - args->used - envs->used) & ~15ul;
	uint8_t rnd[16];

	random_bytes(rnd, sizeof(rnd));
	if (mm_copy_out(mm, at_execfn, execfn, fnlen) ||
	    mm_copy_out(mm, at_platform, platform, sizeof(platform)) ||
	    mm_copy_out(mm, at_random, rnd, sizeof(rnd)) ||
	    mm_copy_out(mm, strings, args->buf, args->used) ||
	    mm_copy_out(mm, strings + args->used, envs->buf, envs->used))
		return -EFAULT;

	const uint64_t auxv[][2] = {
	    {LX_AT_PHDR, pg->phdr},
	    {LX_AT_PHENT, sizeof(struct elf64_phdr)},
	    {LX_AT_PHNUM, pg->eh.phnum},
	    {LX_AT_PAGESZ, PAGE},
	    {LX_AT_BASE, 0},
	    {LX_AT_FLAGS, 0},
	    {LX_AT_ENTRY, pg->entry},
	    {LX_AT_UID, 0},
	    {LX_AT_EUID, 0},
	    {LX_AT_GID, 0},
	    {LX_AT_EGID, 0},
	    {LX_AT_SECURE, 0},
	    {LX_AT_HWCAP, hwcap()},
	    {LX_AT_HWCAP2, 0},
	    {LX_AT_CLKTCK, 100},
	    {LX_AT_PLATFORM, at_platform},
	    {LX_AT_RANDOM, at_random},
	    {LX_AT_EXECFN, at_execfn},
	    {LX_AT_NULL, 0},
	};
	uint64_t words = 1 + args->n + 1 + envs->n + 1 +
			 2 * (sizeof(auxv) / sizeof(auxv[0]));
	uint64_t sp = (strings - words * 8) & ~15ul;
	uint64_t at = sp;
	if (put_word(mm, &at, args->n) || put_vector(mm, &at, args, strings) ||
	    put_vector(mm, &at, envs, strings + args->used))
		return -EFAULT;
	for (size_t i = 0; i < sizeof(auxv) / sizeof(auxv[0]); i++)
		if (put_word(mm, &at, auxv[i][0]) ||
		    put_word(mm, &at, auxv[i][1]))
			return -EFAULT;
	*sp_out = sp;
	return 0;
}

long program_load(struct mm *mm, const struct program *pg,
		  const struct strlist *args, const struct strlist *envs,
		  const char *execfn, struct exregs *x)
{
	uint64_t sp;
	long r;

	if (!pg->native && args->used + envs->used > TASK_STACK_SIZE / 4)
		return -E2BIG;
	if ((r = program_map(mm, pg)))
		return r;
	if ((r = vma_add(mm, TASK_STACK_TOP - TASK_STACK_SIZE, TASK_STACK_TOP,
			 PX_PROT_READ | PX_PROT_WRITE,
			 PX_MAP_PRIVATE | PX_MAP_GROWSDOWN, VMA_ANON)))
		return r;
	if (pg->native) {
		if ((r = vma_add(mm, TASK_UTCB_BASE,
				 TASK_UTCB_BASE + TASK_UTCB_PAGES * PAGE,
				 PX_PROT_READ | PX_PROT_WRITE,
				 PX_MAP_PRIVATE | VMA_UTCB, VMA_ANON)) ||
		    (r = stack_native(mm, args, envs, &sp)))
			return r;
	} else if ((r = stack_linux(mm, pg, args, envs, execfn, &sp))) {
		return r;
	}
	memset(x, 0, sizeof(*x));
	x->rip = pg->entry;
	x->rsp = sp;
	x->rflags = 0x202;
	if (pg->native) {
		x->rdi = sp;
		x->rsi = mm0.tid;
	}
	return 0;
}

/* ------------------------------------------------------------ scripts */

long script_interp(struct inode *ino, char *interp, size_t isize, char *arg,
		   size_t asize)
{
	char line[PX_PATH_MAX + 2];
	long n = fs_inode_read(ino, 0, line, sizeof(line) - 1);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = 0;
	char *end = memchr(line, '\n', (size_t)n);
	if (!end) {
		if (n == sizeof(line) - 1)
			return -ENOEXEC; /* the #! line is too long */
		end = line + n;
	}
	*end = 0;
	char *p = line + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	char *name = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (p == name)
		return -ENOEXEC;
	size_t len = (size_t)(p - name);
	if (len >= isize)
		return -ENAMETOOLONG;
	memcpy(interp, name, len);
	interp[len] = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	char *q = p + strlen(p);
	while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r'))
		*--q = 0;
	if (strlen(p) >= asize)
		return -ENAMETOOLONG;
	strcpy(arg, p);
	return 1;
}
