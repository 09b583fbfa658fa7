/*
 * Capabilities: types, rights, object types for retype, and how
 * capability addresses are read.
 *
 * Capability addresses (cptr).  A cptr names a slot in the caller's root
 * CSpace or in a CSpace reached from it.  It is read as 16-bit digits,
 * from the most significant non-zero digit down to digit 0: every digit but
 * the last indexes a CSpace capability in the CSpace reached so far
 * (starting at the root), the last digit indexes the slot.  So 0x0005 is
 * root slot 5, and 0x000e0005 is slot 5 of the CSpace whose capability is
 * in root slot 14.  Slot 0 of every root CSpace holds a capability to the
 * root CSpace itself, so 0x00000005 and 0x00000000_0005 agree, as in the
 * LLP lab.  A digit beyond the CSpace's size, or a non-final digit that
 * does not name a CSpace capability, is E_BADCAP.
 */
#ifndef TESSERA_CAPS_H
#define TESSERA_CAPS_H

#include <stdint.h>

typedef uint64_t cptr_t;

#define CPTR_DIGIT_BITS 16
#define CPTR_NONE ((cptr_t)-1) /* "no capability" where one is optional */

/* Capability types.  The retypeable ones double as object types. */
enum cap_type {
	CAP_NULL = 0,	 /* an empty slot */
	CAP_UNTYPED = 1, /* free memory: retype it into objects */
	CAP_CSPACE = 2,	 /* a table of 2^n capability slots */
	CAP_THREAD = 3,	 /* a thread */
	CAP_SPACE = 4,	 /* an address space: root page table + cap lists */
	CAP_PDPT = 5,	 /* page-table levels, mapped explicitly */
	CAP_PD = 6,
	CAP_PT = 7,
	CAP_PAGE = 8,	    /* a 4 KiB frame */
	CAP_LARGE_PAGE = 9, /* a 2 MiB frame */
	CAP_CONTAINER = 10, /* a container: id and shared capability list */
	CAP_CONSOLE = 11,   /* the kernel console; badge = colour */
	CAP_WINDOW =
	    12,		/* a region of the screen; badge = max message length */
	CAP_TIMER = 13, /* the tick counter; badge = low bits hidden */
	CAP_DEBUG = 14, /* kernel debugging services */
	CAP_INPUT = 15, /* console input: read what is typed */
	/* Scope capabilities (Codezero): authority over a thread, a space,
	 * a container or the whole system, found implicitly by thread id. */
	CAP_IPC = 16,
	CAP_TCTRL = 17,	  /* thread_control */
	CAP_EXREGS = 18,  /* exchange_registers */
	CAP_CAPCTRL = 19, /* capability_control */
	CAP_MUTEX = 20,	  /* mutex_control */
	CAP_TYPE_COUNT
};
/* The type cap_info reports for a zombie: an object whose deletion was
 * interrupted (docs/ABI.md, Zombies; delete.c). */
#define CAP_ZOMBIE 0xFE

/* Object sizes (log2 bytes) for retype.  CSpace: 2^bits slots of
 * 2^CAP_SLOT_BITS bytes; Untyped: 2^bits bytes; others are fixed. */
#define CAP_SLOT_BITS 6
#define CSPACE_MIN_BITS 1
#define CSPACE_MAX_BITS 12
#define UNTYPED_MIN_BITS 12
#define UNTYPED_MAX_BITS 47
#define THREAD_BITS 13
#define SPACE_BITS 13
#define TABLE_BITS 12
#define PAGE_BITS_4K 12
#define LARGE_PAGE_BITS 21
#define CONTAINER_BITS 12
#define RETYPE_MAX_NUM 4096

/* Rights, per type (the low 16 bits of a capability's rights). */
#define RIGHT_PAGE_READ (1u << 0)  /* Page, Large page: map readable */
#define RIGHT_PAGE_WRITE (1u << 1) /* map writable */
#define RIGHT_PAGE_EXEC (1u << 2)  /* map executable */
#define RIGHT_PAGE_ALL 7u

