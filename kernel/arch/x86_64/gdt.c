/*
 * GDT and TSS.
 *
 * The selector order is fixed by syscall/sysret: STAR[47:32] = SEL_KCODE
 * gives kernel CS (0x08) and SS (0x10); STAR[63:48] = 0x10 gives sysret's
 * user SS = 0x10 + 8 = 0x18 | 3 and user CS = 0x10 + 16 = 0x20 | 3.
 * The TSS supplies rsp0 (the current thread's kernel stack top) for
 * interrupts and exceptions taken in user mode, and an IST stack for double
 * faults so that a kernel stack overflow still reports.
 *
 * LDTR holds the null selector on every CPU: a selector with the table bit
 * set (an LDT selector) then raises #GP wherever it is used.  Left as the
 * processor's reset state, the LDT would be based at linear address 0,
 * user memory: a thread could write its own descriptors there, a call
 * gate into ring 0 among them.  Nothing here is per-CPU but the TSS;
 * gdt_init runs once on each CPU.
 */
#include "cpu.h"
#include "arch.h"

struct tss tss;
static u64 gdt[7];
static u8 df_stack[4096] __attribute__((aligned(16)));

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

void gdt_init(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;

	gdt[0] = 0;
	gdt[1] = 0x00209a0000000000ull; /* 0x08 kernel code, 64-bit */
	gdt[2] = 0x0000920000000000ull; /* 0x10 kernel data */
	gdt[3] = 0x0000f20000000000ull; /* 0x18 user data, DPL 3 */
	gdt[4] = 0x0020fa0000000000ull; /* 0x20 user code, 64-bit, DPL 3 */
	/* 0x28: 64-bit available TSS, two slots */
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;

	tss.ist[0] = (u64)df_stack + sizeof(df_stack);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: all ports denied */

	struct desc_ptr p = {sizeof(gdt) - 1, (u64)gdt};
	/* DS and ES are null: 64-bit mode does not use them, and user mode
	 * then finds no kernel selector in them. */
	__asm__ volatile("lgdt %0\n\t"
			 "movw %w4, %%ds\n\t"
			 "movw %w4, %%es\n\t"
			 "movw %w1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3\n\t"
			 "lldt %w4" /* the null selector: no LDT */
			 :
			 : "m"(p), "r"(SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS),
			   "r"(0)
			 : "rax", "memory");
}
