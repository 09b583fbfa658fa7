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

#endif
