/*
 * bsstest: bss laid out on purpose (link.ld), run by test0.  The data
 * segment's last page holds initialized data up to 0x980 and bss after
 * it to the page's end; more bss covers whole pages after that; in the
 * file, the bytes right after the data are not zeros (.bss_shadow).  The
 * seed's rule (Codezero 9b71f2b): the bss in the last data page reads as
 * zeros there, the data before it intact, and the whole pages above are
 * anonymous memory, mapped from the next page boundary.  The exit status
 * has one bit per broken check (BAD_*), 0 if all hold.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "lib/elf64.h"

#define PAGE 4096ul
#define LAST_BYTES 0x980 /* a multiple of any bss alignment: no gap */
#define HEAD_BYTES (PAGE - LAST_BYTES) /* the rest of the page */
#define BSS_PAGES 3
#define DATA_BYTE 0x77
#define DATA_END 0x99 /* the last byte of the data */

#define BAD_LAYOUT 1 /* the layout is not the one chosen */
#define BAD_SHADOW 2 /* the file has no non-zero bytes after the data */
#define BAD_DATA 4   /* the last data page's data is not intact */
#define BAD_HEAD 8   /* bss in the last data page is not zeros */
#define BAD_PAGES 16 /* whole bss pages are not zeros */
#define BAD_ANON 32  /* reading them did not map the zero page */
#define BAD_WRITE 64 /* writes to bss did not stick, or spilled */

static unsigned char last_data[LAST_BYTES]
    __attribute__((section(".data_last"), aligned(1))) = {
	[0 ... LAST_BYTES - 2] = DATA_BYTE, [LAST_BYTES - 1] = DATA_END};
static unsigned char bss_head[HEAD_BYTES]
    __attribute__((section(".bss.head"), aligned(1)));
/* Page aligned by link.ld (an aligned(4096) here would align the whole
 * bss, moving it off the last data page). */
static unsigned char bss_pages[BSS_PAGES * PAGE]
    __attribute__((section(".bss.pages"), aligned(1)));
/* Not loaded: the file bytes after the data's (link.ld). */
__asm__(".section .bss_shadow, \"\", @progbits\n"
	".fill 256, 1, 0xee\n"
	".previous");

static int data_intact(void)
{
	for (unsigned i = 0; i < LAST_BYTES - 1; i++)
		if (last_data[i] != DATA_BYTE)
			return 0;
	return last_data[LAST_BYTES - 1] == DATA_END;
}

static int zeros(const volatile unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The file's bytes right after the data segment's: not all zero? */
static int shadow_in_file(const char *self)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	unsigned char after[64];
	int fd = open(self, O_RDONLY), found = 0;
	if (fd < 0 || read(fd, &eh, sizeof(eh)) != sizeof(eh)) {
		close(fd);
		return 0;
	}
	for (unsigned i = 0; i < eh.phnum; i++) {
		lseek(fd, (off_t)(eh.phoff + i * sizeof(ph)), SEEK_SET);
		if (read(fd, &ph, sizeof(ph)) != sizeof(ph))
			break;
		if (ph.type != PT_LOAD || !(ph.flags & PF_W))
			continue;
		lseek(fd, (off_t)(ph.offset + ph.filesz), SEEK_SET);
		found = read(fd, after, sizeof(after)) == sizeof(after) &&
			!zeros(after, sizeof(after)) &&
			ph.vaddr + ph.filesz == (uint64_t)(uintptr_t)bss_head;
	}
	close(fd);
	return found;
}

int main(int argc, char **argv)
{
	struct px_stats s0, s1;
	int bad = 0;
	uintptr_t last = (uintptr_t)last_data, head = (uintptr_t)bss_head,
		  pages = (uintptr_t)bss_pages;

	if ((last & (PAGE - 1)) || head != last + LAST_BYTES ||
	    (pages & (PAGE - 1)) || pages < head + HEAD_BYTES)
		bad |= BAD_LAYOUT;
	if (argc < 1 || !shadow_in_file(argv[0]))
		bad |= BAD_SHADOW;
	if (!data_intact())
		bad |= BAD_DATA;
	if (!zeros(bss_head, HEAD_BYTES))
		bad |= BAD_HEAD;
	posix_stats(&s0);
	if (!zeros(bss_pages, BSS_PAGES * PAGE))
		bad |= BAD_PAGES;
	posix_stats(&s1);
	if (s1.zero_page_maps - s0.zero_page_maps != BSS_PAGES)
		bad |= BAD_ANON;
	memset(bss_head, 0x5a, HEAD_BYTES);
	memset(bss_pages, 0xa5, BSS_PAGES * PAGE);
	if (!data_intact() || bss_head[HEAD_BYTES - 1] != 0x5a ||
	    bss_pages[0] != 0xa5 || bss_pages[BSS_PAGES * PAGE - 1] != 0xa5)
		bad |= BAD_WRITE;
	return bad;
}
