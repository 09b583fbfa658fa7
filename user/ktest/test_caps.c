/*
 * CSpace operations through real system calls: cap_copy, cap_mint (rights
 * and the badge rules of each device type), cap_move, cap_delete,
 * cap_revoke and cap_info, and how capability addresses are read
 * (one level, nested CSpaces, the slot 0 self-capability, bad addresses).
 *
 * Objects come from a private Untyped carved from the shared allocator's,
 * revoked at the end; root slots come from the shared slot allocator and
 * are given back.  Every scenario leaves the slots it used empty.
 */
#include "ktest.h"

#define CAPS_UNTYPED_BITS 20
#define NESTED_BITS 4 /* a nested CSpace of 16 slots */

static cptr_t uc;    /* the suite's private Untyped */
static long uc_size; /* remaining(uc) when fresh */

static uint32_t children_of(cptr_t c)
{
	return kt_cap_info(c).children;
}

/* A three-level capability address (16-bit digits; kt_addr2 for two). */
static cptr_t addr3(cptr_t cs, unsigned mid, unsigned slot)
{
	return (cs << (2 * CPTR_DIGIT_BITS)) |
	       ((cptr_t)mid << CPTR_DIGIT_BITS) | slot;
}

/* A fresh empty root slot: the allocator's, checked empty. */
static cptr_t empty_slot(void)
{
	cptr_t s = tess_slot(ka);
	if (s && kt_cap_type(s) != CAP_NULL)
		tap_diag("slot %lx from the allocator is not empty",
			 (unsigned long)s);
	return s;
}

/* A nested CSpace of 2^bits slots from the private untyped, in a root slot
 * (left empty if that fails: never slot 0, which later calls would hit). */
static cptr_t new_cspace(unsigned bits)
{
	cptr_t s = tess_slot(ka);
	if (tess_retype(uc, CAP_CSPACE, bits, s, 1))
		tap_diag("could not make a CSpace of %u bits", bits);
	return s;
}

static void boot_layout(void)
{
	struct cap_info i = kt_cap_info(BOOT_SLOT_CSPACE);
	tap_ok(i.type == CAP_CSPACE && i.bits == BOOT_CSPACE_BITS,
	       "cap_info: root slot 0 is the root CSpace (2^%u slots)", i.bits);
	tap_eq(kt_cap_type(BOOT_SLOT_CONSOLE), CAP_CONSOLE,
	       "cap_info: slot 1 is the console");
	i = kt_cap_info(BOOT_SLOT_WINDOW0);
	tap_ok(i.type == CAP_WINDOW && i.rights == RIGHT_WINDOW_ALL &&
		   i.badge == 0,
	       "cap_info: slot 2 is a window with every right and no length "
	       "limit");
	tap_eq(kt_cap_type(BOOT_SLOT_TIMER), CAP_TIMER,
	       "cap_info: slot 5 is the timer");
	tap_eq(kt_cap_type(BOOT_SLOT_DEBUG), CAP_DEBUG,
	       "cap_info: slot 6 is the debug capability");
	tap_eq(kt_cap_type(BOOT_SLOT_SPACE), CAP_SPACE,
	       "cap_info: slot 8 is the root space");
	i = kt_cap_info(tess_bootinfo->untyped[0].cptr);
	tap_ok(i.type == CAP_UNTYPED &&
		   i.bits == tess_bootinfo->untyped[0].bits &&
		   i.paddr == tess_bootinfo->untyped[0].phys,
	       "cap_info of the first boot untyped matches the boot info");
}

static void info_errors(void)
{
	struct cap_info i;
	cptr_t e = empty_slot();

	memset(&i, 0x5a, sizeof(i));
	tap_eq(tess_cap_info(e, &i), 0, "cap_info of an empty slot succeeds");
	tap_ok(i.type == CAP_NULL && i.children == 0 && i.rights == 0,
	       "cap_info of an empty slot reports a null capability");
	tap_eq(tess_cap_info(0x1000, &i), -E_BADCAP,
	       "cap_info beyond the root CSpace is E_BADCAP");
	tap_eq(tess_cap_info(BOOT_SLOT_TIMER, NULL), -E_FAULT,
	       "cap_info into a NULL buffer is E_FAULT");
	tap_eq(tess_cap_info(BOOT_SLOT_TIMER,
			     (struct cap_info *)0xffff800000001000ul),
	       -E_FAULT, "cap_info into a kernel-half buffer is E_FAULT");
	tap_eq(tess_cap_info(BOOT_SLOT_TIMER, (struct cap_info *)tess_bootinfo),
	       -E_FAULT, "cap_info into a read-only page is E_FAULT");
	tess_slot_free(ka, e);
}

