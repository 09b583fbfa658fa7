/*
 * User program start: the kernel (for the root task) or the loader puts
 * the stack in rsp and one argument in rdi.  Align the stack as the SysV
 * ABI wants, call main(arg), and exit with its result.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call __libc_start
	ud2

	.section .note.GNU-stack, "", @progbits
