/* The parts of ELF64 the kernel reads to start the root task. */
#ifndef CORE_ELF_H
#define CORE_ELF_H

#include "kernel.h"
#include "lib/elf64.h"

/*
 * Check that `img` (size bytes) is an x86_64 executable whose program
 * headers and loadable segments lie inside the image and below `user_top`.
 * Returns NULL if it is, or a message saying what is wrong.
 */
const char *elf_check(const u8 *img, u64 size, u64 user_top);

#endif