static void copy_ops(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), e = empty_slot();
	uint32_t before = children_of(BOOT_SLOT_TIMER);
	struct cap_info i;

	tap_eq(tess_cap_copy(BOOT_SLOT_TIMER, s1), 0,
	       "cap_copy of the timer into an empty slot");
	i = kt_cap_info(s1);
	tap_ok(i.type == CAP_TIMER && i.badge == 0,
	       "the copy is a timer capability with the same badge");
	tap_eq(children_of(BOOT_SLOT_TIMER), before + 1,
	       "the copy is a child of its source");
	tap_eq(tess_cap_copy(BOOT_SLOT_CONSOLE, s1), -E_OCCUPIED,
	       "cap_copy into an occupied slot is E_OCCUPIED");
	tap_eq(kt_cap_type(s1), CAP_TIMER,
	       "the occupied destination is unchanged");
	tap_eq(tess_cap_copy(s1, s1), -E_OCCUPIED,
	       "cap_copy of a slot onto itself is E_OCCUPIED");
	tap_eq(tess_cap_copy(e, s2), -E_EMPTY,
	       "cap_copy from an empty slot is E_EMPTY");
	tap_eq(kt_cap_type(s2), CAP_NULL,
	       "a failed copy leaves the destination empty");
	tap_eq(tess_cap_copy(0x1000, s2), -E_BADCAP,
	       "cap_copy from beyond the CSpace is E_BADCAP");
	tap_eq(tess_cap_copy(BOOT_SLOT_TIMER, 0x1000), -E_BADCAP,
	       "cap_copy to beyond the CSpace is E_BADCAP");
	tap_eq(tess_cap_copy(uc, s2), -E_CAPTYPE,
	       "an Untyped capability cannot be copied");
	tap_eq(kt_cap_type(s2), CAP_NULL,
	       "the refused untyped copy left the destination empty");
	tap_eq(tess_cap_copy(tess_bootinfo->untyped[0].cptr, s2), -E_CAPTYPE,
	       "a boot Untyped capability cannot be copied either");
	tap_eq(tess_cap_copy(s1, s2), 0, "cap_copy of a copy");
	tap_eq(children_of(s1), 1, "a copy of a copy is the child of the copy");
	tap_eq(children_of(BOOT_SLOT_TIMER), before + 1,
	       "and not of the original");

	tess_delete(ka, s2);
	tess_delete(ka, s1);
	tap_eq(children_of(BOOT_SLOT_TIMER), before,
	       "deleting the copies leaves the timer as before");
	tess_slot_free(ka, e);
}

static void mint_rights(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), s3 = empty_slot(),
	       e = empty_slot();
	cptr_t page = empty_slot();
	struct cap_info i;

	tap_eq(tess_cap_mint(BOOT_SLOT_WINDOW0, s1, CAN_putchar, 0), 0,
	       "cap_mint of a window with CAN_putchar only");
	i = kt_cap_info(s1);
	tap_ok(i.type == CAP_WINDOW && i.rights == CAN_putchar && i.badge == 0,
	       "the minted window has only CAN_putchar and no badge");
	tap_eq(tess_cap_mint(s1, s2, RIGHT_WINDOW_ALL, 0), 0,
	       "cap_mint asking for more rights than the source");
	tap_eq(kt_cap_info(s2).rights, CAN_putchar,
	       "minting never adds rights the source lacks");
	/* The stub takes 32-bit rights: make the call by hand. */
	tap_eq(tess_syscall4(SYS_cap_mint, BOOT_SLOT_WINDOW0, (long)s3,
			     (1l << 32) | RIGHT_WINDOW_ALL, 0),
	       -E_INVAL, "cap_mint with rights above 32 bits is E_INVAL");
	tap_eq(kt_cap_type(s3), CAP_NULL,
	       "the refused mint left the slot empty");
	tap_eq(tess_cap_mint(e, s3, 7, 0), -E_EMPTY,
	       "cap_mint from an empty slot is E_EMPTY");
	tap_eq(tess_cap_mint(BOOT_SLOT_WINDOW0, s1, 7, 0), -E_OCCUPIED,
	       "cap_mint into an occupied slot is E_OCCUPIED");
	tap_eq(tess_cap_mint(0x1000, s3, 7, 0), -E_BADCAP,
	       "cap_mint from a bad address is E_BADCAP");
	tap_eq(tess_cap_mint(BOOT_SLOT_WINDOW0, 0xdead0000, 7, 0), -E_BADCAP,
	       "cap_mint to a bad address is E_BADCAP");
	tap_eq(tess_cap_mint(uc, s3, 0, 0), -E_CAPTYPE,
	       "an Untyped capability cannot be minted");

	/* A page: mint keeps the frame, reduces the rights. */
	if (tap_eq(tess_retype(uc, CAP_PAGE, 0, page, 1), 0,
		   "retype a page to mint from")) {
		tap_eq(tess_cap_mint(page, s3, RIGHT_PAGE_READ, 0), 0,
		       "cap_mint of a page read-only");
		i = kt_cap_info(s3);
		tap_ok(i.type == CAP_PAGE && i.rights == RIGHT_PAGE_READ &&
			   i.paddr == kt_cap_info(page).paddr,
		       "the read-only page names the same frame with only the "
		       "read right");
		tess_cap_delete(s3);
		tess_cap_delete(page);
	}
	tess_delete(ka, s2);
	tess_delete(ka, s1);
	tess_slot_free(ka, s3);
	tess_slot_free(ka, page);
	tess_slot_free(ka, e);
}

