/*
 * mm0: the POSIX container's pager.
 *
 * mm0 owns the container's memory (an Untyped) and pages every POSIX
 * process: it loads programs, serves their page faults (demand paging, a
 * shared zero page, copy-on-write after fork), runs fork/clone/exec/exit/
 * wait, mmap and shared memory, and the in-memory file system (fs.h).
 * Processes talk to it with the protocol in tessera/posix.h.
 *
 * Memory.  Every frame mm0 hands out comes from its frame pool (frames.c):
 * a Page object whose master capability is mapped in mm0's own space (so
 * mm0 reads and writes any frame directly) and whose copies map it into
 * processes, one copy per mapping.  Kernel objects (threads, spaces, page
 * tables) also go back to pools when a process ends, so memory is reused,
 * never leaked: mm0 retypes from its Untyped only when a pool is empty.
 */
#ifndef MM0_H
#define MM0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tess.h>
#include <tessera/pager.h>
#include <tessera/posix.h>

#include "fs.h"

#define PAGE 4096ul
#define PAGE_DOWN(a) ((a) & ~(PAGE - 1))
#define PAGE_UP(a) (((a) + PAGE - 1) & ~(PAGE - 1))

/* Where things are in a POSIX process. */
#define TASK_STACK_TOP 0x00007fff00000000ul
#define TASK_STACK_SIZE (8ul << 20)
#define TASK_UTCB_BASE 0x00007fff40000000ul /* one page per thread */
#define TASK_UTCB_PAGES 64		    /* threads per process, at most */
/* mmap picks addresses from here up. */
#define TASK_MMAP_BASE 0x0000400000000000ul
#define TASK_USER_END 0x00007fff00000000ul

/* Where things are in mm0's own space. */
#define MM0_FRAME_WINDOW 0x0000300000000000ul /* frame i at + i * PAGE */
#define MM0_HEAP_BASE 0x0000280000000000ul

/* ------------------------------------------------------------ globals */

struct mm0_state {
	struct pager_bootinfo *boot;
	uint32_t tid, cid;
	uint64_t untyped_size;
	struct px_stats stats;
};
extern struct mm0_state mm0;

void mm0_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ slots.c */

/* Capability slots: the root CSpace's free slots, then nested CSpaces of
 * 4096 slots made on demand (two-level addresses). */
void slots_init(void);
cptr_t slot_alloc(void);
void slot_free(cptr_t slot);
/* Delete the capability in `slot` and free the slot. */
void slot_delete(cptr_t slot);
/* A new kernel object of `type` in a fresh slot, from mm0's untyped. */
long object_new(unsigned type, unsigned bits, cptr_t *out);

/* ------------------------------------------------------------ frames.c */

typedef uint32_t frame_t;
#define NO_FRAME 0xffffffffu

void frames_init(void);
/* A frame with one reference, zeroed if `zero`. */
long frame_alloc(bool zero, frame_t *out);
void frame_get(frame_t f);
void frame_put(frame_t f);
uint32_t frame_refs(frame_t f);
void *frame_va(frame_t f);
cptr_t frame_cap(frame_t f);
extern frame_t zero_frame;

/* Pools of unused kernel objects (threads, spaces, tables). */
long pool_take(unsigned type, cptr_t *out);
void pool_give(unsigned type, cptr_t cap);
/* Map `page` at `va` in `space`, making the missing tables from the
 * pools; `mapped` (if not NULL) hears of each table mapped. */
long map_with_tables(cptr_t page, cptr_t space, uint64_t va, unsigned rights,
		     void (*mapped)(void *ctx, unsigned type, cptr_t cap),
		     void *ctx);

/* ------------------------------------------------------------ vm.c */

enum vma_kind {
	VMA_ANON,  /* anonymous memory: zero pages, copy on write */
	VMA_FILE,  /* a file's bytes (private: copied on first touch) */
	VMA_SHARED /* pages of a shared object (shm, MAP_SHARED) */
};

struct vm_object; /* shared pages: an shm segment or a file's shared pages */

struct vma {
	uint64_t start, end; /* [start, end), page aligned */
	uint32_t prot;	     /* PX_PROT_* */
	uint32_t flags;	     /* PX_MAP_* */
	enum vma_kind kind;
	struct inode *ino; /* VMA_FILE: the file... */
	uint64_t offset;   /* ...and the file offset of `start` */
	uint64_t file_end; /* VMA_FILE: bytes beyond this address read as 0 */
	struct vm_object *obj; /* VMA_SHARED */
	uint64_t obj_offset;   /* VMA_SHARED: object offset of `start` */
	struct vma *next;      /* sorted by address */
};

/* One page of a process: which frame, whether it is shared copy-on-write,
 * and the capability that maps it there now (0: not mapped yet). */
struct page_entry {
	uint64_t page; /* address >> 12; 0 marks an empty slot (the NULL
			  page is never mapped) */
	frame_t frame;
	uint16_t flags;
	uint16_t spare;
	cptr_t cap;
};
#define PE_COW 1u /* shared with another process: copy before writing */
#define PE_MAPPED_RW 2u
#define PE_SHARED 4u /* a shared object's page: writes go to the frame */

/* A table capability mm0 made for a process, to take back at the end. */
struct table_rec {
	cptr_t cap;
	unsigned type;
};

