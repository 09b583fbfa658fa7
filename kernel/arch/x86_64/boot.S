/*
 * Multiboot 1 entry: 32-bit protected mode to 64-bit long mode.
 *
 * The boot loader (QEMU -kernel, or GRUB) jumps to _start32 in 32-bit
 * protected mode with paging off, eax = Multiboot magic, ebx = physical
 * address of the Multiboot info.  We check for long mode, zero the bss,
 * build page tables mapping the first GiB three times (identity, at the
 * physical-memory window and at the kernel's higher-half base), enable PAE
 * and long mode, and jump to kmain() in the higher half.
 */
#include "asm.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* page-align modules, memory map, address fields */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header          /* header_addr (physical: .boot is linked low) */
	.long _kernel_phys_start /* load_addr */
	.long _load_end_phys     /* load_end_addr */
	.long _bss_end_phys      /* bss_end_addr */
	.long _start32           /* entry_addr */

	.section .boot.data, "aw"
	.align 4096
	.globl boot_pml4
boot_pml4:	.fill 512, 8, 0
boot_pdpt_low:	.fill 512, 8, 0
boot_pdpt_high:	.fill 512, 8, 0
boot_pd:	.fill 512, 8, 0
boot_stack:	.fill 1024, 1, 0
boot_stack_top:

	.align 8
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000 /* 0x08: 64-bit code, ring 0 */
	.quad 0x0000920000000000 /* 0x10: data, ring 0 */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

no_lm_msg:
	.asciz "Tessera: this CPU has no long mode (x86_64); halting."

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, %edi              /* Multiboot magic, kept for kmain */
	movl %ebx, %esi              /* Multiboot info (physical) */
	rdtsc                        /* TSC at entry, for the boot-time report */
	movl %eax, %ebp
	movl %edx, %ecx

	/* Long mode present?  CPUID 0x80000001, edx bit 29. */
	pushl %ecx
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	popl %ecx

	/* Zero the bss (the loader should have; do not rely on it). */
	pushl %edi
	pushl %ecx
	movl $_bss_start_phys, %edi
	movl $_bss_end_phys, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	popl %ecx
	popl %edi

	/* One page directory of 2 MiB pages covering the first GiB ... */
	movl $boot_pd, %ebx
	movl $0x83, %eax             /* present, writable, 2 MiB page */
	xorl %edx, %edx
1:	movl %eax, (%ebx, %edx, 8)
	movl $0, 4(%ebx, %edx, 8)
	addl $0x200000, %eax
	incl %edx
	cmpl $512, %edx
	jne 1b
	/* ... reached from PML4[0] (identity), PML4[256] (physical window)
	 * and PML4[511]/PDPT[510] (kernel image at -2 GiB). */
	movl $(boot_pd + 3), boot_pdpt_low
	movl $(boot_pd + 3), boot_pdpt_high + 510 * 8
	movl $(boot_pdpt_low + 3), boot_pml4
	movl $(boot_pdpt_low + 3), boot_pml4 + 256 * 8
	movl $(boot_pdpt_high + 3), boot_pml4 + 511 * 8

	movl %cr4, %eax
	orl $(1 << 5), %eax          /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	pushl %ecx
	movl $0xC0000080, %ecx       /* EFER */
	rdmsr
	orl $(1 << 8), %eax          /* LME */
	wrmsr
	popl %ecx
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	movl %eax, %cr0
	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode

no_long_mode:
	movl $no_lm_msg, %esi
	movl $0xB8000, %edi
2:	lodsb
	testb %al, %al
	jz 3f
	movb %al, (%edi)
	movb $0x4f, 1(%edi)
	addl $2, %edi
	jmp 2b
3:	hlt
	jmp 3b

	.code64
long_mode:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $boot_kstack_top, %rsp
	/* rdi = magic, rsi = info, rdx = entry TSC (ecx:ebp) */
	movl %ecx, %edx
	shlq $32, %rdx
	movl %ebp, %eax
	orq %rax, %rdx
	xorl %ebp, %ebp
	movabsq $kmain, %rax
	callq *%rax
4:	hlt
	jmp 4b

	.bss
	.align 16
	.globl boot_kstack, boot_kstack_top
boot_kstack:
	.fill 16384, 1, 0
boot_kstack_top:

	.section .note.GNU-stack, "", @progbits