static void mint_console_badge(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), s3 = empty_slot();

	tap_eq(tess_cap_mint(BOOT_SLOT_CONSOLE, s1, 0, 0x1e), 0,
	       "cap_mint of the console with colour 0x1e");
	tap_eq(kt_cap_info(s1).badge, 0x1e,
	       "the minted console carries colour 0x1e");
	/* One whole line of output before the TAP lines about it. */
	long r1 = tess_console_putc(s1, '#');
	long r2 = tess_console_write(s1, " coloured console\n", 18);
	tap_eq(r1, 0, "console_putc through the coloured console");
	tap_eq(r2, 18, "console_write through the coloured console");
	tap_eq(tess_cap_mint(s1, s2, 0, 0x2f), -E_PERM,
	       "a console colour, once set, cannot be changed");
	tap_eq(kt_cap_type(s2), CAP_NULL,
	       "the refused recolouring left the slot empty");
	tap_eq(tess_cap_mint(s1, s2, 0, 0x1e), 0,
	       "minting a coloured console with its own colour");
	tap_eq(tess_cap_mint(s1, s3, 0, 0), 0,
	       "minting a coloured console with badge 0");
	tap_eq(kt_cap_info(s3).badge, 0x1e,
	       "badge 0 keeps the source's colour");
	tess_cap_delete(s3);
	tap_eq(tess_cap_mint(BOOT_SLOT_CONSOLE, s3, 0, 0x100), -E_RANGE,
	       "a console colour above 0xff is E_RANGE");
	tess_delete(ka, s2);
	tess_delete(ka, s1);
	tess_slot_free(ka, s3);
}

static void mint_window_badge(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), s3 = empty_slot();

	tap_eq(tess_cap_mint(BOOT_SLOT_WINDOW0, s1, RIGHT_WINDOW_ALL, 100), 0,
	       "cap_mint of a window with maximum length 100");
	tap_eq(kt_cap_info(s1).badge, 100,
	       "the minted window carries maximum length 100");
	tap_eq(tess_cap_mint(s1, s2, RIGHT_WINDOW_ALL, 200), -E_PERM,
	       "a window's maximum length cannot grow (100 -> 200 is E_PERM)");
	tap_eq(tess_cap_mint(s1, s2, RIGHT_WINDOW_ALL, 101), -E_PERM,
	       "a window's maximum length cannot grow by one");
	tap_eq(tess_cap_mint(s1, s2, RIGHT_WINDOW_ALL, 50), 0,
	       "a window's maximum length can shrink (100 -> 50)");
	tap_eq(kt_cap_info(s2).badge, 50,
	       "the shrunk window carries maximum length 50");
	tap_eq(tess_cap_mint(s1, s3, RIGHT_WINDOW_ALL, 0), 0,
	       "minting a limited window with badge 0");
	tap_eq(kt_cap_info(s3).badge, 100,
	       "badge 0 keeps the source's maximum length");
	tess_cap_delete(s3);
	tess_cap_mint(s1, s3, CAN_putchar | CAN_cls, 0);
	tess_cap_delete(s2);
	tap_eq(tess_cap_copy(s3, s2), 0,
	       "cap_copy of a reduced, limited window");
	tap_ok(kt_cap_info(s2).badge == 100 &&
		   kt_cap_info(s2).rights == (CAN_putchar | CAN_cls),
	       "cap_copy keeps the badge and the rights");
	tess_cap_delete(s2);
	tess_cap_delete(s3);
	tap_eq(
	    tess_cap_mint(BOOT_SLOT_WINDOW0, s3, RIGHT_WINDOW_ALL, 1ull << 32),
	    -E_RANGE, "a window length above 32 bits is E_RANGE");
	tess_delete(ka, s2);
	tess_delete(ka, s1);
	tess_slot_free(ka, s3);
}