/* An address space: shared by the threads of a process. */
struct mm {
	uint32_t refs;
	cptr_t space; /* the Space object */
	uint32_t spid;
	struct vma *vmas;
	struct page_entry *pages; /* open-addressing hash table */
	uint32_t npages_slots, npages;
	struct table_rec *tables;
	uint32_t ntables, tables_cap;
	uint64_t brk_start, brk;
	uint64_t mmap_next;
	uint64_t utcb_used; /* bit i: UTCB page i taken */
	bool has_grants;    /* PX_REQUEST_CAPABILITY put capabilities in the
			       space's list: see mm_put */
};

struct task;

long mm_new(struct mm **out);
/* Drop a reference; the last one unmaps everything and pools the space
 * (or deletes it, if it holds granted capabilities). */
void mm_put(struct mm *mm);
/* fork: a copy that shares every page copy-on-write, except the UTCB
 * pages: the kernel reads and writes a UTCB only while it is mapped (it
 * never asks a pager), so they are never copy-on-write.  The parent keeps
 * its UTCBs writable; the child gets a copy of the forking thread's UTCB
 * (at `utcb`), mapped, and no other. */
long mm_clone(struct mm *parent, uint64_t utcb, struct mm **out);
/* Empty the address space (exec): all areas, pages and tables go. */
void mm_clear(struct mm *mm);

struct vma *vma_find(struct mm *mm, uint64_t addr);
long vma_add(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
	     uint32_t flags, enum vma_kind kind);
/* Remove [start, end) from the areas (splitting them), unmapping pages:
 * 0, or -ENOMEM (no room to split an area; nothing changed). */
long vma_remove(struct mm *mm, uint64_t start, uint64_t end);
bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end);

/* Make the page at `addr` present for `access` (FAULT_WRITE/FAULT_EXEC
 * bits), as a fault would: 0, or -EFAULT if the areas do not allow it. */
long mm_fault(struct mm *mm, uint64_t addr, uint32_t access);
/* Copy between mm0's memory and a process's, through its protections. */
long mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t n);
long mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t n);
/* A NUL-terminated string of at most `max` bytes (with the NUL). */
long mm_copy_string(struct mm *mm, char *dst, uint64_t src, size_t max);
/* Write back a shared file mapping's pages in [start, end). */
void mm_sync(struct mm *mm, uint64_t start, uint64_t end);

/* Shared objects. */
struct vm_object *vmo_new(uint64_t size, struct inode *ino);
void vmo_get(struct vm_object *o);
void vmo_put(struct vm_object *o);
/*
 * read() and write() of a file mapped shared go through the file's bytes
 * in the inode, while the mappings use the object's frames: these keep
 * the two one.  Before a read, vmo_file_flush writes the frames back (a
 * store through a mapping is visible to read() at once); after a write,
 * vmo_file_update puts the bytes written into the frames too (mappings
 * see them, and a later writeback does not undo them).  No-ops for a
 * file nobody maps shared.
 */
void vmo_file_flush(struct inode *ino);
void vmo_file_update(struct inode *ino, uint64_t off, const void *buf,
		     size_t n);

/* ------------------------------------------------------------ task.c */

struct process {
	uint32_t pid;
	uint32_t ppid;
	struct mm *mm;
	struct fs_ctx fs;
	uint32_t nthreads;
	bool zombie;
	int status;
	uint32_t waiter;  /* tid blocked in PX_WAIT, or 0 */
	int32_t wait_pid; /* what it waits for (-1: any) */
	uint64_t wait_status_ptr;
	struct process *next;
};

struct task {
	uint32_t tid;
	cptr_t thread; /* the Thread object */
	struct process *proc;
	uint64_t utcb;
	uint32_t utcb_index;
	struct task *next;
};

struct task *task_find(uint32_t tid);
struct process *process_find(uint32_t pid);
long task_start_init(const char *path);
long task_fork(struct task *t, uint32_t *child_pid);
long task_clone(struct task *t, uint64_t flags, uint64_t stack, uint32_t *tid);
long task_execve(struct task *t, uint64_t path, uint64_t argv, uint64_t envp);
/* End the process (all its threads) with `status`. */
void process_exit(struct process *p, int status);
/* End one thread (the process ends with its last thread). */
void task_exit(struct task *t, int status);
long task_wait(struct task *t, int32_t pid, uint64_t status_ptr, bool *replied);
void task_kill(struct task *t, int status, const char *why);

/* ------------------------------------------------------------ mmap.c */

long sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint32_t prot,
	      uint32_t flags, int fd, uint64_t off);
long sys_munmap(struct task *t, uint64_t addr, uint64_t len);
long sys_msync(struct task *t, uint64_t addr, uint64_t len, int flags);
long sys_brk(struct task *t, uint64_t end);
long sys_shmget(struct task *t, long key, uint64_t size, int flags);
long sys_shmat(struct task *t, long id, uint64_t addr, int flags);
long sys_shmdt(struct task *t, uint64_t addr);

/* ------------------------------------------------------------ cap.c */

long caps_setup(void);
long cap_request(struct task *t, uint32_t target);

/* Reply to `tid` with result `r` (for requests answered later). */
void mm0_reply(uint32_t tid, long r);

#endif
