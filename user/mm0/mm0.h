/*
 * mm0: the POSIX container's pager.
 *
 * mm0 owns the container's memory (an Untyped) and pages every POSIX
 * process: it loads programs, serves their page faults (demand paging, a
 * shared zero page, copy-on-write after fork), runs fork/clone/exec/exit/
 * wait, mmap and shared memory, and the in-memory file system (fs.h).
 * Processes talk to it with the protocol in tessera/posix.h.
 *
 * Memory.  mm0 cuts its Untyped into chunks (chunks.c), each serving one
 * kind of object at a time and given back to the kernel (reset) when
 * nothing made from it is in use: frames (frames.c: Page objects mapped
 * in mm0's own window, copies of them in processes), its own heap pages,
 * page tables, threads, spaces, and capability slots (slots.c).  Memory a
 * process or a file gives back can so serve any other kind of request.
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
#include "lib/elf64.h"
#include "linux/state.h"

/*
 * A request or Linux call handler's result that is not an answer: the
 * caller gets none now (it waits and is answered later, it is gone, or it
 * runs a new program).  Every handler says "no reply" this one way; an
 * answer is >= 0 (counts, ids, addresses below 2^47) or a negated errno,
 * never this.
 */
#define NO_REPLY (-0x10000002l)

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
#define MM0_PAGED_BASE 0x0000280000000000ul   /* slot maps, then the heap */
#define MM0_HEAP_MAX (64ul << 20)

/* Root CSpace slots of the chunks (chunks.c). */
#define CHUNKS_MAX 1024
#define CHUNK_UT_BASE 1024 /* chunk c's Untyped */
#define CHUNK_CS_BASE 2048 /* chunk c's CSpace */
/* Free chunks requests may not take: they are for page faults. */
#define RESERVE_CHUNKS 2

/* ------------------------------------------------------------ globals */

struct mm0_state {
	struct pager_bootinfo *boot;
	uint32_t tid, cid;
	uint64_t untyped_size;
	bool in_request; /* serving a request, not a fault: it may not take
			    the reserve (chunk_get).  Set it too while
			    serving a Linux system call. */
	struct px_stats stats;
};
extern struct mm0_state mm0;

void mm0_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ chunks.c */

enum chunk_kind {
	CK_NONE,  /* a chunk reset, free for any kind */
	CK_FRAME, /* frames: process pages, file data */
	CK_HEAP,  /* mm0's paged memory (heap, slot maps) */
	CK_PT,	  /* page tables, one level each */
	CK_PD,
	CK_PDPT,
	CK_THREAD,
	CK_SPACE,
	CK_SLOTS, /* one CSpace of 4096 slots (slots.c) */
	CK_KINDS
};

extern unsigned chunk_bits, obj_bits; /* a chunk's size; objects per chunk */

void chunks_init(void);
uint32_t chunk_count_max(void);
/* Root slot of chunk c's CSpace. */
cptr_t chunk_cspace(uint32_t c);
/* A whole chunk retyped for `kind` (slot chunks): 0 or -E_NOMEM. */
long chunk_take(enum chunk_kind kind, uint32_t *c);
/* A whole chunk taken is in use again / has nothing in use any more. */
void chunk_used(uint32_t c);
void chunk_unused(uint32_t c);
/* An object of `kind` (not CK_SLOTS): its id, and whether it is as the
 * kernel made it (never used: zeroed, mapped nowhere).  0 or -E_NOMEM. */
long chunk_obj_take(enum chunk_kind kind, uint32_t *id, bool *fresh);
/* The object is unused (it waits for the next take), or deleted. */
void chunk_obj_give(uint32_t id);
void chunk_obj_drop(uint32_t id);
cptr_t chunk_obj_cap(uint32_t id);
uint32_t chunk_obj_id(cptr_t cap);
/* Give every cache back to the kernel: spare chunks, heap pages, the
 * top of the heap (not from inside malloc: PX_STATS). */
void mem_settle(void);
/* About how many bytes of frames mm0 could still hand out to requests:
 * the chunks free or spare, less the reserve for faults, and the frames
 * waiting in frame chunks.  What a request that will need memory is
 * checked against first. */
uint64_t mem_available(void);
/* Frame counts and the kernel's remaining() of all of mm0's memory. */
void chunks_stats(struct px_stats *s);

/* ------------------------------------------------------------ slots.c */