static void mint_timer_badge(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), s3 = empty_slot();

	tap_eq(tess_cap_mint(BOOT_SLOT_TIMER, s1, 0, 4), 0,
	       "cap_mint of the timer hiding 4 low bits");
	tap_eq(kt_cap_info(s1).badge, 4, "the minted timer hides 4 bits");
	tap_eq(tess_cap_mint(s1, s2, 0, 2), -E_PERM,
	       "a timer's hidden bits cannot shrink (4 -> 2 is E_PERM)");
	tap_eq(tess_cap_mint(s1, s2, 0, 6), 0,
	       "a timer's hidden bits can grow (4 -> 6)");
	tap_eq(kt_cap_info(s2).badge, 6, "the derived timer hides 6 bits");
	tap_eq(tess_cap_mint(s1, s3, 0, 0), 0, "minting a timer with badge 0");
	tap_eq(kt_cap_info(s3).badge, 4,
	       "badge 0 keeps the source's hidden bits");
	tess_cap_delete(s3);
	tap_eq(tess_cap_mint(BOOT_SLOT_TIMER, s3, 0, 64), -E_RANGE,
	       "hiding 64 timer bits is E_RANGE");
	tess_delete(ka, s2);
	tess_delete(ka, s1);
	tess_slot_free(ka, s3);
}

static void mint_no_badge(void)
{
	cptr_t s1 = empty_slot(), cs = new_cspace(1);

	tap_eq(tess_cap_mint(BOOT_SLOT_DEBUG, s1, 0, 1), -E_INVAL,
	       "a badge on a Debug capability is E_INVAL");
	tap_eq(tess_cap_mint(cs, s1, 0, 5), -E_INVAL,
	       "a badge on a CSpace capability is E_INVAL");
	tap_eq(tess_cap_mint(BOOT_SLOT_SPACE, s1, 0, 1), -E_INVAL,
	       "a badge on a Space capability is E_INVAL");
	tap_eq(kt_cap_type(s1), CAP_NULL,
	       "the refused badges left the slot empty");
	tap_eq(tess_cap_mint(BOOT_SLOT_DEBUG, s1, 0, 0), 0,
	       "minting a Debug capability without a badge");
	tap_eq(kt_cap_type(s1), CAP_DEBUG,
	       "the unbadged mint is a Debug capability");
	tess_delete(ka, s1);
	tess_delete(ka, cs);
}

static void move_ops(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot(), s3 = empty_slot(),
	       e = empty_slot();
	cptr_t cs = new_cspace(NESTED_BITS);
	long rem;

	tess_cap_copy(BOOT_SLOT_TIMER, s1);
	tess_cap_copy(s1, s2);
	tap_eq(tess_cap_move(s1, s3), 0,
	       "cap_move of a capability with a child");
	tap_eq(kt_cap_type(s1), CAP_NULL, "cap_move empties the source");
	tap_eq(kt_cap_type(s3), CAP_TIMER, "cap_move fills the destination");
	tap_eq(children_of(s3), 1, "the moved capability keeps its child");
	tap_eq(tess_cap_revoke(s3), 0, "revoke at the new slot");
	tap_eq(kt_cap_type(s2), CAP_NULL,
	       "revoke at the new slot deletes the child made before the move");

	tess_cap_copy(s3, s2);
	tap_eq(tess_cap_move(s3, s3), 0,
	       "cap_move of a slot onto itself succeeds");
	tap_eq(kt_cap_type(s3), CAP_TIMER,
	       "and leaves the capability in place");
	tap_eq(tess_cap_move(s3, s2), -E_OCCUPIED,
	       "cap_move into an occupied slot is E_OCCUPIED");
	tap_ok(kt_cap_type(s3) == CAP_TIMER && kt_cap_type(s2) == CAP_TIMER,
	       "the refused move changed neither slot");
	tap_eq(tess_cap_move(e, s1), -E_EMPTY,
	       "cap_move from an empty slot is E_EMPTY");
	tap_eq(tess_cap_move(0x1000, s1), -E_BADCAP,
	       "cap_move from a bad address is E_BADCAP");
	tap_eq(tess_cap_move(s3, 0x1000), -E_BADCAP,
	       "cap_move to a bad address is E_BADCAP");
	tap_eq(kt_cap_type(s3), CAP_TIMER,
	       "the move to a bad address left the source in place");

	/* Into a nested CSpace and back, by two-level addresses. */
	tap_eq(tess_cap_move(s3, kt_addr2(cs, 7)), 0,
	       "cap_move into a nested CSpace");
	tap_ok(kt_cap_type(kt_addr2(cs, 7)) == CAP_TIMER &&
		   kt_cap_type(s3) == CAP_NULL,
	       "the capability is now in slot 7 of the nested CSpace");
	tap_eq(tess_cap_move(kt_addr2(cs, 7), s3), 0,
	       "cap_move back out of the nested CSpace");
	tap_eq(children_of(s3), 1,
	       "the capability moved twice still has its child");

	/* Untyped capabilities may be moved (never copied). */
	rem = tess_remaining(uc);
	tap_eq(tess_cap_move(uc, s1), 0, "an Untyped capability can be moved");
	tap_eq(tess_remaining(s1), rem,
	       "the moved untyped has the same remaining()");
	tap_eq(tess_remaining(uc), -E_EMPTY, "and its old slot is empty");
	tess_cap_move(s1, uc);

	tess_delete(ka, s2);
	tess_delete(ka, s3);
	tess_delete(ka, cs);
	tess_slot_free(ka, s1);
	tess_slot_free(ka, e);
}

