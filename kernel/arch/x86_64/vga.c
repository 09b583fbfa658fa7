/*
 * VGA text mode (80x25 at physical 0xB8000), split into windows.
 *
 * A window is a rectangle of the screen with a cursor and a colour
 * attribute.  The kernel log uses one; Window capabilities name others.
 * Row 0 is a title bar with a spinner the timer turns, to show the kernel
 * is alive (as in the LLP lab).
 */
#include "cpu.h"
#include "arch.h"

#define VGA_COLS 80
#define VGA_ROWS 25

static u16 *vga_mem(void)
{
	return phys_to_virt(0xB8000);
}

void vga_window_init(struct vga_window *w, int top, int height, int left,
		     int width, u8 attr)
{
	w->top = top;
	w->height = height;
	w->left = left;
	w->width = width;
	w->row = 0;
	w->col = 0;
	w->attr = attr;
}

void vga_window_cls(struct vga_window *w)
{
	u16 *m = vga_mem();
	for (int r = 0; r < w->height; r++)
		for (int c = 0; c < w->width; c++)
			m[(w->top + r) * VGA_COLS + w->left + c] =
			    (u16)(w->attr << 8 | ' ');
	w->row = 0;
	w->col = 0;
}

static void vga_window_scroll(struct vga_window *w)
{
	u16 *m = vga_mem();
	for (int r = 1; r < w->height; r++)
		for (int c = 0; c < w->width; c++)
			m[(w->top + r - 1) * VGA_COLS + w->left + c] =
			    m[(w->top + r) * VGA_COLS + w->left + c];
	for (int c = 0; c < w->width; c++)
		m[(w->top + w->height - 1) * VGA_COLS + w->left + c] =
		    (u16)(w->attr << 8 | ' ');
	w->row = w->height - 1;
}

void vga_window_putc(struct vga_window *w, char ch)
{
	u16 *m = vga_mem();
	if (ch == '\n') {
		w->col = 0;
		w->row++;
	} else if (ch == '\r') {
		w->col = 0;
	} else if (ch == '\t') {
		w->col = (w->col + 8) & ~7;
	} else if (ch == '\b') {
		if (w->col > 0)
			w->col--;
	} else {
		if (w->col >= w->width) {
			w->col = 0;
			w->row++;
		}
		if (w->row >= w->height)
			vga_window_scroll(w);
		m[(w->top + w->row) * VGA_COLS + w->left + w->col] =
		    (u16)(w->attr << 8 | (u8)ch);
		w->col++;
		return;
	}
	if (w->col >= w->width) {
		w->col = 0;
		w->row++;
	}
	if (w->row >= w->height)
		vga_window_scroll(w);
}

void vga_put_at(int row, int col, char ch, u8 attr)
{
	if (row >= 0 && row < VGA_ROWS && col >= 0 && col < VGA_COLS)
		vga_mem()[row * VGA_COLS + col] = (u16)(attr << 8 | (u8)ch);
}

void vga_init(void)
{
	static const char title[] = " Tessera ";
	u16 *m = vga_mem();
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		m[i] = 0x0720;
	for (int c = 0; c < VGA_COLS; c++)
		vga_put_at(0, c, ' ', 0x70);
	for (int c = 0; title[c]; c++)
		vga_put_at(0, c + 1, title[c], 0x70);
	/* Hide the hardware cursor. */
	outb(0x3D4, 0x0A);
	outb(0x3D5, 0x20);
}

/* Called from the timer interrupt: turn the spinner in the title bar. */
void vga_spin(u64 ticks)
{
	static const char spin[] = "|/-\\";
	vga_put_at(0, VGA_COLS - 2, spin[(ticks / 16) & 3], 0x70);
}
