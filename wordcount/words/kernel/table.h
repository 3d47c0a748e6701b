/*
 * table.h: the counting table (open addressing, keys read in place and hashed by hand)
 * and the arena its long keys live in; table.c holds what the scan's hot loop does not.
 * The functions the hot loop calls (hash_short, table_add_short, table_add) are inline
 * here, so that they inline into scanner.c's scan as they did when it was one file.
 */
#ifndef WORDCOUNT_KERNEL_TABLE_H
#define WORDCOUNT_KERNEL_TABLE_H

#include "kernel.h"


/* ------------------------------------------------------------------------------------ */
/* Keys, hashing, comparing                                                              */
/* ------------------------------------------------------------------------------------ */
/*
 * A table's keys are ORed with its mask `m` as they are read: 0 (exact bytes), or 0x20
 * in every byte for ASCII words when not case-sensitive.  OR 0x20 lowercases A-Z and
 * leaves a-z, 0-9 and the apostrophe unchanged, and words are made of nothing else, so on
 * words it is exactly ASCII lowercasing.  Keys are stored already lowercased.
 *
 * A key of at most 16 bytes ("short", nearly every word) lives in its slot: the bytes,
 * zero-padded, as two 64-bit words (a, b).  No token byte is 0 (NUL is a separator), so
 * (a, b) determines the key and its length.  A longer key is copied into the arena.
 */

#define SHORT_KEY 16

/* lenmask[n]: n bytes of 0xff, then zeros */
static const unsigned char lenmask[SHORT_KEY + 1][16]
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((aligned(16)))
#endif
    = {
#define LM(n)                                                                            \
    {(0 < n) * 255, (1 < n) * 255, (2 < n) * 255, (3 < n) * 255, (4 < n) * 255,          \
     (5 < n) * 255, (6 < n) * 255, (7 < n) * 255, (8 < n) * 255, (9 < n) * 255,          \
     (10 < n) * 255, (11 < n) * 255, (12 < n) * 255, (13 < n) * 255, (14 < n) * 255,     \
     (15 < n) * 255}
        LM(0),  LM(1),  LM(2),  LM(3),  LM(4),  LM(5),  LM(6),  LM(7),  LM(8),
        LM(9),  LM(10), LM(11), LM(12), LM(13), LM(14), LM(15), LM(16),
#undef LM
};

static ALWAYS_INLINE uint64_t
rd8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static ALWAYS_INLINE uint64_t
rd4(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static ALWAYS_INLINE uint64_t
mum(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)(r >> 64) ^ (uint64_t)r;
#else
    uint64_t ha = a >> 32, hb = b >> 32, la = (uint32_t)a, lb = (uint32_t)b;
    uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
    uint64_t t = rl + (rm0 << 32), c = t < rl;
    uint64_t lo = t + (rm1 << 32);
    c += lo < t;
    uint64_t hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
    return hi ^ lo;
#endif
}

#define H_S0 0xa0761d6478bd642full
#define H_S1 0xe7037ed1a0b428dbull
#define H_S2 0x8ebc6af09c88c6e3ull

/* Per-process hash seeds: taken from Python's (randomised) string hash at import, so
 * that colliding keys cannot be prepared in advance. */
extern KERNEL_HIDDEN uint64_t seed0, seed1;

/* Seed the hash once per process from Python's randomised string hash; 0, or -1 with an
 * exception. */
KERNEL_HIDDEN int init_seeds(void);

static ALWAYS_INLINE uint64_t
hash_short(uint64_t a, uint64_t b)
{
    return mum(a ^ seed0, b ^ seed1);
}

/* ------------------------------------------------------------------------------------ */
/* Arena: long keys are copied here once, the first time a distinct key is seen          */
/* ------------------------------------------------------------------------------------ */

typedef struct Block {
    struct Block *next;
    size_t used;
    size_t cap;
    unsigned char data[];
} Block;

typedef struct {
    Block *head;
} Arena;

KERNEL_HIDDEN unsigned char *arena_alloc(Arena *a, size_t n);
KERNEL_HIDDEN void arena_free(Arena *a);

/* ------------------------------------------------------------------------------------ */
/* Counting table: open addressing, linear probing, power-of-two capacity, load <= 0.7  */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    /* len <= 16: the key, zero-padded.  len > 16: k0 = its address in the arena,
     * k1 = its hash.  len == 0: an empty slot (no key is empty). */
    uint64_t k0, k1;
    uint64_t count;
    size_t len;
} Slot;

