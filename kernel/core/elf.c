/*
 * ELF64 checks for the root task image.  The kernel loads exactly one ELF
 * file, the root task; every later program is loaded by user code.  The
 * checks themselves are the ones every loader shares (lib/elf64.h).
 */
#include "elf.h"

const char *elf_check(const u8 *img, u64 size, u64 user_top)
{
	const struct elf64_ehdr *eh = (const void *)img;
	const char *err;

	if (size < sizeof(*eh))
		return "not an ELF file (too short)";
	if ((err = elf64_check_header(eh, size)))
		return err;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
		    (const void *)(img + eh->phoff + i * sizeof(*ph));
		if (ph->type == PT_LOAD &&
		    (err = elf64_check_segment(ph, size, 0, user_top)))
			return err;
	}
	if (eh->entry >= user_top)
		return "entry point outside user space";
	return NULL;
}
