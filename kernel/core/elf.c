/*
 * ELF64 checks for the root task image.  The kernel loads exactly one ELF
 * file, the root task; every later program is loaded by user code.
 */
#include "elf.h"

const char *elf_check(const u8 *img, u64 size, u64 user_top)
{
	const struct elf64_ehdr *eh = (const void *)img;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
		return "not an ELF file";
	if (eh->ident[4] != 2 || eh->ident[5] != 1)
		return "not a little-endian ELF64 file";
	if (eh->type != 2 || eh->machine != 62)
		return "not an x86_64 executable";
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
	    (u64)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		return "bad program header table";
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
			(const void *)(img + eh->phoff + i * sizeof(*ph));
		if (ph->type != PT_LOAD)
			continue;
		if (ph->filesz > ph->memsz || ph->offset > size ||
		    ph->filesz > size - ph->offset)
			return "segment outside the file";
		if (ph->vaddr >= user_top || ph->memsz > user_top - ph->vaddr)
			return "segment outside user space";
	}
	if (eh->entry >= user_top)
		return "entry point outside user space";
	return NULL;
}
