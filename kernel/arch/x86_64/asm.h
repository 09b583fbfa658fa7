/* Constants shared by the assembly files and C (guarded by __ASSEMBLER__). */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define KERNEL_VBASE 0xFFFFFFFF80000000
#define PHYSMAP_BASE 0xFFFF800000000000
/* User rip, FS and GS bases must be below this (canonical addresses). */
#define USER_CANONICAL_END 0x0000800000000000

/* GDT selectors; the order is fixed by syscall/sysret (see gdt.c). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS 0x28

#endif
