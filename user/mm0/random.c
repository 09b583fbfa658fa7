/*
 * Random bytes for processes: getrandom, /dev/urandom, /dev/random and
 * the 16 bytes of AT_RANDOM every Linux program starts with.
 *
 * A ChaCha20 generator whose key is replaced after every request ("fast
 * key erasure": what was handed out cannot be computed back from the
 * state).  Entropy comes from the CPU: RDSEED or RDRAND where CPUID says
 * they exist (both work in user mode), else the low bits of the TSC read
 * around work whose length varies; some is mixed into the key before
 * every request, so the output never repeats from one boot to the next
 * even without a hardware source.
 */
#include <stdbool.h>
#include <string.h>

#include "mm0.h"

static uint32_t key[8];
static uint64_t counter;
static bool have_rdrand, have_rdseed, ready;

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b;                                                        \
		d = rotl(d ^ a, 16);                                           \
		c += d;                                                        \
		b = rotl(b ^ c, 12);                                           \
		a += b;                                                        \
		d = rotl(d ^ a, 8);                                            \
		c += d;                                                        \
		b = rotl(b ^ c, 7);                                            \
	} while (0)

/* One ChaCha20 block of the key at `counter`. */
static void chacha_block(uint32_t out[16])
{
	uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	for (int i = 0; i < 8; i++)
		s[4 + i] = key[i];
	s[12] = (uint32_t)counter;
	s[13] = (uint32_t)(counter >> 32);
	s[14] = s[15] = 0;
	counter++;
	uint32_t x[16];
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

/* One word from the hardware: RDSEED (a conditioned entropy source),
 * else RDRAND (a DRBG the CPU reseeds); false if neither answers. */
static bool hw_word(uint64_t *out)
{
	uint8_t ok;
	for (int i = 0; have_rdseed && i < 4; i++) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	for (int i = 0; have_rdrand && i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* A word of timing jitter: TSC deltas around a little work whose cost
 * depends on the cache and on what ran before. */
static uint64_t jitter_word(void)
{
	uint64_t acc = 0;
	volatile uint32_t sink = 0;
	for (int i = 0; i < 64; i++) {
		uint64_t t0 = rdtsc();
		for (uint32_t j = 0; j < (uint32_t)(t0 & 31) + 8; j++)
			sink += j * (uint32_t)t0;
		uint64_t d = rdtsc() - t0;
		acc = (acc << 5 | acc >> 59) ^ d;
	}
	return acc ^ sink;
}

/* Fold fresh entropy into the key. */
static void stir(void)
{
	uint32_t block[16];
	for (int i = 0; i < 4; i++) {
		uint64_t w;
		if (!hw_word(&w))
			w = jitter_word();
		key[2 * i] ^= (uint32_t)w;
		key[2 * i + 1] ^= (uint32_t)(w >> 32);
	}
	key[0] ^= (uint32_t)rdtsc();
	chacha_block(block);
	memcpy(key, block, sizeof(key));
}

void random_bytes(void *buf, size_t n)
{
	uint32_t block[16];
	uint8_t *p = buf;

	if (!ready) {
		uint32_t r[4];
		cpuid(0, 0, r);
		uint32_t max = r[0];
		cpuid(1, 0, r);
		have_rdrand = r[2] & (1u << 30);
		if (max >= 7) {
			cpuid(7, 0, r);
			have_rdseed = r[1] & (1u << 18);
		}
		for (int i = 0; i < 8; i++)
			key[i] = (uint32_t)jitter_word();
		ready = true;
	}
	stir();
	while (n) {
		chacha_block(block);
		size_t k = n < sizeof(block) ? n : sizeof(block);
		memcpy(p, block, k);
		p += k;
		n -= k;
	}
	chacha_block(block); /* the next key: the one just used is gone */
	memcpy(key, block, sizeof(key));
	memset(block, 0, sizeof(block));
}