void slots_init(void);
/* A slot of the root CSpace for good (0 if none is left). */
cptr_t slot_direct(void);
/* A slot (0 if there is no memory for one), given back by slot_free. */
cptr_t slot_alloc(void);
void slot_free(cptr_t slot);
/* Delete the capability in `slot` and free the slot. */
void slot_delete(cptr_t slot);
/* Slot chunk c is given back (chunks.c). */
void slots_chunk_gone(uint32_t c);

/* ------------------------------------------------------------ frames.c */

typedef uint32_t frame_t;
#define NO_FRAME 0xffffffffu

long frames_init(void);
/* A frame with one reference, zeroed if `zero`. */
long frame_alloc(bool zero, frame_t *out);
void frame_get(frame_t f);
void frame_put(frame_t f);
uint32_t frame_refs(frame_t f);
void *frame_va(frame_t f);
cptr_t frame_cap(frame_t f);
extern frame_t zero_frame;
/* The file system's pages (fs_set_pages): frames, seen at frame_va. */
void *file_page_alloc(void);
void file_page_free(void *page);

/* mm0's paged memory: make [start, start + len) present (0, or -1 when
 * there is no memory), or let its whole pages go. */
int paged_commit(void *start, size_t len);
void paged_release(void *start, size_t len);
/* Give the released pages that wait back to their chunks. */
void heap_flush(void);
/* Slot chunk c's map of used slots (512 bytes of paged memory). */
void *slot_map(uint32_t c);

/* Kernel objects for processes (threads, spaces, tables): taken from and
 * given back to their chunks; drop deletes one for good. */
long pool_take(unsigned type, cptr_t *out);
void pool_give(unsigned type, cptr_t cap);
void pool_drop(cptr_t cap);
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

/* vma.flags: PX_MAP_* and mm0's own. */
#define VMA_SHM (1u << 31)  /* a System V shm attachment (shmdt) */
#define VMA_UTCB (1u << 30) /* the UTCB pages: mm0's, not the process's */
#define VMA_MAYWRITE                                                           \
	(1u << 29)    /* shared file mapping: its descriptor could             \
			 write (mprotect may add PROT_WRITE) */
#define VMA_MAX 16384 /* areas per space */

struct vma {
	uint64_t start, end; /* [start, end), page aligned */
	uint32_t prot;	     /* PX_PROT_* */
	uint32_t flags;	     /* PX_MAP_* | VMA_* */
	enum vma_kind kind;
	struct inode *ino; /* VMA_FILE: the file... */
	uint64_t offset;   /* ...and the file offset of `start` */
	uint64_t file_end; /* VMA_FILE: bytes beyond this address read as 0 */
	struct vm_object *obj; /* VMA_SHARED */
	uint64_t obj_offset;   /* VMA_SHARED: object offset of `start` */
	struct vma *next;      /* the next area up, or NULL */
};

/* What backs a new area (vm_map): for VMA_FILE the file and the offset
 * of its start, and the address above which it reads as zeros; for
 * VMA_SHARED the object and the offset of its start.  vm_map takes its
 * own references: the caller keeps its own. */
