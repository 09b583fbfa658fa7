/*
 * The PS/2 keyboard: the i8042 controller at ports 0x60/0x64, IRQ 1, in
 * scan code set 1 (the controller translates the keyboard's set 2).
 *
 * Key presses become the bytes a terminal would send, into the console
 * input buffer (core/input.c): characters with shift and caps lock
 * applied (a US layout); ctrl makes control characters (ctrl-C is 0x03);
 * alt puts an ESC before the character (as the Linux console does); Enter
 * is CR, Backspace DEL (0x7f); the cursor, editing and function keys are
 * the ANSI/xterm escape sequences (up ESC [ A, home ESC [ H, delete
 * ESC [ 3 ~, F1 ESC O P, ...), so that line editors such as busybox's
 * work.  The keypad gives its digits and operators (num lock is taken as
 * on).  Releases only update the modifier state; typematic repeats are
 * presses like any other.  A controller that is not there (reads 0xff) is
 * left alone; every wait on it is bounded.
 */
#include "cpu.h"
#include "arch.h"
#include "core/input.h"

#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define KBD_CMD 0x64

#define STATUS_OUT_FULL 0x01 /* a byte waits at KBD_DATA */
#define STATUS_IN_FULL 0x02  /* the controller has not taken our last */
#define STATUS_AUX 0x20	     /* the waiting byte is the mouse's */

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_ENABLE_KBD 0xAE
#define CONFIG_KBD_IRQ 0x01
#define CONFIG_AUX_IRQ 0x02
#define CONFIG_TRANSLATE 0x40

#define SC_RELEASE 0x80
#define SC_EXTENDED 0xE0
#define SC_PAUSE 0xE1 /* E1 1D 45 E1 9D C5: five more bytes follow */

#define SC_LCTRL 0x1D
#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_LALT 0x38
#define SC_CAPS 0x3A

#define ESC "\x1b"

/* Set 1 make codes 0x00..0x58: unshifted and shifted characters (0: not
 * a character key). */
