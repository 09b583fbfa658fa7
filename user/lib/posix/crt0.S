/*
 * The entry of a POSIX program.  mm0 starts the first thread with
 *   rsp = rdi = the argument vector: argc, argv[0..argc-1], NULL,
 *               envp..., NULL (8 bytes each)
 *   rsi = mm0's thread id, rdx = the thread's UTCB address.
 * The C side (start.c) takes those three as its arguments.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp		/* the outermost frame, for debuggers */
	andq $-16, %rsp		/* the SysV ABI's alignment at a call */
	call __posix_start	/* (vector, pager tid, utcb): never returns */
	ud2

	.section .note.GNU-stack, "", @progbits