struct vm_backing {
	enum vma_kind kind;
	struct inode *ino;
	uint64_t offset, file_end;
	struct vm_object *obj;
	uint64_t obj_offset;
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
#define PE_SHARED 4u   /* a shared object's page: writes go to the frame */
#define PE_MAPPED_X 8u /* mapped executable */

/* A table capability mm0 made for a process, to take back at the end. */
struct table_rec {
	cptr_t cap;
	unsigned type;
};

/* An address space: shared by the threads of a process. */
struct mm {
	uint32_t refs;
	cptr_t space;	    /* the Space object */
	struct vma *vmas;   /* the areas by address (vma.c)... */
	struct vma **areas; /* ...and as a sorted array */
	uint32_t nareas, areas_cap;
	struct pe_leaf **leaves; /* its pages, in leaves of 64 (vm.c) */
	uint32_t leaf_slots, nleaves, npages;
	struct table_rec *tables;
	uint32_t ntables, tables_cap;
	uint64_t brk_start, brk;
	uint64_t mmap_next;
	uint64_t utcb_used; /* bit i: UTCB page i taken */
	bool tainted;	    /* its list may hold capabilities mm0 could
			       not take back (cap.c): see mm_put */
};

struct task;

long mm_new(struct mm **out);
/* Drop a reference; the last one unmaps everything and pools the space
 * (or deletes it, if granted capabilities could not be taken back). */
void mm_put(struct mm *mm);
/* fork: a copy that shares every page copy-on-write, except the UTCB
 * pages: the kernel reads and writes a UTCB only while it is mapped (it
 * never asks a pager), so they are never copy-on-write.  The parent keeps
 * its UTCBs writable; the child gets a copy of the forking thread's UTCB
 * (at `utcb`), mapped, and no other. */
long mm_clone(struct mm *parent, uint64_t utcb, struct mm **out);
/* Empty the address space (exec): all areas, pages and tables go. */
void mm_clear(struct mm *mm);

/*
 * Areas (vma.c).  The interface the POSIX and Linux calls use; every
 * range is page aligned and below TASK_USER_END (the callers check), and
 * every call either does all it says or returns an error and changes
 * nothing.
 *
 * vma_find: the area holding addr, or NULL.  vma_next: the first area
 * ending above addr (walk on with ->next).  vma_range_free: no area
 * overlaps [start, end).
 *
 * vm_map: a new area on a free range, with rights `prot` (PX_PROT_*),
 * flags (PX_MAP_* | VMA_*) and backing `b` (NULL: anonymous), merged with
 * its neighbours where alike: 0 or -ENOMEM.
 * vm_map_fixed: the same, replacing whatever was in the range (MAP_FIXED):
 * 0, -ENOMEM, or -EINVAL (it touches the UTCB area).
 * vm_unmap: take [start, end) out, pages and all: 0, -ENOMEM (no room to
 * split an area), -EINVAL (the UTCB area).
 * vm_protect: give [start, end) the rights `prot` (0 is PROT_NONE: every
 * access faults), splitting areas at the ends; pages mapped with rights
 * the range no longer has are unmapped, to fault back in as allowed.
 * 0, -ENOMEM (a hole in the range; no room; a private range made
 * writable beyond what is free), -EINVAL (the UTCB area), -EACCES (write
 * to a shared file mapping whose descriptor could not write), -ETXTBSY
 * (write to a shared mapping of a file a process runs).
 *
 * vma_add (kept for mm0's own callers): an area of `kind` on a free range
 * whose backing the caller then fills in (anonymous areas are merged at
 * once).  vma_remove: vm_unmap without the UTCB check.
 */
struct vma *vma_find(struct mm *mm, uint64_t addr);
struct vma *vma_next(struct mm *mm, uint64_t addr);
bool vma_range_free(struct mm *mm, uint64_t start, uint64_t end);
long vm_map(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
	    uint32_t flags, const struct vm_backing *b);
long vm_map_fixed(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
		  uint32_t flags, const struct vm_backing *b);
long vm_unmap(struct mm *mm, uint64_t start, uint64_t end);
long vm_protect(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot);
long vma_add(struct mm *mm, uint64_t start, uint64_t end, uint32_t prot,
	     uint32_t flags, enum vma_kind kind);
long vma_remove(struct mm *mm, uint64_t start, uint64_t end);
/* fork's copy of every area; exec's and exit's end of them. */
long vma_clone_all(struct mm *to, struct mm *from);
void vma_clear_all(struct mm *mm);
/* The pages of a range (vm.c): dropped (their frames let go), or only
 * unmapped (they fault back in). */
void mm_drop_pages(struct mm *mm, uint64_t start, uint64_t end);
void mm_unmap_pages(struct mm *mm, uint64_t start, uint64_t end);

/* Make the page at `addr` present for `access` (FAULT_WRITE/FAULT_EXEC
 * bits), as a fault would: 0, -EFAULT if the areas do not allow it, or
 * -ENOMEM if there is no memory to serve it. */
long mm_fault(struct mm *mm, uint64_t addr, uint32_t access);
/* The frames only this space holds (what its end would give back). */
uint64_t mm_private_pages(const struct mm *mm);
/* Copy between mm0's memory and a process's, through its protections:
 * all of it (0), or -EFAULT. */
long mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t n);
long mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t n);
/* As much as can be: the bytes copied before the first page that may not
 * be touched (or for which there is no memory); *err says why it
 * stopped (-EFAULT, -ENOMEM), 0 if it did not. */
size_t mm_copy_in_some(struct mm *mm, void *dst, uint64_t src, size_t n,
		       long *err);
size_t mm_copy_out_some(struct mm *mm, uint64_t dst, const void *src, size_t n,
			long *err);