static const char plain[0x59] = {
    0,	  0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-',	'=',
    0x7f, '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[',	']',
    '\r', 0,	'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    0,	  '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,	'*',
    0,	  ' ',	0,   0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,	0,
    0,	  '7',	'8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0',	'.',
};
static const char shifted[0x59] = {
    0,	  0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
    0x7f, '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}',
    '\r', 0,	'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    0,	  '|',	'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*',
    0,	  ' ',	0,   0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,   0,
    0,	  '7',	'8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

/* Keys that send an escape sequence: function keys (plain codes) and
 * the extended (E0) cursor and editing keys. */
struct seq {
	u8 code;
	bool extended;
	const char *bytes;
};
static const struct seq sequences[] = {
    {0x3B, false, ESC "OP"},   {0x3C, false, ESC "OQ"},
    {0x3D, false, ESC "OR"},   {0x3E, false, ESC "OS"},
    {0x3F, false, ESC "[15~"}, {0x40, false, ESC "[17~"},
    {0x41, false, ESC "[18~"}, {0x42, false, ESC "[19~"},
    {0x43, false, ESC "[20~"}, {0x44, false, ESC "[21~"},
    {0x57, false, ESC "[23~"}, {0x58, false, ESC "[24~"},
    {0x48, true, ESC "[A"},    {0x50, true, ESC "[B"},
    {0x4D, true, ESC "[C"},    {0x4B, true, ESC "[D"},
    {0x47, true, ESC "[H"},    {0x4F, true, ESC "[F"},
    {0x52, true, ESC "[2~"},   {0x53, true, ESC "[3~"},
    {0x49, true, ESC "[5~"},   {0x51, true, ESC "[6~"},
    {0x1C, true, "\r"},	       {0x35, true, "/"},
};

static bool present;
static bool extended;  /* the last byte was SC_EXTENDED */
static int pause_skip; /* bytes of the Pause key still to come */
static bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r;
static bool caps_lock, caps_down;

static bool wait_in_empty(void)
{
	for (int i = 0; i < 100000; i++) {
		if (!(inb(KBD_STATUS) & STATUS_IN_FULL))
			return true;
		pause();
	}
	return false;
}

static bool wait_out_full(void)
{
	for (int i = 0; i < 100000; i++) {
		if (inb(KBD_STATUS) & STATUS_OUT_FULL)
			return true;
		pause();
	}
	return false;
}

void keyboard_init(void)
{
	if (inb(KBD_STATUS) == 0xff)
		return; /* no controller */
	for (int i = 0; i < 64 && (inb(KBD_STATUS) & STATUS_OUT_FULL); i++)
		inb(KBD_DATA); /* stale bytes */
	if (!wait_in_empty())
		return;
	outb(KBD_CMD, CMD_READ_CONFIG);
	if (!wait_out_full())
		return;
	u8 config = inb(KBD_DATA);
	config |= CONFIG_KBD_IRQ | CONFIG_TRANSLATE;
	config &= (u8)~CONFIG_AUX_IRQ;
	if (!wait_in_empty())
		return;
	outb(KBD_CMD, CMD_WRITE_CONFIG);
	if (!wait_in_empty())
		return;
	outb(KBD_DATA, config);
	if (!wait_in_empty())
		return;
	outb(KBD_CMD, CMD_ENABLE_KBD);
	present = true;
	irq_enable(1);
}

/* The character of a plain key with the modifiers applied; 0: none. */
static char apply_modifiers(u8 code)
{
	bool shift = shift_l || shift_r;
	char c = shift ? shifted[code] : plain[code];

	if (c >= 'a' && c <= 'z' && caps_lock)
		c = (char)(c - 'a' + 'A');
	else if (c >= 'A' && c <= 'Z' && caps_lock)
		c = (char)(c - 'A' + 'a');
	if (!(ctrl_l || ctrl_r))
		return c;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return (char)(c & 0x1f);
	switch (c) {
	case '@':
	case ' ':
	case '2':
		return 0;
	case '[':
	case '3':
		return 0x1b;
	case '\\':
	case '4':
		return 0x1c;
	case ']':
	case '5':
		return 0x1d;
	case '^':
	case '6':
		return 0x1e;
	case '_':
	case '-':
		return 0x1f;
	default:
		return c;
	}
}

static void key(u8 sc)
{
	bool release = sc & SC_RELEASE, ext = extended;
	u8 code = sc & (u8)~SC_RELEASE;
	u8 out[8];
	u32 n = 0;

	extended = false;
	switch (code) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		if (!ext) /* E0 2A is a "fake shift" around some keys */
			*(code == SC_LSHIFT ? &shift_l : &shift_r) = !release;
		return;
	case SC_LCTRL:
		*(ext ? &ctrl_r : &ctrl_l) = !release;
		return;
	case SC_LALT:
		*(ext ? &alt_r : &alt_l) = !release;
		return;
	case SC_CAPS:
		if (!release && !caps_down)
			caps_lock = !caps_lock;
		caps_down = !release;
		return;
	}
	if (release)
		return;
	for (u32 i = 0; i < ARRAY_SIZE(sequences); i++)
		if (sequences[i].code == code && sequences[i].extended == ext) {
			const char *s = sequences[i].bytes;
			while (*s && n < sizeof(out))
				out[n++] = (u8)*s++;
			input_push(out, n);
			return;
		}
	if (ext || code >= ARRAY_SIZE(plain) || !plain[code])
		return; /* a key that makes nothing */
	if (alt_l || alt_r)
		out[n++] = 0x1b;
	out[n++] = (u8)apply_modifiers(code);
	input_push(out, n);
}

void keyboard_irq(void)
{
	if (!present)
		return;
	for (int i = 0; i < 16; i++) {
		u8 status = inb(KBD_STATUS);
		if (!(status & STATUS_OUT_FULL))
			break;
		u8 sc = inb(KBD_DATA);
		if (status & STATUS_AUX)
			continue; /* the mouse's: not ours */
		if (pause_skip) {
			pause_skip--;
		} else if (sc == SC_PAUSE) {
			pause_skip = 5;
		} else if (sc == SC_EXTENDED) {
			extended = true;
		} else {
			key(sc);
		}
	}
}
