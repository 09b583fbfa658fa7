/*
 * ELF64 images of pagers: checking one, and the page-by-page view the
 * loader (container.c) uses.  The image is a boot module, so untrusted:
 * every offset and size is checked against the file before it is used,
 * with no arithmetic that can overflow.
 *
 * Two segments may share a page (the end of one, the start of the next):
 * such a page is loaded once, with the bytes of both and the union of
 * their rights.
 */
#include <string.h>
#include "root.h"
#include "lib/elf64.h"

#define ELF_MAX_SEGMENT_PAGES 4096 /* 16 MiB: more than a pager needs */

static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE_SIZE - 1);
}

/* The first page after the segment (its end rounded up). */
static uint64_t seg_end_page(const struct elf_segment *s)
{
	return page_down(s->vaddr + s->memsz - 1) + PAGE_SIZE;
}

/* The shared checks (lib/elf64.h), and a pager's size limit. */
static const char *check_segment(const struct elf64_phdr *ph, uint64_t size,
				 uint64_t lo, uint64_t hi)
{
	const char *err = elf64_check_segment(ph, size, lo, hi);
	if (err)
		return err;
	if (ph->memsz / PAGE_SIZE >= ELF_MAX_SEGMENT_PAGES)
		return "a segment is larger than 16 MiB";
	return NULL;
}

const char *elf_check(const uint8_t *file, uint64_t size, uint64_t lo,
		      uint64_t hi, struct elf_image *img)
{
	struct elf64_ehdr eh;
	const char *err;
	int entry_ok = 0;

	memset(img, 0, sizeof(*img));
	if (size < sizeof(eh))
		return "shorter than an ELF header";
	memcpy(&eh, file, sizeof(eh));
	if ((err = elf64_check_header(&eh, size)))
		return err;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		struct elf_segment *s;

		memcpy(&ph, file + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if ((err = check_segment(&ph, size, lo, hi)))
			return err;
		if (img->n == ELF_MAX_SEGMENTS)
			return "too many loadable segments";
		s = &img->seg[img->n++];
		s->vaddr = ph.vaddr;
		s->memsz = ph.memsz;
		s->offset = ph.offset;
		s->filesz = ph.filesz;
		s->rights = RIGHT_PAGE_READ |
			    (ph.flags & PF_W ? RIGHT_PAGE_WRITE : 0) |
			    (ph.flags & PF_X ? RIGHT_PAGE_EXEC : 0);
		if ((ph.flags & PF_X) && eh.entry >= ph.vaddr &&
		    eh.entry - ph.vaddr < ph.memsz)
			entry_ok = 1;
	}
	if (img->n == 0)
		return "no loadable segment";
	if (!entry_ok)
		return "the entry point is not in an executable segment";
	img->file = file;
	img->size = size;
	img->entry = eh.entry;
	return NULL;
}

static int covers(const struct elf_segment *s, uint64_t va)
{
	return va >= page_down(s->vaddr) && va < seg_end_page(s);
}

int elf_page_seen(const struct elf_image *img, unsigned before, uint64_t va)
{
	for (unsigned j = 0; j < before; j++)
		if (covers(&img->seg[j], va))
			return 1;
	return 0;
}

uint64_t elf_page_count(const struct elf_image *img)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < img->n; i++) {
		const struct elf_segment *s = &img->seg[i];
		for (uint64_t va = page_down(s->vaddr); va < seg_end_page(s);
		     va += PAGE_SIZE)
			if (!elf_page_seen(img, i, va))
				n++;
	}
	return n;
}

unsigned elf_page_rights(const struct elf_image *img, uint64_t va)
{
	unsigned r = 0;
	for (unsigned i = 0; i < img->n; i++)
		if (covers(&img->seg[i], va))
			r |= img->seg[i].rights;
	return r;
}

void elf_fill_page(const struct elf_image *img, uint64_t va, uint8_t *page)
{
	for (unsigned i = 0; i < img->n; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t lo = va > s->vaddr ? va : s->vaddr;
		uint64_t hi = va + PAGE_SIZE;
		if (hi > s->vaddr + s->filesz)
			hi = s->vaddr + s->filesz;
		if (lo < hi)
			memcpy(page + (lo - va),
			       img->file + s->offset + (lo - s->vaddr),
			       hi - lo);
	}
}