static void delete_ops(void)
{
	cptr_t s1 = empty_slot(), s2 = empty_slot();
	uint32_t before = children_of(BOOT_SLOT_TIMER);

	tess_cap_copy(BOOT_SLOT_TIMER, s1);
	tess_cap_copy(s1, s2);
	tap_eq(tess_cap_delete(s1), 0,
	       "cap_delete of a capability with a child");
	tap_eq(kt_cap_type(s1), CAP_NULL, "the deleted slot is empty");
	tap_eq(kt_cap_type(s2), CAP_TIMER,
	       "deleting a capability keeps its child");
	tap_eq(children_of(BOOT_SLOT_TIMER), before + 1,
	       "the orphan becomes a child of the grandparent");
	tap_eq(tess_cap_delete(s1), -E_EMPTY,
	       "cap_delete of an empty slot is E_EMPTY");
	tap_eq(tess_cap_delete(0x1000), -E_BADCAP,
	       "cap_delete beyond the CSpace is E_BADCAP");
	tap_eq(tess_cap_delete(kt_addr2(BOOT_SLOT_TIMER, 1)), -E_BADCAP,
	       "cap_delete through a non-CSpace capability is E_BADCAP");
	tess_delete(ka, s2);
	tess_slot_free(ka, s1);
	tap_eq(children_of(BOOT_SLOT_TIMER), before,
	       "the timer has its children of before");
}

/* Deleting the last capability to a CSpace destroys it and the capabilities
 * in it; a capability to the CSpace inside itself does not keep it alive. */
static void last_cap_destroys(void)
{
	uint32_t before = children_of(BOOT_SLOT_TIMER);
	cptr_t copy = empty_slot(), cs;

	tap_eq(tess_remaining(uc), uc_size,
	       "the private untyped is unused before the scenario");
	cs = new_cspace(2);
	tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(cs, 1));
	tap_eq(children_of(BOOT_SLOT_TIMER), before + 1,
	       "a timer copy lives in the nested CSpace");
	tap_eq(tess_cap_copy(cs, copy), 0, "a second capability to the CSpace");
	tap_eq(tess_cap_delete(cs), 0, "delete the first CSpace capability");
	tap_eq(kt_cap_type(kt_addr2(copy, 1)), CAP_TIMER,
	       "the CSpace and its contents live on through the second "
	       "capability");
	tap_eq(tess_cap_delete(copy), 0, "delete the last CSpace capability");
	tap_eq(children_of(BOOT_SLOT_TIMER), before,
	       "destroying the CSpace deleted the timer copy inside it");
	tap_eq(tess_remaining(uc), uc_size, "and its memory is free again");

	/* Again with the CSpace holding a capability to itself in its slot 0.
	 */
	tess_retype(uc, CAP_CSPACE, 2, cs, 1);
	tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(cs, 1));
	tap_eq(tess_cap_copy(cs, kt_addr2(cs, 0)), 0,
	       "put a CSpace's capability to itself in its slot 0");
	tap_eq(kt_cap_type(addr3(cs, 0, 1)), CAP_TIMER,
	       "the self-capability resolves (cs:0:1)");
	tap_eq(tess_cap_delete(cs), 0,
	       "delete the only capability held outside the CSpace");
	tap_eq(children_of(BOOT_SLOT_TIMER), before,
	       "the self-capability did not keep the CSpace alive: its "
	       "contents are gone");
	tap_eq(tess_remaining(uc), uc_size,
	       "the self-referencing CSpace's memory is free again");
	tess_slot_free(ka, cs);
	tess_slot_free(ka, copy);
}

