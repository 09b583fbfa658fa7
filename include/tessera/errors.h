/*
 * Error codes returned by every Tessera system call.
 *
 * A system call returns 0 (or a non-negative result) on success and the
 * negation of one of these codes on failure: `return -E_BADCAP;`.  Every
 * code is documented once, in docs/ABI.md.  The names carry an underscore
 * so that they never collide with the POSIX errno names of a user libc.
 */
#ifndef TESSERA_ERRORS_H
#define TESSERA_ERRORS_H

enum tess_error {
	E_OK = 0,
	E_INVAL = 1,	/* an argument is malformed (bad flag, bad op code) */
	E_BADCAP = 2,	/* the capability address does not resolve to a slot */
	E_CAPTYPE = 3,	/* the slot holds a capability of the wrong type */
	E_RIGHTS = 4,	/* the capability lacks a right the operation needs */
	E_OCCUPIED = 5, /* a destination slot is not empty */
	E_EMPTY = 6,	/* a source slot is empty */
	E_NOMEM = 7,	/* the untyped object has too little free memory */
	E_RANGE = 8,	/* a number is outside its allowed range */
	E_ALIGN = 9,	/* an address or size is not aligned as required */
	E_MAPPED = 10,	/* something is already mapped there */
	E_NOTMAPPED = 11, /* nothing is mapped there, or a table is missing */
	E_REVOKEFIRST =
	    12,		 /* the object has derived capabilities or children */
	E_FAULT = 13,	 /* a user pointer is not readable/writable */
	E_NOSYS = 14,	 /* no such operation */
	E_NOCAP = 15,	 /* no scope capability authorizes the operation */
	E_NOTHREAD = 16, /* no live thread has that id */
	E_BUSY = 17,	 /* the object is in a state that forbids this now */
	E_PERM = 18,   /* the operation is refused (immutable cap, not pager) */
	E_ACTIVE = 19, /* the target thread must be stopped first */
	E_LIMIT = 20,  /* a kernel table (ids, address-space ids) is full */
	E_ABORTED = 21,	   /* the IPC partner went away during the operation */
	E_NOCHILD = 22,	   /* wait: no child thread to wait for */
	E_TOOBIG = 23,	   /* a length is larger than the maximum */
	E_SELF = 24,	   /* the operation may not name the caller itself */
	E_WOULDBLOCK = 25, /* non-blocking operation could not complete now */
	E_EXISTS = 26,	   /* the id is already in use */
	E_NOBUF = 27,	   /* the thread has no IPC buffer (UTCB) */
	E_TIMEOUT = 28, /* the deadline passed before the operation completed */
	E_ERROR_MAX = 29
};

#endif
