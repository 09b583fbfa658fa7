/*
 * The ELF64 file format, as far as Tessera reads it: the file header and
 * the program headers of x86_64 executables.  Shared by the kernel (the
 * root task's image), the root task (pagers' images) and mm0 (programs).
 */
#ifndef LIB_ELF64_H
#define LIB_ELF64_H

#include <stdint.h>

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/*
 * The checks every loader makes on a file of `size` bytes, whose header
 * (size >= sizeof(struct elf64_ehdr)) it has read: 0 if they pass, else
 * what is wrong.  A loader adds its own limits on top.
 */

/* A little-endian ELF64 x86_64 executable whose program headers lie
 * inside the file. */
static inline const char *elf64_check_header(const struct elf64_ehdr *eh,
					     uint64_t size)
{
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' ||
	    eh->ident[2] != 'L' || eh->ident[3] != 'F')
		return "not an ELF file (bad magic)";
	if (eh->ident[4] != 2 || eh->ident[5] != 1)
		return "not a 64-bit little-endian ELF file";
	if (eh->type != ET_EXEC)
		return "not an executable (ELF type is not EXEC)";
	if (eh->machine != EM_X86_64)
		return "not an x86-64 program";
	if (eh->phentsize != sizeof(struct elf64_phdr))
		return "unexpected program header size";
	if (eh->phnum == 0)
		return "no program headers";
	if (eh->phoff > size ||
	    (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
		return "program headers run past the end of the file";
	return 0;
}

/* A loadable segment whose bytes lie inside the file and whose memory
 * lies inside [lo, hi). */
static inline const char *elf64_check_segment(const struct elf64_phdr *ph,
					      uint64_t size, uint64_t lo,
					      uint64_t hi)
{
	if (ph->filesz > ph->memsz)
		return "a segment's file size exceeds its memory size";
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return "a segment's bytes run past the end of the file";
	if (ph->vaddr < lo || ph->vaddr >= hi || ph->memsz > hi - ph->vaddr)
		return "a segment lies outside the addresses it may use";
	return 0;
}

#endif