static void revoke_ops(void)
{
	cptr_t t1 = empty_slot(), t2 = empty_slot(), t3 = empty_slot(),
	       e = empty_slot();
	cptr_t cs = new_cspace(NESTED_BITS);

	tess_cap_copy(BOOT_SLOT_TIMER, t1);
	tess_cap_copy(t1, t2);
	tess_cap_mint(t1, t3, 0, 5);
	tess_cap_copy(t2,
		      kt_addr2(cs, 2)); /* a grandchild, in a nested CSpace */
	tap_eq(children_of(t1), 2, "the capability to revoke has two children");
	tap_eq(tess_cap_revoke(t1), 0, "cap_revoke");
	tap_ok(kt_cap_type(t2) == CAP_NULL && kt_cap_type(t3) == CAP_NULL,
	       "revoke deleted the copy and the minted child");
	tap_eq(kt_cap_type(kt_addr2(cs, 2)), CAP_NULL,
	       "revoke deleted the grandchild in the nested CSpace");
	tap_eq(kt_cap_type(t1), CAP_TIMER,
	       "revoke keeps the revoked capability");
	tap_eq(children_of(t1), 0,
	       "the revoked capability has no children left");
	tap_eq(tess_cap_revoke(t1), 0,
	       "cap_revoke of a capability without children");
	tap_eq(tess_cap_revoke(e), -E_EMPTY,
	       "cap_revoke of an empty slot is E_EMPTY");
	tap_eq(tess_cap_revoke(0x1000), -E_BADCAP,
	       "cap_revoke beyond the CSpace is E_BADCAP");

	tess_delete(ka, t1);
	tess_delete(ka, cs);
	tess_slot_free(ka, t2);
	tess_slot_free(ka, t3);
	tess_slot_free(ka, e);
}