typedef struct {
    Slot *slots;
    size_t cap;    /* 0 or a power of two */
    size_t used;
    size_t limit;  /* grow when used would pass this */
    uint64_t mask; /* OR mask of this table's keys */
    /* Place keys by their hash's high bits, not its low bits: see table_home. */
    int by_high_bits;
    unsigned shift; /* 64 - log2(cap), for by_high_bits */
} Table;

/* Where a key of hash h starts its probe in a table of capacity cap (shift: 64 - log2).
 * A scanner's table holds its keys in the order of their hashes' low bits, and so does
 * every dict or packed buffer made from it; a Tally adding such keys by the same bits
 * into a table still smaller than theirs piles them into one run (linear probing gone
 * quadratic: five million distinct words took 150 s instead of 6).  So a Tally places
 * keys by their high bits (Fibonacci hashing), which that order does not correlate with. */
static ALWAYS_INLINE size_t
table_home(int by_high_bits, uint64_t h, size_t cap, unsigned shift)
{
    if (by_high_bits)
        return (size_t)((h * 0x9E3779B97F4A7C15ull) >> shift);
    return (size_t)h & (cap - 1);
}

/* The slow paths of table_add_short and table_add_n, and the rest (table.c). */
KERNEL_HIDDEN NOINLINE int table_insert_short(Table *t, uint64_t a, uint64_t b, size_t len,
                                              uint64_t h, uint64_t n);
KERNEL_HIDDEN NOINLINE int table_add_long(Table *t, Arena *arena, const unsigned char *p,
                                          size_t len, uint64_t n);
/* The key of a slot as bytes (points into buf for a short key). */
KERNEL_HIDDEN const unsigned char *slot_key(const Slot *s, unsigned char buf[16]);
/* Empty the table, keeping its slots unless they are many. */
KERNEL_HIDDEN void table_clear(Table *t);
KERNEL_HIDDEN void table_free(Table *t);
/* The table as a new dict {bytes: int}, or NULL with an exception. */
KERNEL_HIDDEN PyObject *table_to_dict(const Table *t);

static ALWAYS_INLINE uint64_t
slot_hash(const Slot *s)
{
    return s->len <= SHORT_KEY ? hash_short(s->k0, s->k1) : s->k1;
}

/* Count n occurrences of the short key (a, b) of length len (1..16), already masked. */
static ALWAYS_INLINE int
table_add_short(Table *t, uint64_t a, uint64_t b, size_t len, uint64_t n)
{
    uint64_t h = hash_short(a, b);
    if (LIKELY(t->cap != 0)) {
        size_t mask = t->cap - 1;
        size_t j = table_home(t->by_high_bits, h, t->cap, t->shift);
        for (;;) {
            Slot *s = &t->slots[j];
            if (s->k0 == a && s->k1 == b && s->len == len) {
                if (UNLIKELY(s->count > UINT64_MAX - n))
                    return -2;
                s->count += n;
                return 0;
            }
            if (s->len == 0)
                break;
            j = (j + 1) & mask;
        }
    }
    return table_insert_short(t, a, b, len, h, n);
}

/* Count n occurrences of the key p[0:len], any length >= 1. */
static ALWAYS_INLINE int
table_add_n(Table *t, Arena *arena, const unsigned char *p, size_t len, uint64_t n)
{
    if (LIKELY(len <= SHORT_KEY)) {
        unsigned char buf[16] = {0};
        if (len == 0)
            return 0;
        memcpy(buf, p, len);
        uint64_t a = (rd8(buf) | t->mask) & rd8(lenmask[len]);
        uint64_t b = (rd8(buf + 8) | t->mask) & rd8(lenmask[len] + 8);
        return table_add_short(t, a, b, len, n);
    }
    return table_add_long(t, arena, p, len, n);
}

/* Count one occurrence of the key p[0:len], any length >= 1. */
static ALWAYS_INLINE int
table_add(Table *t, Arena *arena, const unsigned char *p, size_t len)
{
    return table_add_n(t, arena, p, len, 1);
}


/* The Tally type (tally.c). */
extern KERNEL_HIDDEN PyTypeObject TallyType;

#endif /* WORDCOUNT_KERNEL_TABLE_H */
