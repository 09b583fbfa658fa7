/*
 * test8's shared board: a System V shm segment (key TEST8_KEY, one page)
 * that test0 makes and fills in before it execs /bin/test8, and that each
 * of test8's eight processes attaches.  Each process records the areas
 * of its round that failed; test0 reads the board afterwards and prints
 * the results (user/posix/test0/concurrent.c).
 */
#ifndef TEST8_BOARD_H
#define TEST8_BOARD_H

#include <tess.h>

#define TEST8_KEY 0x7e57c8
#define TEST8_FORKS 3
#define TEST8_PROCS (1 << TEST8_FORKS)
#define TEST8_THREADS 20 /* per process */
#define TEST8_MUTEX_ROUNDS 50

/* The areas of a round, bits of board.bad[]. */
enum test8_area {
	A_FILE,
	A_DIR,
	A_MMAP,
	A_SHM,
	A_CLONE,
	A_MUTEX,
	A_EXEC,
	A_COUNT
};

struct test8_board {
	struct tess_mutex lock;
	volatile int counter; /* TEST8_MUTEX_ROUNDS per process, under lock */
	/* Held from the start; the 160th thread to arrive lets go, and each
	 * thread passes it on: the threads wait asleep, not spinning. */
	struct tess_mutex gate;
	volatile int alive;		    /* threads alive now */
	volatile int most;		    /* the most alive at once */
	volatile int ran[TEST8_PROCS];	    /* processes that ran a round */
	volatile unsigned bad[TEST8_PROCS]; /* bit a: area a failed */
};

#endif