static void addresses(void)
{
	cptr_t cs, self = empty_slot(), x = empty_slot(), e = empty_slot();
	struct cap_info a, b;

	/* The LLP way: allocCspace, then 0x00II_00CC addresses. */
	cs = tess_slot(ka);
	tap_eq(tess_retype(uc, CAP_CSPACE, NESTED_BITS, cs, 1), 0,
	       "allocCspace: a nested CSpace of 16 slots");
	tap_eq(kt_cap_info(cs).bits, NESTED_BITS,
	       "cap_info gives the nested CSpace's size");
	tap_eq(tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(cs, 5)), 0,
	       "cap_copy to a two-level address");
	tap_eq(kt_cap_type(kt_addr2(cs, 5)), CAP_TIMER,
	       "the two-level address names slot 5 of the nested CSpace");
	tap_eq(kt_cap_type(kt_addr2(cs, 4)), CAP_NULL,
	       "its neighbour is empty");
	tap_eq(kt_cap_type(kt_addr2(cs, 15)), CAP_NULL,
	       "the last slot of the nested CSpace is addressable");
	tap_eq(tess_cap_info(kt_addr2(cs, 16), &a), -E_BADCAP,
	       "a slot beyond the nested CSpace is E_BADCAP");
	tap_eq(tess_cap_info(kt_addr2(cs, 0xffff), &a), -E_BADCAP,
	       "slot 0xffff of a 16-slot CSpace is E_BADCAP");
	tap_eq(tess_cap_info(kt_addr2(BOOT_SLOT_TIMER, 1), &a), -E_BADCAP,
	       "an address through a non-CSpace capability is E_BADCAP");
	tap_eq(tess_cap_info(kt_addr2(e, 1), &a), -E_BADCAP,
	       "an address through an empty slot is E_BADCAP");
	tap_eq(tess_cap_info(0x1000, &a), -E_BADCAP,
	       "slot 0x1000 of the 4096-slot root is E_BADCAP");
	tap_eq(tess_cap_info(0xdeadbeefcafeull, &a), -E_BADCAP,
	       "a garbage address is E_BADCAP");
	tap_eq(tess_cap_info(CPTR_NONE, &a), -E_BADCAP,
	       "CPTR_NONE is E_BADCAP");

	/* Three levels: the nested CSpace holds a capability to itself. */
	tess_cap_copy(cs, kt_addr2(cs, 3));
	tap_eq(kt_cap_type(addr3(cs, 3, 5)), CAP_TIMER,
	       "a three-level address reaches the same slot");
	tap_eq(tess_cap_delete(addr3(cs, 3, 5)), 0,
	       "cap_delete through a three-level address");
	tap_eq(kt_cap_type(kt_addr2(cs, 5)), CAP_NULL,
	       "the slot is empty seen through two levels");

	/* Slot 0 is the root CSpace itself: addresses through it agree. */
	tap_eq(tess_cap_copy(BOOT_SLOT_CSPACE, self), 0,
	       "copy the root's self-capability from slot 0");
	a = kt_cap_info(BOOT_SLOT_TIMER);
	b = kt_cap_info(kt_addr2(self, BOOT_SLOT_TIMER));
	tap_ok(a.type == CAP_TIMER && memcmp(&a, &b, sizeof(a)) == 0,
	       "a two-level address through the self-capability names the same "
	       "slot");
	b = kt_cap_info(addr3(self, 0, BOOT_SLOT_TIMER));
	tap_ok(memcmp(&a, &b, sizeof(a)) == 0,
	       "so does one through slot 0 in the middle (self:0:5)");
	tap_eq(tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(self, x)), 0,
	       "cap_copy to a root slot through the self-capability");
	tap_eq(kt_cap_type(x), CAP_TIMER,
	       "the one-level address sees the copy");
	tap_eq(tess_cap_delete(x), 0, "delete it by its one-level address");
	tap_eq(kt_cap_type(kt_addr2(self, x)), CAP_NULL,
	       "the two-level address sees the slot empty");

	tess_delete(ka, self);
	tess_delete(ka, kt_addr2(cs, 3));
	tess_delete(ka, cs);
	tess_slot_free(ka, x);
	tess_slot_free(ka, e);
}

/* A CSpace whose only capability was moved into the CSpace itself is
 * unreachable; revoking its untyped must still reclaim it and what it
 * holds. */
static void unreachable_cspace(void)
{
	uint32_t before = children_of(BOOT_SLOT_TIMER);
	cptr_t cs = new_cspace(2);

	tess_cap_copy(BOOT_SLOT_TIMER, kt_addr2(cs, 1));
	tap_eq(tess_cap_move(cs, kt_addr2(cs, 0)), 0,
	       "move a CSpace's only capability into the CSpace itself");
	tap_eq(kt_cap_type(cs), CAP_NULL, "the CSpace is now unreachable");
	tap_ok(tess_remaining(uc) < uc_size &&
		   children_of(BOOT_SLOT_TIMER) == before + 1,
	       "the unreachable CSpace and its contents still exist");
	tap_eq(tess_cap_revoke(uc), 0, "revoke the untyped it came from");
	tap_eq(children_of(BOOT_SLOT_TIMER), before,
	       "revoke reclaimed the unreachable CSpace's contents");
	tap_eq(tess_remaining(uc), uc_size, "and its memory");
	tess_slot_free(ka, cs);
}

/*
 * A zombie at a capability address.  A deletion that a more urgent thread
 * interrupts keeps its zombie in the caller's pending slot, unless the
 * deletion destroyed the caller: then the zombie stays in its own slot
 * (docs/ABI.md, Zombies).  Made so: CSpace Z holds, in this order, the
 * Thread of D (priority 100, below mine), the Thread of X (never run, W
 * receives from it alone) and pages.  D deletes Z: it destroys itself,
 * then X, which ends W's receive with E_ABORTED; W, at my priority, is
 * more urgent than D, so the deletion stops at its next preemption point
 * with Z a zombie that nothing will finish.
 */
#define ZOMBIE_PAGES 150
static volatile long zombie_w_result;
static char zombie_w_stack[4096] __attribute__((aligned(16)));
static char zombie_d_stack[4096] __attribute__((aligned(16)));

static void zombie_w_main(uint64_t x, uint64_t a1, uint64_t a2)
{
	struct tess_msg m = {0};
	zombie_w_result = tess_ipc(TID_NIL, (uint32_t)x, IPC_SHORT, &m, NULL);
	tess_exit(0);
}