/* Where mm0 sees the process's byte at `addr` (in its frame window, valid
 * to the end of that page), made present for mm0 to read or write it as
 * the process may (its area's rights, copy-on-write): 0, -EFAULT or
 * -ENOMEM.  read() and write() copy through it, once. */
long mm_user_page(struct mm *mm, uint64_t addr, bool write, void **out);
/* A NUL-terminated string of at most `max` bytes (with the NUL). */
long mm_copy_string(struct mm *mm, char *dst, uint64_t src, size_t max);
/* Write back a shared file mapping's pages in [start, end). */
void mm_sync(struct mm *mm, uint64_t start, uint64_t end);

/* Shared objects. */
struct vm_object *vmo_new(uint64_t size, struct inode *ino);
void vmo_get(struct vm_object *o);
void vmo_put(struct vm_object *o);
uint32_t vmo_refs(const struct vm_object *o);
/* The file whose shared pages it holds, or NULL. */
struct inode *vmo_inode(const struct vm_object *o);
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

/* ------------------------------------------------------------ exec.c */

#define EXEC_MAX_PHDRS 32
#define EXEC_PIE_BASE 0x0000055555554000ul /* where a static-PIE goes */

/* An executable, checked (program_check) and ready to load. */
struct program {
	struct inode *ino;
	struct elf64_ehdr eh;
	struct elf64_phdr ph[EXEC_MAX_PHDRS];
	bool native;   /* it carries the Tessera note */
	uint64_t bias; /* added to every address (static-PIE) */
	uint64_t entry, phdr, brk;
};

/* Strings (argv, envp) copied into mm0, within a budget of `room` bytes
 * (each pointer costing ptr_cost more) and `max` strings. */
struct strlist {
	char *buf;
	size_t used, room, buf_cap;
	uint32_t *off;
	uint32_t n, max, off_cap;
	unsigned ptr_cost;
};

void strlist_init(struct strlist *s, size_t room, uint32_t max,
		  unsigned ptr_cost);
void strlist_free(struct strlist *s);
long strlist_add(struct strlist *s, const char *str);
const char *strlist_get(const struct strlist *s, uint32_t i);
/* Append a NULL-terminated vector of strings from process memory:
 * -EFAULT, -E2BIG past the budget. */
long strlist_take(struct mm *mm, uint64_t list, struct strlist *s);

/* Check `ino` (named `path`, for the log): 0, or -ENOEXEC (with one log
 * line saying why, unless it is not ELF at all). */
long program_check(struct inode *ino, const char *path, struct program *pg);
/* Map the program into the empty `mm`, build its stack and fill its entry
 * registers (the UTCB and pager are the caller's). */
long program_load(struct mm *mm, const struct program *pg,
		  const struct strlist *args, const struct strlist *envs,
		  const char *execfn, struct exregs *x);
/* A "#!" script's interpreter and optional argument: 1, 0 if the file is
 * not a script, -ENOEXEC or -ENAMETOOLONG for a bad first line. */
long script_interp(struct inode *ino, char *interp, size_t isize, char *arg,
		   size_t asize);

/* ------------------------------------------------------------ random.c */

void random_bytes(void *buf, size_t n);

/* ------------------------------------------------------------ task.c */

/*
 * A process.  Its pid comes from the container's own pid space (pid_alloc,
 * as in a Linux pid namespace: init is 1), for native and Linux programs
 * alike; it is not a thread id.  Its first thread is the one whose lx.tid
 * is the pid (process_main).  `status` is a Linux wait status word (exit
 * code << 8, or the signal number that ended it).
 */
struct process {
	uint32_t pid;
	uint32_t ppid;
	uint32_t sid;	     /* its session: the pid of the session's leader */
	uint32_t grant_root; /* capid of its grant root (cap.c), or 0 */
	struct inode *exe;   /* the file it runs (fs_exec_begin) */
	struct mm *mm;
	struct fs_ctx fs;
	uint32_t nthreads;
	bool zombie;
	bool is_linux; /* runs a Linux program (linux/) */
	int status;
	uint32_t waiter;  /* tid blocked in PX_WAIT, or 0 */
	int32_t wait_pid; /* what it waits for (-1: any) */
	uint64_t wait_status_ptr;
	struct lx_process lx;
	struct process *next;
};

/* A thread.  `tid` is its kernel thread id (IPC names it by that);
 * lx.tid its id in the container's pid space: its process's pid for the
 * first thread, one from pid_alloc for a Linux program's other threads,
 * 0 for a native program's other threads. */
