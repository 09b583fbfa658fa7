/*
 * The entry of a POSIX program.  mm0 starts the first thread with
 *   rsp = rdi = the argument vector: argc, argv[0..argc-1], NULL,
 *               envp..., NULL (8 bytes each)
 *   rsi = mm0's thread id, rdx = the thread's UTCB address.
 * The C side (start.c) takes those three as its arguments.
 *
 * The note below marks the program as a native Tessera POSIX program: mm0
 * starts ELF files without it as Linux programs (Linux stack, auxv and
 * system calls).  user.ld keeps it, and ld gives it a PT_NOTE header.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp		/* the outermost frame, for debuggers */
	andq $-16, %rsp		/* the SysV ABI's alignment at a call */
	call __posix_start	/* (vector, pager tid, utcb): never returns */
	ud2

	.section .note.tessera, "a", @note
	.balign 4
	.long 8			/* name size: "Tessera" and its NUL */
	.long 4			/* descriptor size */
	.long 1			/* type: NT_TESSERA_POSIX */
	.asciz "Tessera"
	.balign 4
	.long 1			/* the POSIX protocol's version */

	.section .note.GNU-stack, "", @progbits