#define CAN_putchar (1u << 0) /* Window (values from the LLP lab) */
#define CAN_setAttr (1u << 1)
#define CAN_cls (1u << 2)
#define RIGHT_WINDOW_ALL 7u

/* Scope capabilities: the operations each allows. */
#define CAP_IPC_SEND (1u << 0)
#define CAP_IPC_RECV (1u << 1)
#define CAP_IPC_SHORT (1u << 2)
#define CAP_IPC_FULL (1u << 3)
#define CAP_IPC_EXTENDED (1u << 4)
#define CAP_IPC_ALL 0x1fu

#define CAP_TCTRL_CREATE (1u << 0)
#define CAP_TCTRL_DESTROY (1u << 1)
#define CAP_TCTRL_RUN (1u << 2)
#define CAP_TCTRL_SUSPEND (1u << 3)
#define CAP_TCTRL_RECYCLE (1u << 4)
#define CAP_TCTRL_WAIT (1u << 5)
#define CAP_TCTRL_ALL 0x3fu

#define CAP_EXREGS_RW_PAGER (1u << 0)
#define CAP_EXREGS_RW_UTCB (1u << 1)
#define CAP_EXREGS_RW_SP (1u << 2)
#define CAP_EXREGS_RW_PC (1u << 3)
#define CAP_EXREGS_RW_REGS (1u << 4) /* general registers, flags, TLS bases */
#define CAP_EXREGS_ALL 0x1fu

#define CAP_CAPCTRL_READ (1u << 0)
#define CAP_CAPCTRL_SHARE (1u << 1)
#define CAP_CAPCTRL_GRANT (1u << 2)
#define CAP_CAPCTRL_REPLICATE (1u << 3)
#define CAP_CAPCTRL_SPLIT (1u << 4)
#define CAP_CAPCTRL_DEDUCE (1u << 5)
#define CAP_CAPCTRL_DESTROY (1u << 6)
#define CAP_CAPCTRL_REVOKE (1u << 7)
#define CAP_CAPCTRL_ALL 0xffu

#define CAP_MUTEX_LOCK (1u << 0)
#define CAP_MUTEX_UNLOCK (1u << 1)
#define CAP_MUTEX_ALL 3u

/* Generic rights on scope capabilities (Codezero's bits, enforced). */
#define CAP_CHANGEABLE (1u << 28)   /* may be deduced, split, destroyed */
#define CAP_TRANSFERABLE (1u << 29) /* may be granted or shared */
#define CAP_REPLICABLE (1u << 30)   /* may be replicated */
#define CAP_GENERIC_ALL (CAP_CHANGEABLE | CAP_TRANSFERABLE | CAP_REPLICABLE)
#define CAP_IMMUTABLE 0u
#define CAP_OPS_MASK 0xffffu

/* The scope of a scope capability: whom it covers. */
enum cap_scope {
	SCOPE_THREAD = 1,    /* resid = a thread id */
	SCOPE_SPACE = 2,     /* resid = a space id */
	SCOPE_CONTAINER = 3, /* resid = a container id */
	SCOPE_SYSTEM = 4,    /* every container (the root task's) */
};

/* What cap_info() reports about one capability. */
struct cap_info {
	uint32_t type; /* enum cap_type */
	uint32_t rights;
	uint64_t badge;	 /* console colour, window length, timer bits */
	uint64_t paddr;	 /* Untyped, Page, table: physical address */
	uint32_t bits;	 /* Untyped: size; CSpace: slots; others: object size */
	uint32_t mapped; /* Page/table: 1 if currently mapped */
	uint64_t vaddr;	 /* where it is mapped */
	uint32_t spid;	 /* Space: its id; mapped Page/table: the space's id */
	uint32_t children; /* number of CDT children */
};

#endif