struct task {
	uint32_t tid;
	cptr_t thread; /* the Thread object */
	struct process *proc;
	uint64_t utcb; /* 0 for a Linux thread: it has none */
	uint32_t utcb_index;
	struct lx_thread lx;
	struct task *next;
};

/* Every task and process (for the Linux personality's searches). */
extern struct task *tasks;
extern struct process *procs;
extern uint32_t init_pid;

struct task *task_find(uint32_t tid);
struct process *process_find(uint32_t pid);
/* A pid (or Linux tid, process group or session id) no one has: 1 first,
 * then upwards, and from 2 again after 0x3fffff, so always positive. */
uint32_t pid_alloc(void);
/* The process's first thread, or NULL (a Linux leader that has ended
 * while its other threads run). */
struct task *process_main(const struct process *p);
/* PX_PID_TID: the thread id of process `pid`'s first thread (0: the
 * caller's process), or -ESRCH. */
long process_main_tid(const struct process *me, uint64_t pid);
/* Start the first program: `line` is its path and arguments, separated by
 * spaces (the manifest's args line). */
long task_start_init(const char *line);
long task_fork(struct task *t, uint32_t *child_pid);
long task_clone(struct task *t, uint64_t flags, uint64_t stack, uint32_t *tid);
/* A new process, a copy of t's (its memory copy-on-write, or shared if
 * share_mm), whose first thread starts with `regs`: made, not yet run. */
long process_fork(struct task *t, const struct exregs *regs, bool share_mm,
		  struct task **child);
/* A new thread of t's process starting with `regs`: made, not yet run. */
long thread_new(struct task *t, const struct exregs *regs, struct task **out);
void thread_run(struct task *t);
/* Destroy one thread and forget it (its process lives on). */
void thread_drop(struct task *t);
/* execve for either personality: NO_REPLY if the caller now runs the
 * new program, or a negated errno with nothing changed. */
long task_execve(struct task *t, uint64_t path, uint64_t argv, uint64_t envp);
/* End the process (all its threads) with wait status `wstatus`. */
void process_exit(struct process *p, int wstatus);
/* End one thread (the process ends with its last thread). */
void task_exit(struct task *t, int wstatus);
/* wait: the child's pid (its status written), a negated errno, or
 * NO_REPLY: the caller waits, answered when a child ends. */
long task_wait(struct task *t, int32_t pid, uint64_t status_ptr);
/* End t's process by signal `sig`, with one log line saying why. */
void task_kill(struct task *t, int sig, const char *why);
/* Forget a zombie (reaped). */
void process_free(struct process *p);
/* The signal permission rule (docs/posix.md): whether `sender` may send
 * a signal to `target` (itself, its descendants, its session).  Whether
 * the target then acts on it is another matter: see process_is_init. */
bool may_signal(const struct process *sender, const struct process *target);
/* init ignores every signal (it handles none): killing it does nothing. */
bool process_is_init(const struct process *p);
/* setsid: a new session led by the process; its id, or -EPERM if it
 * leads one already. */
long process_setsid(struct process *p);
/* A fault of `t` cannot be served for want of memory: end the process
 * that holds the most (see task.c).  True if `t` lives on and its fault
 * may be tried again, false if `t` was the one ended. */
bool task_oom(struct task *t);

/* ------------------------------------------------------------ mmap.c */

long sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint32_t prot,
	      uint32_t flags, int fd, uint64_t off);
long sys_munmap(struct task *t, uint64_t addr, uint64_t len);
long sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint32_t prot);
long sys_msync(struct task *t, uint64_t addr, uint64_t len, int flags);
long sys_brk(struct task *t, uint64_t end);
long sys_shmget(struct task *t, long key, uint64_t size, int flags);
long sys_shmat(struct task *t, long id, uint64_t addr, int flags);
long sys_shmdt(struct task *t, uint64_t addr);
long sys_shmctl(struct task *t, long id, int cmd, uint64_t buf);

/* ------------------------------------------------------------ cap.c */

long caps_setup(void);
long cap_request(struct task *t, uint32_t target);
/* Take back every capability granted to `p` (its end, execve). */
void cap_drop_grants(struct process *p);

/* Reply to `tid` with result `r` (for requests answered later). */
void mm0_reply(uint32_t tid, long r);

#endif