static void zombie_d_main(uint64_t z, uint64_t a1, uint64_t a2)
{
	tess_cap_delete((cptr_t)z); /* destroys this thread */
	tess_exit(1);		    /* not reached */
}

static void zombie_ops(void)
{
	cptr_t z = new_cspace(8), dst = empty_slot();
	struct kt_thread w = {0, 0}, x = {0, 0}, d = {0, 0};
	int status = -1;

	long r = tess_retype(uc, CAP_THREAD, 0, kt_addr2(z, 0), 2);
	if (!r)
		r = tess_retype(uc, CAP_PAGE, 0, kt_addr2(z, 2), ZOMBIE_PAGES);
	if (!r)
		r = kt_create_obj(&x, kt_addr2(z, 1), 0, TID_NIL, 0);
	if (!r)
		r = kt_spawn(&w, zombie_w_main, zombie_w_stack,
			     sizeof(zombie_w_stack), x.tid, 0, 0);
	if (!r)
		r = kt_wait_state(w.tid, THREAD_STATE_BLOCKED);
	if (r) {
		tap_diag("zombie: %s", tess_strerror(r));
		tap_eq(r, 0, "zombie: the threads and pages");
		goto out;
	}
	if (kt_create_obj_prio(&d, kt_addr2(z, 0), 0, TID_NIL, 0, 100) ||
	    kt_start(d.tid, zombie_d_main, zombie_d_stack,
		     sizeof(zombie_d_stack), z, 0, 0)) {
		tap_ok(0, "zombie: the deleting thread");
		goto out;
	}
	/* D runs while I sleep (W is blocked): until W is dead, for at
	 * most KT_TIMEOUT_US. */
	for (uint64_t end = kt_now_us() + KT_TIMEOUT_US;
	     kt_state(w.tid) != THREAD_STATE_DEAD && kt_now_us() < end;)
		tess_sleep_us(10000);
	tap_ok(kt_reap(w.tid, &status) == 0 && status == 0 &&
		   zombie_w_result == -E_ABORTED,
	       "zombie: the deletion destroyed X, ending W's receive with "
	       "E_ABORTED (%s)",
	       tess_strerror(zombie_w_result));
	tap_eq(kt_cap_type(z), CAP_ZOMBIE,
	       "zombie: the deletion stopped for W, and its caller is gone: "
	       "a zombie in the CSpace's slot");
	tap_eq(tess_cap_copy(z, dst), -E_BUSY, "cap_copy of a zombie: E_BUSY");
	tap_eq(tess_cap_mint(z, dst, 7, 0), -E_BUSY,
	       "cap_mint of a zombie: E_BUSY");
	tap_eq(tess_cap_move(z, dst), -E_BUSY, "cap_move of a zombie: E_BUSY");
	tap_eq(tess_retype(z, CAP_PAGE, 0, dst, 1), -E_CAPTYPE,
	       "retype from a zombie: E_CAPTYPE");
	tap_eq(kt_cap_type(dst), CAP_NULL, "(nothing was made)");
	tap_eq(tess_cap_delete(z), 0, "cap_delete finishes the zombie");
	tap_eq(kt_cap_type(z), CAP_NULL, "... and empties its slot");
out:
	kt_destroy(&w);
	tess_cap_delete(z);
	tess_slot_free(ka, z);
	tess_slot_free(ka, dst);
	tap_eq(tess_cap_revoke(uc), 0, "zombie: revoke the untyped");
	tap_eq(tess_remaining(uc), uc_size, "zombie: all of it comes back");
}

void test_caps(void)
{
	uc = tess_slot(ka);
	if (!tap_eq(
		tess_retype(ka->untyped, CAP_UNTYPED, CAPS_UNTYPED_BITS, uc, 1),
		0, "caps: a private untyped of 2^%d bytes", CAPS_UNTYPED_BITS))
		return;
	uc_size = tess_remaining(uc);
	tap_eq(uc_size, 1l << CAPS_UNTYPED_BITS,
	       "remaining() of a fresh untyped is its size");

	boot_layout();
	info_errors();
	copy_ops();
	mint_rights();
	mint_console_badge();
	mint_window_badge();
	mint_timer_badge();
	mint_no_badge();
	move_ops();
	delete_ops();
	last_cap_destroys();
	revoke_ops();
	addresses();
	unreachable_cspace();
	zombie_ops();

	tap_eq(tess_cap_revoke(uc), 0, "caps: revoke the private untyped");
	tap_eq(tess_remaining(uc), uc_size,
	       "caps: everything made from it is gone");
	tess_delete(ka, uc);
}
