/* The parts of ELF64 the kernel reads to start the root task. */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include "kernel.h"

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/*
 * Check that `img` (size bytes) is an x86_64 executable whose program
 * headers and loadable segments lie inside the image and below `user_top`.
 * Returns NULL if it is, or a message saying what is wrong.
 */
const char *elf_check(const u8 *img, u64 size, u64 user_top);

#endif
