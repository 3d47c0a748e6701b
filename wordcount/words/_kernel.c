/*
 * _kernel: the counting kernel of wordcount, the hot loop in C.
 *
 * Scanner.feed(buffer) finds the raw tokens of a text that arrives in chunks and counts
 * them: all-ASCII raw tokens are split into words here (the rule's ASCII step) and the
 * words counted; raw tokens holding a byte >= 0x80 are counted as they are, for Python
 * to convert once per distinct token.  The raw tokens, long runs included, are those of
 * tokens.TextCounter, the pure-Python path: it is the specification, and the tests hold
 * this to it.
 *
 *     buffer ─16-byte windows, classified at once─▶ token boundaries
 *            ─letters and digits only─▶ the words table (key read in place, lowercased)
 *            ─a byte >= 0x80─────────▶ the raw table
 *            ─' . : ^ ` < = >────────▶ split into ASCII words ─▶ the words table
 *     take() ─▶ ({ASCII word: n}, {non-ASCII raw token: n})
 *
 * Threading: the scan of a buffer runs without the GIL and touches no Python object.
 * A Scanner is used by one thread at a time; a second thread gets RuntimeError (the
 * "busy" flag is taken with an atomic exchange, so this also holds without a GIL).
 *
 * Memory: everything the scan allocates comes from PyMem_Raw* (callable without the
 * GIL).  A failed allocation stops the scan, and the method raises MemoryError once it
 * holds the GIL again.  Sizes are checked before they are computed.  The caller's buffer
 * is read in place, never copied, and never read outside [0, len).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#define KERNEL_POSIX_FILES 1
#endif

#if defined(__SSE2__) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(KERNEL_NO_SIMD)
#include <emmintrin.h>
#define KERNEL_SSE2 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define ALWAYS_INLINE inline
#endif

/* Buffers shorter than this are scanned without releasing the GIL: releasing it costs
 * more than the scan, and taking it back can wait a whole switch interval (5 ms) when
 * another thread runs Python code. */
#define RELEASE_GIL_MIN_BYTES 4096

/* end_text() frees a carry buffer bigger than this (it grows up to max_run_bytes + 1). */
#define CARRY_KEEP_BYTES (64 * 1024)

/* ------------------------------------------------------------------------------------ */
/* Byte classes                                                                          */
/* ------------------------------------------------------------------------------------ */

enum {
    C_TOK = 1,          /* token byte: not a safe separator */
    C_ALNUM = 2,        /* ASCII letter or digit */
    C_HIGH = 4,         /* >= 0x80 */
    C_SPECIAL = 8,      /* one of ' . : ^ ` < = > */
    C_NI = 16,          /* ASCII, not case-ignorable (see reference.py) */
    C_CUT_ALWAYS = 32,  /* < = > */
    C_CUT_BETWEEN = 64, /* . : ^ ` */
};

static unsigned char cls[256];

static void
init_classes(void)
{
    for (int b = 0; b < 256; b++) {
        unsigned char c = 0;
        int alnum = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
        int special = b == '\'' || b == '.' || b == ':' || b == '^' || b == '`' || b == '<' ||
                      b == '=' || b == '>';
        if (alnum)
            c |= C_ALNUM | C_TOK;
        if (special)
            c |= C_SPECIAL | C_TOK;
        if (b >= 0x80)
            c |= C_HIGH | C_TOK;
        if ((b <= 0x26) || (b >= 0x28 && b <= 0x2d) || (b >= 0x2f && b <= 0x39) ||
            (b >= 0x3b && b <= 0x5d) || b == 0x5f || (b >= 0x61 && b <= 0x7f))
            c |= C_NI;
        if (b == '<' || b == '=' || b == '>')
            c |= C_CUT_ALWAYS;
        if (b == '.' || b == ':' || b == '^' || b == '`')
            c |= C_CUT_BETWEEN;
        cls[b] = c;
    }
}

/* ------------------------------------------------------------------------------------ */
/* Allocation (GIL not needed), with an optional fault injector for the tests            */
/* ------------------------------------------------------------------------------------ */

#ifdef KERNEL_FAULT_INJECTION
/* Fail the allocation after this many more succeed; -1: never.  Test builds only. */
static long fault_countdown = -1;
static int
fault_now(void)
{
    long n = __atomic_load_n(&fault_countdown, __ATOMIC_RELAXED);
    if (n < 0)
        return 0;
    if (n == 0) {
        __atomic_store_n(&fault_countdown, -1, __ATOMIC_RELAXED);
        return 1;
    }
    __atomic_store_n(&fault_countdown, n - 1, __ATOMIC_RELAXED);
    return 0;
}
#define FAULT() fault_now()
#else
#define FAULT() 0
#endif

static void *
k_malloc(size_t n)
{
    if (FAULT())
        return NULL;
    return PyMem_RawMalloc(n);
}

static void *
k_calloc(size_t count, size_t size)
{
    if (FAULT())
        return NULL;
    return PyMem_RawCalloc(count, size);
}

static void *
k_realloc(void *p, size_t n)
{
    if (FAULT())
        return NULL;
    return PyMem_RawRealloc(p, n);
}

static void
k_free(void *p)
{
    PyMem_RawFree(p);
}

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
static uint64_t seed0 = H_S0, seed1 = H_S1;

static ALWAYS_INLINE uint64_t
hash_short(uint64_t a, uint64_t b)
{
    return mum(a ^ seed0, b ^ seed1);
}

/* Hash of a long key p[0:len] (len > 16), every byte ORed with m; reads only inside it. */
static uint64_t
hash_long(const unsigned char *p, size_t len, uint64_t m)
{
    uint64_t seed = seed0 ^ (uint64_t)len;
    size_t i = len;
    while (i > 16) {
        seed = mum((rd8(p) | m) ^ seed1, (rd8(p + 8) | m) ^ seed);
        p += 16;
        i -= 16;
    }
    /* the last 16 bytes, overlapping what was hashed already */
    uint64_t a = rd8(p + i - 16) | m;
    uint64_t b = rd8(p + i - 8) | m;
    return mum(H_S2 ^ (uint64_t)len, mum(a ^ seed1, b ^ seed));
}

/* key[0:len] == (p[0:len] | m) for len > 16?  Reads only inside both. */
static int
long_key_equal(const unsigned char *key, const unsigned char *p, size_t len, uint64_t m)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        if ((rd8(p + i) | m) != rd8(key + i))
            return 0;
    }
    if (i < len)
        return (rd8(p + len - 8) | m) == rd8(key + len - 8);
    return 1;
}

/* ------------------------------------------------------------------------------------ */
/* Arena: long keys are copied here once, the first time a distinct key is seen          */
/* ------------------------------------------------------------------------------------ */

#define ARENA_BLOCK_BYTES (64 * 1024)

typedef struct Block {
    struct Block *next;
    size_t used;
    size_t cap;
    unsigned char data[];
} Block;

typedef struct {
    Block *head;
} Arena;

static unsigned char *
arena_alloc(Arena *a, size_t n)
{
    Block *b = a->head;
    if (b != NULL && b->cap - b->used >= n) {
        unsigned char *r = b->data + b->used;
        b->used += n;
        return r;
    }
    size_t cap = n > ARENA_BLOCK_BYTES ? n : ARENA_BLOCK_BYTES;
    if (cap > SIZE_MAX - sizeof(Block))
        return NULL;
    Block *nb = (Block *)k_malloc(sizeof(Block) + cap);
    if (nb == NULL)
        return NULL;
    nb->cap = cap;
    nb->used = n;
    if (b != NULL && b->cap - b->used >= ARENA_BLOCK_BYTES / 8) {
        /* the current block still has room: keep filling it, put the new one behind */
        nb->next = b->next;
        b->next = nb;
    }
    else {
        nb->next = b;
        a->head = nb;
    }
    return nb->data;
}

static void
arena_free(Arena *a)
{
    Block *b = a->head;
    while (b != NULL) {
        Block *next = b->next;
        k_free(b);
        b = next;
    }
    a->head = NULL;
}

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

#define TABLE_INITIAL_CAP 1024
/* An emptied table keeps up to this many slots; a bigger one is freed. */
#define TABLE_KEEP_CAP ((size_t)1 << 15)

static ALWAYS_INLINE uint64_t
slot_hash(const Slot *s)
{
    return s->len <= SHORT_KEY ? hash_short(s->k0, s->k1) : s->k1;
}

static int
table_grow(Table *t)
{
    size_t ncap;
    if (t->cap == 0) {
        ncap = TABLE_INITIAL_CAP;
    }
    else {
        if (t->cap > (SIZE_MAX / sizeof(Slot)) / 2)
            return -1;
        ncap = t->cap * 2;
    }
    Slot *ns = (Slot *)k_calloc(ncap, sizeof(Slot));
    if (ns == NULL)
        return -1;
    size_t nmask = ncap - 1;
    unsigned nshift = 64;
    for (size_t c = ncap; c > 1; c >>= 1)
        nshift--;
    for (size_t i = 0; i < t->cap; i++) {
        Slot *s = &t->slots[i];
        if (s->len == 0)
            continue;
        size_t j = table_home(t->by_high_bits, slot_hash(s), ncap, nshift);
        while (ns[j].len != 0)
            j = (j + 1) & nmask;
        ns[j] = *s;
    }
    k_free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    t->shift = nshift;
    t->limit = ncap / 10 * 7;
    return 0;
}

/* Insert a new key, counted n times, at its first free slot; the caller has made room. */
static ALWAYS_INLINE void
table_put(Table *t, uint64_t h, uint64_t k0, uint64_t k1, size_t len, uint64_t n)
{
    size_t mask = t->cap - 1;
    size_t j = table_home(t->by_high_bits, h, t->cap, t->shift);
    while (t->slots[j].len != 0)
        j = (j + 1) & mask;
    Slot *s = &t->slots[j];
    s->k0 = k0;
    s->k1 = k1;
    s->len = len;
    s->count = n;
    t->used++;
}

static NOINLINE int
table_insert_short(Table *t, uint64_t a, uint64_t b, size_t len, uint64_t h, uint64_t n)
{
    if (t->used + 1 > t->limit) {
        if (table_grow(t) < 0)
            return -1;
    }
    table_put(t, h, a, b, len, n);
    return 0;
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

/* Count n occurrences of the long key p[0:len] (len > 16, ORed with the mask). */
static NOINLINE int
table_add_long(Table *t, Arena *arena, const unsigned char *p, size_t len, uint64_t n)
{
    uint64_t h = hash_long(p, len, t->mask);
    if (t->cap != 0) {
        size_t mask = t->cap - 1;
        size_t j = table_home(t->by_high_bits, h, t->cap, t->shift);
        for (;;) {
            Slot *s = &t->slots[j];
            if (s->len == 0)
                break;
            if (s->len == len && s->k1 == h &&
                long_key_equal((const unsigned char *)(uintptr_t)s->k0, p, len, t->mask)) {
                if (UNLIKELY(s->count > UINT64_MAX - n))
                    return -2;
                s->count += n;
                return 0;
            }
            j = (j + 1) & mask;
        }
    }
    if (t->used + 1 > t->limit) {
        if (table_grow(t) < 0)
            return -1;
    }
    unsigned char *key = arena_alloc(arena, len);
    if (key == NULL)
        return -1;
    unsigned char m1 = (unsigned char)t->mask;
    for (size_t i = 0; i < len; i++)
        key[i] = (unsigned char)(p[i] | m1);
    table_put(t, h, (uint64_t)(uintptr_t)key, h, len, n);
    return 0;
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

/* The key of a slot as bytes (points into buf for a short key). */
static const unsigned char *
slot_key(const Slot *s, unsigned char buf[16])
{
    if (s->len <= SHORT_KEY) {
        memcpy(buf, &s->k0, 8);
        memcpy(buf + 8, &s->k1, 8);
        return buf;
    }
    return (const unsigned char *)(uintptr_t)s->k0;
}

/* Empty the table, keeping its slots unless they are many. */
static void
table_clear(Table *t)
{
    if (t->cap > TABLE_KEEP_CAP) {
        k_free(t->slots);
        t->slots = NULL;
        t->cap = 0;
        t->limit = 0;
    }
    else if (t->slots != NULL) {
        memset(t->slots, 0, t->cap * sizeof(Slot));
    }
    t->used = 0;
}

static void
table_free(Table *t)
{
    k_free(t->slots);
    t->slots = NULL;
    t->cap = 0;
    t->used = 0;
    t->limit = 0;
}

/* ------------------------------------------------------------------------------------ */
/* The Scanner                                                                           */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    int busy;           /* taken by the method running now (atomic exchange) */
    int case_sensitive;
    size_t max_run;     /* L */
    Table words;        /* ASCII words */
    Table raw;          /* raw tokens with a byte >= 0x80 */
    Arena arena;        /* long keys of both tables */
    /* The run of token bytes that the last chunk ended inside: while it is at most L
     * bytes, carry holds it; once longer (long mode), carry holds its open piece. */
    unsigned char *carry;
    size_t carry_len;
    size_t carry_cap;
    int in_run;     /* the last chunk ended inside a run */
    int long_mode;  /* that run is longer than L */
    int skipping;   /* long mode: the open piece is longer than L + 1 (not kept) */
    unsigned char prev1, prev2; /* long mode: the last two bytes of the run */
    uint64_t skipped;           /* runs skipped in the current text */
} Scanner;

/* Count the words of an all-ASCII raw token: the matches of
 * [A-Za-z0-9]+(?:'[A-Za-z0-9]+)* */
static NOINLINE int
count_ascii_token(Scanner *s, const unsigned char *p, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && !(cls[p[i]] & C_ALNUM))
            i++;
        if (i >= len)
            return 0;
        size_t start = i;
        for (;;) {
            while (i < len && (cls[p[i]] & C_ALNUM))
                i++;
            /* a single apostrophe between letters/digits stays inside the word */
            if (i + 1 < len && p[i] == '\'' && (cls[p[i + 1]] & C_ALNUM)) {
                i++;
                continue;
            }
            break;
        }
        if (table_add(&s->words, &s->arena, p + start, i - start) < 0)
            return -1;
    }
}

/* The quotes and dashes that English text puts next to ASCII words, in UTF-8: E2 80 then
 * 98 ‘, 99 ’, 9C “, 9D ”, 93 – or 94 —.  In a raw token whose other bytes are ASCII the
 * rule reads ’ as its apostrophe and the others as separators, exactly as
 * conversion.QUOTES_AS_ASCII does (tests/test_tokens.py derives that from the Unicode
 * database), so such a token is split into words here rather than in Python.  A longer
 * token, or one with any other byte >= 0x80, goes to the raw table. */
#define QUOTED_TOKEN_MAX 256

static NOINLINE int
count_non_ascii_token(Scanner *s, const unsigned char *p, size_t len)
{
    unsigned char ascii[QUOTED_TOKEN_MAX];
    size_t n = 0;
    if (len > QUOTED_TOKEN_MAX)
        return table_add(&s->raw, &s->arena, p, len);
    for (size_t i = 0; i < len;) {
        unsigned char b = p[i];
        if (b < 0x80) {
            ascii[n++] = b;
            i++;
            continue;
        }
        if (b != 0xE2 || i + 2 >= len || p[i + 1] != 0x80)
            return table_add(&s->raw, &s->arena, p, len);
        switch (p[i + 2]) {
        case 0x99:
            ascii[n++] = '\'';
            break;
        case 0x98:
        case 0x9C:
        case 0x9D:
        case 0x93:
        case 0x94:
            ascii[n++] = ' ';
            break;
        default:
            return table_add(&s->raw, &s->arena, p, len);
        }
        i += 3;
    }
    return count_ascii_token(s, ascii, n);
}

/* Count one raw token of at most L bytes; `acc` is the OR of the classes of its bytes. */
static int
count_token(Scanner *s, const unsigned char *p, size_t len, unsigned acc)
{
    if (acc & C_HIGH)
        return count_non_ascii_token(s, p, len);
    if (acc & C_SPECIAL)
        return count_ascii_token(s, p, len);
    return table_add(&s->words, &s->arena, p, len);
}

static unsigned
classes_of(const unsigned char *p, size_t len)
{
    unsigned acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= cls[p[i]];
    return acc;
}

/* A piece of a long run that has ended: counted, or skipped if longer than L. */
static int
count_piece(Scanner *s, const unsigned char *p, size_t len)
{
    if (len == 0)
        return 0;
    if (len > s->max_run) {
        s->skipped++;
        return 0;
    }
    return count_token(s, p, len, classes_of(p, len));
}

/* Make room for `need` bytes in the carry (need <= L + 1). */
static int
carry_reserve(Scanner *s, size_t need)
{
    if (need <= s->carry_cap)
        return 0;
    size_t cap = s->carry_cap < 64 ? 64 : s->carry_cap;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    size_t limit = s->max_run + 1; /* max_run < PY_SSIZE_T_MAX: no overflow */
    if (cap > limit)
        cap = limit;
    if (cap < need)
        cap = need;
    unsigned char *n = (unsigned char *)k_realloc(s->carry, cap);
    if (n == NULL)
        return -1;
    s->carry = n;
    s->carry_cap = cap;
    return 0;
}

/* The carried run has just reached L + 1 bytes: it is a long run.  Count the pieces
 * before its last cut that can be decided now, and keep the open piece. */
static int
enter_long_mode(Scanner *s)
{
    unsigned char *r = s->carry;
    size_t n = s->carry_len; /* L + 1 >= 2 */
    size_t ps = 0;
    for (size_t c = 1; c < n; c++) {
        unsigned char b = r[c];
        /* a cut before r[c-1] (one of . : ^ `), decided by r[c] */
        if (c >= 2 && (cls[r[c - 1]] & C_CUT_BETWEEN) && (cls[r[c - 2]] & C_NI) &&
            (cls[b] & C_NI)) {
            if (count_piece(s, r + ps, c - 1 - ps) < 0)
                return -1;
            ps = c - 1;
        }
        if (cls[b] & C_CUT_ALWAYS) {
            if (count_piece(s, r + ps, c - ps) < 0)
                return -1;
            ps = c;
        }
    }
    s->prev1 = r[n - 1];
    s->prev2 = r[n - 2];
    memmove(r, r + ps, n - ps);
    s->carry_len = n - ps;
    s->long_mode = 1;
    s->skipping = 0;
    return 0;
}

/* The next bytes p[0:k] of a long run (the carry has room for L + 1 bytes). */
static int
long_feed(Scanner *s, const unsigned char *p, size_t k)
{
    size_t L = s->max_run;
    for (size_t i = 0; i < k; i++) {
        unsigned char b = p[i];
        unsigned char p1 = s->prev1;
        unsigned cb = cls[b];
        if (UNLIKELY((cls[p1] & C_CUT_BETWEEN) && (cls[s->prev2] & C_NI) && (cb & C_NI))) {
            /* a cut before p1, the last byte of the open piece */
            if (s->skipping)
                s->skipped++;
            else if (count_piece(s, s->carry, s->carry_len - 1) < 0)
                return -1;
            s->carry[0] = p1;
            s->carry_len = 1;
            s->skipping = 0;
        }
        if (UNLIKELY(cb & C_CUT_ALWAYS)) {
            if (s->skipping)
                s->skipped++;
            else if (count_piece(s, s->carry, s->carry_len) < 0)
                return -1;
            s->carry_len = 0;
            s->skipping = 0;
        }
        if (!s->skipping) {
            if (s->carry_len > L) {
                /* L + 1 bytes and one more: longer than L whatever comes */
                s->skipping = 1;
                s->carry_len = 0;
            }
            else {
                s->carry[s->carry_len++] = b;
            }
        }
        s->prev2 = p1;
        s->prev1 = b;
    }
    return 0;
}

static void
reset_run(Scanner *s)
{
    s->carry_len = 0;
    s->in_run = 0;
    s->long_mode = 0;
    s->skipping = 0;
}

/* Append token bytes p[0:k] to the current run. */
static int
run_append(Scanner *s, const unsigned char *p, size_t k)
{
    if (!s->long_mode) {
        size_t room = s->max_run + 1 - s->carry_len; /* >= 1 */
        if (k < room) {
            if (k == 0)
                return 0;
            if (carry_reserve(s, s->carry_len + k) < 0)
                return -1;
            memcpy(s->carry + s->carry_len, p, k);
            s->carry_len += k;
            return 0;
        }
        if (carry_reserve(s, s->max_run + 1) < 0)
            return -1;
        memcpy(s->carry + s->carry_len, p, room);
        s->carry_len += room;
        if (enter_long_mode(s) < 0)
            return -1;
        p += room;
        k -= room;
    }
    return long_feed(s, p, k);
}

/* The current run ended (a separator, or the end of the text). */
static int
run_end(Scanner *s)
{
    int rc = 0;
    if (s->in_run) {
        if (!s->long_mode) {
            if (s->carry_len)
                rc = count_token(s, s->carry, s->carry_len, classes_of(s->carry, s->carry_len));
        }
        else if (s->skipping) {
            s->skipped++;
        }
        else {
            rc = count_piece(s, s->carry, s->carry_len);
        }
    }
    reset_run(s);
    return rc;
}

/* A run that starts at p[0] and ends before p[len] (len == n: it may go on in the next
 * chunk), when it is long or unfinished: through the carry. */
static NOINLINE int
slow_run(Scanner *s, const unsigned char *p, size_t len, int finished)
{
    s->in_run = 1;
    if (run_append(s, p, len) < 0)
        return -1;
    return finished ? run_end(s) : 0;
}

/* Length of the run of token bytes at p[0:n]. */
static size_t
token_length(const unsigned char *p, size_t n)
{
    size_t j = 0;
    while (j + 8 <= n) {
        /* eight at a time, branch-free within */
        unsigned t = cls[p[j]] & cls[p[j + 1]] & cls[p[j + 2]] & cls[p[j + 3]] &
                     cls[p[j + 4]] & cls[p[j + 5]] & cls[p[j + 6]] & cls[p[j + 7]];
        if (!(t & C_TOK))
            break;
        j += 8;
    }
    while (j < n && (cls[p[j]] & C_TOK))
        j++;
    return j;
}

/* Bit k of *tok: p[k] is a token byte; of *high: p[k] >= 0x80; of *special: p[k] is one
 * of the eight ' . : ^ ` < = >; for the 16 bytes p[0:16]. */
#ifdef KERNEL_SSE2
static ALWAYS_INLINE void
classify16(const unsigned char *p, unsigned *tok, unsigned *high, unsigned *special)
{
    /* x in [lo, hi] as bytes: (int8)(x + 128 - lo) < (int8)(hi - lo + 1 - 128) */
#define IN_RANGE(x, lo, hi)                                                              \
    _mm_cmplt_epi8(_mm_add_epi8((x), _mm_set1_epi8((char)(128 - (lo)))),                 \
                   _mm_set1_epi8((char)((hi) - (lo) + 1 - 128)))
#define EQ(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8(c))
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alnum = _mm_or_si128(IN_RANGE(lower, 'a', 'z'), IN_RANGE(v, '0', '9'));
    __m128i sp = _mm_or_si128(_mm_or_si128(EQ(v, '\''), EQ(v, '.')),
                              _mm_or_si128(EQ(v, ':'), EQ(v, '^')));
    sp = _mm_or_si128(sp, _mm_or_si128(EQ(v, '`'), IN_RANGE(v, '<', '>')));
#undef EQ
#undef IN_RANGE
    unsigned h = (unsigned)_mm_movemask_epi8(v);
    unsigned spm = (unsigned)_mm_movemask_epi8(sp);
    *tok = (unsigned)_mm_movemask_epi8(alnum) | spm | h;
    *high = h;
    *special = spm;
}
#else
/* The same with a table: bit 0 token, bit 16 high, bit 32 special, shifted by k. */
static uint64_t cls16[256];

static void
init_cls16(void)
{
    for (int b = 0; b < 256; b++) {
        cls16[b] = (uint64_t)((cls[b] & C_TOK) != 0) | ((uint64_t)((cls[b] & C_HIGH) != 0) << 16) |
                   ((uint64_t)((cls[b] & C_SPECIAL) != 0) << 32);
    }
}

static ALWAYS_INLINE void
classify16(const unsigned char *p, unsigned *tok, unsigned *high, unsigned *special)
{
    uint64_t acc = 0;
    for (unsigned k = 0; k < 16; k++)
        acc |= cls16[p[k]] << k;
    *tok = (unsigned)(acc & 0xffffu);
    *high = (unsigned)((acc >> 16) & 0xffffu);
    *special = (unsigned)((acc >> 32) & 0xffffu);
}
#endif

/* The short key (a, b) of the len (<= 16) bytes at p, ORed with m, when 16 bytes can be
 * read at p. */
static ALWAYS_INLINE void
short_key_at(const unsigned char *p, unsigned len, uint64_t m, uint64_t *a, uint64_t *b)
{
#ifdef KERNEL_SSE2
    __m128i k = _mm_and_si128(_mm_or_si128(_mm_loadu_si128((const __m128i *)p),
                                           _mm_set1_epi64x((long long)m)),
                              _mm_load_si128((const __m128i *)lenmask[len]));
    *a = (uint64_t)_mm_cvtsi128_si64(k);
    *b = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(k, k));
#else
    *a = (rd8(p) | m) & rd8(lenmask[len]);
    *b = (rd8(p + 8) | m) & rd8(lenmask[len] + 8);
#endif
}

/* The index of the lowest set bit of x (x != 0, x < 2^16). */
static ALWAYS_INLINE unsigned
lowest_bit(unsigned x)
{
#if defined(__GNUC__) || defined(__clang__)
    return (unsigned)__builtin_ctz(x);
#else
    unsigned k = 0;
    while (!(x & 1u)) {
        x >>= 1;
        k++;
    }
    return k;
#endif
}

/* Scan one buffer.  No Python object is touched: this runs without the GIL.
 * Returns 0, or -1 when memory ran out (the current run is then dropped). */
static int
scan(Scanner *s, const unsigned char *p, size_t n)
{
    size_t i = 0;
    const size_t L = s->max_run;
    if (s->in_run) {
        size_t j = token_length(p, n);
        if (run_append(s, p, j) < 0)
            goto nomem;
        if (j == n)
            return 0;
        if (run_end(s) < 0)
            goto nomem;
        i = j;
    }
    if (n >= 32) {
        /* The fast path, on 16-byte windows at p[i:i+16] with i + 32 <= n: every load
         * below is inside p[0:n] (a token starts at most 15 bytes into the window, and
         * 16 bytes are read from its start). */
        const size_t last = n - 32;
        const uint64_t wmask = s->words.mask;
        while (i <= last) {
            unsigned tok, high, special;
            classify16(p + i, &tok, &high, &special);
            unsigned todo = tok; /* token bytes not yet handled */
            for (;;) {
                if (todo == 0) {
                    i += 16;
                    break;
                }
                unsigned st = lowest_bit(todo);
                unsigned after = ~tok & 0xffffu & ~((2u << st) - 1u);
                if (after == 0) {
                    /* the token reaches the end of the window */
                    if (st != 0) {
                        i += st; /* the next window starts at it */
                        break;
                    }
                    /* 16 token bytes or more */
                    size_t len = 16 + token_length(p + i + 16, n - i - 16);
                    int rc;
                    if (i + len == n || len > L)
                        rc = slow_run(s, p + i, len, i + len < n);
                    else
                        rc = count_token(s, p + i, len, classes_of(p + i, len));
                    if (rc < 0)
                        goto nomem;
                    i += len;
                    break;
                }
                unsigned e = lowest_bit(after);
                unsigned len = e - st; /* 1..15 */
                unsigned bits = ((1u << e) - 1u) & ~((1u << st) - 1u);
                const unsigned char *tp = p + i + st;
                todo = tok & ~((1u << e) - 1u);
                int rc;
                if (UNLIKELY(len > L)) {
                    rc = slow_run(s, tp, len, 1);
                }
                else if (LIKELY(!((high | special) & bits))) {
                    /* letters and digits only: one word, its key read in place */
                    uint64_t a, b;
                    short_key_at(tp, len, wmask, &a, &b);
                    rc = table_add_short(&s->words, a, b, len, 1);
                }
                else if (high & bits) {
                    rc = count_non_ascii_token(s, tp, len);
                }
                else {
                    rc = count_ascii_token(s, tp, len);
                }
                if (UNLIKELY(rc < 0))
                    goto nomem;
            }
        }
    }
    /* The portable path, and the last bytes of a buffer. */
    for (;;) {
        while (i < n && !(cls[p[i]] & C_TOK))
            i++;
        if (i >= n)
            return 0;
        size_t start = i;
        unsigned acc = 0;
        unsigned c;
        while (i < n && ((c = cls[p[i]]) & C_TOK)) {
            acc |= c;
            i++;
        }
        size_t len = i - start;
        int rc;
        if (UNLIKELY(i == n || len > L)) {
            rc = slow_run(s, p + start, len, i < n);
        }
        else if (!(acc & (C_HIGH | C_SPECIAL)) && len <= SHORT_KEY && n - start >= 16) {
            /* one short word, and 16 bytes to read from its start: no copy */
            uint64_t a, b;
            short_key_at(p + start, (unsigned)len, s->words.mask, &a, &b);
            rc = table_add_short(&s->words, a, b, len, 1);
        }
        else {
            rc = count_token(s, p + start, len, acc);
        }
        if (rc < 0)
            goto nomem;
    }
nomem:
    /* drop the run, and give its memory back: memory is short */
    reset_run(s);
    k_free(s->carry);
    s->carry = NULL;
    s->carry_cap = 0;
    return -1;
}

/* ------------------------------------------------------------------------------------ */
/* Python methods                                                                        */
/* ------------------------------------------------------------------------------------ */

/* Take an object's busy flag, or say it is in use (by another thread, or re-entered). */
static int
enter_busy(int *busy, const char *what)
{
#if defined(__GNUC__) || defined(__clang__)
    if (__atomic_exchange_n(busy, 1, __ATOMIC_ACQUIRE)) {
#else
    if (*busy) {
#endif
        PyErr_Format(PyExc_RuntimeError,
                     "this %s is in use by another thread (or re-entered)", what);
        return -1;
    }
#if !(defined(__GNUC__) || defined(__clang__))
    *busy = 1;
#endif
    return 0;
}

static void
leave_busy(int *busy)
{
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(busy, 0, __ATOMIC_RELEASE);
#else
    *busy = 0;
#endif
}

static int
scanner_enter(Scanner *s)
{
    return enter_busy(&s->busy, "Scanner");
}

static void
scanner_leave(Scanner *s)
{
    leave_busy(&s->busy);
}

static void
scanner_free_all(Scanner *s)
{
    table_free(&s->words);
    table_free(&s->raw);
    arena_free(&s->arena);
    k_free(s->carry);
    s->carry = NULL;
    s->carry_cap = 0;
    reset_run(s);
    s->skipped = 0;
}

static void
scanner_configure(Scanner *s, int case_sensitive, size_t max_run)
{
    s->case_sensitive = case_sensitive;
    s->max_run = max_run;
    s->words.mask = case_sensitive ? 0 : 0x2020202020202020ull;
    s->raw.mask = 0;
}

static PyObject *
Scanner_new(PyTypeObject *type, PyObject *Py_UNUSED(args), PyObject *Py_UNUSED(kwds))
{
    Scanner *s = (Scanner *)type->tp_alloc(type, 0); /* zeroed */
    if (s == NULL)
        return NULL;
    scanner_configure(s, 0, (size_t)1 << 20);
    return (PyObject *)s;
}

static int
Scanner_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"case_sensitive", "max_run_bytes", NULL};
    Scanner *s = (Scanner *)self;
    int case_sensitive = 0;
    Py_ssize_t max_run = (Py_ssize_t)1 << 20;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$pn:Scanner", kwlist, &case_sensitive,
                                     &max_run))
        return -1;
    if (max_run < 1) {
        PyErr_SetString(PyExc_ValueError, "max_run_bytes must be at least 1");
        return -1;
    }
    if (max_run > PY_SSIZE_T_MAX - 1) {
        PyErr_SetString(PyExc_OverflowError, "max_run_bytes is too large");
        return -1;
    }
    if (scanner_enter(s) < 0)
        return -1;
    /* __init__ again starts afresh */
    scanner_free_all(s);
    scanner_configure(s, case_sensitive, (size_t)max_run);
    scanner_leave(s);
    return 0;
}

static void
Scanner_dealloc(PyObject *self)
{
    scanner_free_all((Scanner *)self);
    Py_TYPE(self)->tp_free(self);
}

PyDoc_STRVAR(feed_doc,
             "feed($self, buffer, /)\n--\n\n"
             "Count the raw tokens of the next chunk of the current text.  `buffer` is\n"
             "any C-contiguous bytes-like object; it is read in place, without the GIL.");

/* Take the Scanner (as scanner_enter) and a C-contiguous view of arg, read in place; on
 * failure neither is held and an exception is set. */
static int
scanner_enter_with_buffer(Scanner *s, PyObject *arg, Py_buffer *view, const char *method)
{
    if (scanner_enter(s) < 0)
        return -1;
    if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) < 0) {
        scanner_leave(s);
        return -1;
    }
    if (view->len < 0 || (view->len > 0 && view->buf == NULL) || !PyBuffer_IsContiguous(view, 'C')) {
        PyBuffer_Release(view);
        scanner_leave(s);
        PyErr_Format(PyExc_BufferError, "%s() needs a C-contiguous buffer", method);
        return -1;
    }
    return 0;
}

static PyObject *
Scanner_feed(PyObject *self, PyObject *arg)
{
    Scanner *s = (Scanner *)self;
    Py_buffer view;
    int rc;
    if (scanner_enter_with_buffer(s, arg, &view, "feed") < 0)
        return NULL;
    if (view.len >= RELEASE_GIL_MIN_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        rc = scan(s, (const unsigned char *)view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS
    }
    else {
        rc = scan(s, (const unsigned char *)view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    scanner_leave(s);
    if (rc < 0)
        return PyErr_NoMemory();
    Py_RETURN_NONE;
}

/* ASCII whitespace, as bytes.split() splits at: --segment icu's raw tokens lie between. */
static ALWAYS_INLINE int
is_ascii_space(unsigned char b)
{
    return b == ' ' || (b >= '\t' && b <= '\r');
}

/* Count the runs of bytes other than ASCII whitespace in p[0:n] as raw tokens of the raw
 * table, whole; a run longer than L is not counted but added to *skipped.  No Python
 * object is touched: this runs without the GIL.  Returns 0, or -1 when memory ran out. */
static int
count_split(Scanner *s, const unsigned char *p, size_t n, uint64_t *skipped)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && is_ascii_space(p[i]))
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && !is_ascii_space(p[i]))
            i++;
        size_t len = i - start;
        if (len > s->max_run)
            (*skipped)++;
        else if (table_add(&s->raw, &s->arena, p + start, len) < 0)
            return -1;
    }
    return 0;
}

PyDoc_STRVAR(count_split_doc,
             "count_split($self, buffer, /)\n--\n\n"
             "Count each run of bytes other than ASCII whitespace in buffer (bytes-like,\n"
             "C-contiguous, read in place) as a raw token, for take() to return with the\n"
             "raw tokens; the runs are whole, so the caller cuts the text only at\n"
             "whitespace.  Return how many runs were longer than max_run_bytes, and so\n"
             "not counted.  Independent of feed() and its carried run.");

static PyObject *
Scanner_count_split(PyObject *self, PyObject *arg)
{
    Scanner *s = (Scanner *)self;
    Py_buffer view;
    uint64_t skipped = 0;
    int rc;
    if (scanner_enter_with_buffer(s, arg, &view, "count_split") < 0)
        return NULL;
    if (view.len >= RELEASE_GIL_MIN_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        rc = count_split(s, (const unsigned char *)view.buf, (size_t)view.len, &skipped);
        Py_END_ALLOW_THREADS
    }
    else {
        rc = count_split(s, (const unsigned char *)view.buf, (size_t)view.len, &skipped);
    }
    PyBuffer_Release(&view);
    scanner_leave(s);
    if (rc < 0)
        return PyErr_NoMemory();
    return PyLong_FromUnsignedLongLong((unsigned long long)skipped);
}

PyDoc_STRVAR(end_text_doc,
             "end_text($self, /)\n--\n\n"
             "End the current text (no token spans two texts).  Return the number of\n"
             "long-run pieces skipped in it, since the last end_text().");

static PyObject *
Scanner_end_text(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    Scanner *s = (Scanner *)self;
    if (scanner_enter(s) < 0)
        return NULL;
    int rc = run_end(s);
    if (s->carry_cap > CARRY_KEEP_BYTES) {
        /* a long token or run passed: do not hold on to its memory between texts */
        k_free(s->carry);
        s->carry = NULL;
        s->carry_cap = 0;
    }
    if (rc < 0) {
        /* the run is dropped; the skipped count stays for the next end_text() */
        scanner_leave(s);
        return PyErr_NoMemory();
    }
    uint64_t skipped = s->skipped;
    PyObject *r = PyLong_FromUnsignedLongLong((unsigned long long)skipped);
    if (r != NULL)
        s->skipped = 0;
    scanner_leave(s);
    return r;
}

static PyObject *
table_to_dict(const Table *t)
{
    PyObject *d = PyDict_New();
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < t->cap; i++) {
        const Slot *e = &t->slots[i];
        unsigned char buf[16];
        if (e->len == 0)
            continue;
        if (e->len > (size_t)PY_SSIZE_T_MAX)
            goto error;
        const unsigned char *key = slot_key(e, buf);
        PyObject *k = PyBytes_FromStringAndSize((const char *)key, (Py_ssize_t)e->len);
        if (k == NULL)
            goto error;
        PyObject *v = PyLong_FromUnsignedLongLong((unsigned long long)e->count);
        if (v == NULL) {
            Py_DECREF(k);
            goto error;
        }
        int rc = PyDict_SetItem(d, k, v);
        Py_DECREF(k);
        Py_DECREF(v);
        if (rc < 0)
            goto error;
    }
    return d;
error:
    Py_DECREF(d);
    return NULL;
}

PyDoc_STRVAR(take_doc,
             "take($self, /)\n--\n\n"
             "Return (ascii_word_counts, non_ascii_raw_token_counts) counted since the last\n"
             "take(), and empty the tables.  Tokens of the current text that are still\n"
             "carried stay carried.  On MemoryError nothing is lost: the tables are kept.");

static PyObject *
Scanner_take(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    Scanner *s = (Scanner *)self;
    if (scanner_enter(s) < 0)
        return NULL;
    PyObject *words = NULL, *raw = NULL, *result = NULL;
    words = table_to_dict(&s->words);
    if (words == NULL)
        goto done;
    raw = table_to_dict(&s->raw);
    if (raw == NULL)
        goto done;
    result = PyTuple_Pack(2, words, raw);
    if (result == NULL)
        goto done;
    table_clear(&s->words);
    table_clear(&s->raw);
    arena_free(&s->arena);
done:
    Py_XDECREF(words);
    Py_XDECREF(raw);
    scanner_leave(s);
    return result;
}

static PyObject *
Scanner_get_case_sensitive(PyObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(((Scanner *)self)->case_sensitive);
}

static PyObject *
Scanner_get_max_run_bytes(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(((Scanner *)self)->max_run);
}


#ifdef KERNEL_POSIX_FILES
/* ------------------------------------------------------------------------------------ */
/* Small files in one call                                                               */
/* ------------------------------------------------------------------------------------ */
/*
 * A unit of 10,000 small files spent more time in Python per file (open, two reads,
 * close, judging the content, feeding, bookkeeping) than in counting.  count_files does
 * all of it in C, for a list of paths, without the GIL.  A file is counted here only if
 * it is whole in fewer than max_bytes bytes and plainly text: its first byte is none of
 * those that start a magic number or a byte-order mark (0x00 0x1F B 0xFD 0xFE 0xFF; see
 * sources/content.py), it holds no NUL unless binary_as_text, and it is valid UTF-8 (a
 * file that is not may be in a legacy encoding, which sources/detection.py detects).  Any
 * other file is left to Python, whose rules decide what it is.
 */

/* What count_files says of one file: its size (counted), not counted here, or -errno. */
#define FILE_LEFT_TO_PYTHON INT64_MIN

#if defined(__APPLE__)
#define STAT_MTIME(st) ((st).st_mtimespec)
#else
#define STAT_MTIME(st) ((st).st_mtim)
#endif

/* A file's identity as the walk found it (sources/identity.py): a file read that is no
 * longer this one changed after it was found, and is left to Python, which reads it again
 * and reports the change.  The modification time is kept as POSIX keeps it, seconds and
 * nanoseconds, so that comparing it never multiplies. */
enum { IDENTITY_NONE, IDENTITY_CHECKED, IDENTITY_LEFT_TO_PYTHON };

typedef struct {
    int64_t size;
    int64_t mtime_sec;
    int64_t mtime_nsec; /* 0 to 999,999,999 */
    unsigned long long ino;
    int kind;           /* IDENTITY_NONE: nothing to compare; IDENTITY_LEFT_TO_PYTHON: one
                           that C cannot hold (a time before 1678 or after 2262), for Python */
} FileIdentity;

static int
special_first_byte(unsigned char b)
{
    return b == 0x00 || b == 0x1F || b == 'B' || b == 0xFD || b == 0xFE || b == 0xFF;
}

/* Whether buf[0:len] is valid UTF-8 as Python's strict decoder judges it: no overlong
 * form, no surrogate, nothing above U+10FFFF, no character cut at the end.  Eight ASCII
 * bytes at a time where it can. */
static int
valid_utf8(const unsigned char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t word;
            memcpy(&word, buf + i, 8);
            if (!(word & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        unsigned char b = buf[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
        if (b >= 0xC2 && b <= 0xDF)
            need = 1;
        else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        }
        else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        }
        else
            return 0;
        if (len - i <= need || buf[i + 1] < lo || buf[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if (buf[i + k] < 0x80 || buf[i + k] > 0xBF)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* Whether the file open as fd, of which size bytes were read, is no longer the one
 * planned; also when fstat fails, so that Python reads it again and says why. */
static int
changed_since_planned(int fd, int64_t size, const FileIdentity *planned)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 1;
    return size != planned->size || (int64_t)st.st_size != planned->size ||
           (int64_t)STAT_MTIME(st).tv_sec != planned->mtime_sec ||
           (int64_t)STAT_MTIME(st).tv_nsec != planned->mtime_nsec ||
           (unsigned long long)st.st_ino != planned->ino;
}

/* Read the whole file at path into buf (room for max_bytes): its size, FILE_LEFT_TO_PYTHON
 * if it holds max_bytes or more or is no longer the planned file, or -errno.  One read is
 * enough: a regular file reads short only at its end.  planned may be NULL.  No GIL
 * needed. */
static int64_t
read_small(const char *path, unsigned char *buf, size_t max_bytes, const FileIdentity *planned)
{
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -(int64_t)errno;
    ssize_t got;
    do {
        got = read(fd, buf, max_bytes);
    } while (got < 0 && errno == EINTR);
    int64_t status = got < 0 ? -(int64_t)errno : (int64_t)got;
    if (status >= (int64_t)max_bytes)
        status = FILE_LEFT_TO_PYTHON;
    else if (status >= 0 && planned != NULL && planned->kind != IDENTITY_NONE &&
             (planned->kind == IDENTITY_LEFT_TO_PYTHON ||
              changed_since_planned(fd, status, planned)))
        status = FILE_LEFT_TO_PYTHON;
    close(fd);
    return status;
}

/* Count each file of paths[0:n] as a text of its own; statuses[i] as read_small says,
 * or FILE_LEFT_TO_PYTHON when it is not plain text.  identities, if not NULL, holds n
 * planned identities.  0, or -1 when memory ran out. */
static int
count_small_files(Scanner *s, char *const *paths, const FileIdentity *identities, Py_ssize_t n,
                  size_t max_bytes, int binary_as_text, unsigned char *buf, int64_t *statuses)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const FileIdentity *planned = identities != NULL ? &identities[i] : NULL;
        int64_t size = read_small(paths[i], buf, max_bytes, planned);
        statuses[i] = size;
        if (size < 0)
            continue;
        const unsigned char *text = buf;
        size_t len = (size_t)size;
        if ((len > 0 && special_first_byte(buf[0])) ||
            (!binary_as_text && memchr(buf, 0, len) != NULL) || !valid_utf8(buf, len)) {
            statuses[i] = FILE_LEFT_TO_PYTHON;
            continue;
        }
        if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
            text += 3; /* a UTF-8 byte-order mark is not text */
            len -= 3;
        }
        if (scan(s, text, len) < 0 || run_end(s) < 0)
            return -1;
    }
    return 0;
}

PyDoc_STRVAR(count_files_doc,
             "count_files($self, paths, max_bytes, binary_as_text, identities=None, /)\n--\n\n"
             "Count each small plain-text file of the list `paths` as a text of its own.\n"
             "Returns a list with, for each path: its size in bytes if it was counted,\n"
             "None if it was left to the caller (not small, not plainly UTF-8 text, or no\n"
             "longer the file planned), or -errno if it could not be read.  max_bytes\n"
             "must not exceed max_run_bytes, so that no run in such a file is ever\n"
             "skipped.  identities, a list as long as paths, holds for each path None or\n"
             "the (st_size, st_mtime_ns, st_ino) it was planned with.");

/* identities[i] from the Python list (see count_files_doc); 0, or -1 with an exception. */
static int
parse_identities(PyObject *list, Py_ssize_t n, FileIdentity *identities)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != n) {
        PyErr_SetString(PyExc_TypeError, "count_files() identities: a list as long as paths");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        FileIdentity *identity = &identities[i];
        identity->kind = IDENTITY_NONE;
        if (item == Py_None)
            continue;
        /* Plain ints only: converting any other object could run Python code (__index__)
         * that changes the list being read. */
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 0)) || !PyLong_Check(PyTuple_GET_ITEM(item, 1)) ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 2))) {
            PyErr_SetString(PyExc_TypeError,
                            "count_files() identities: None or (size, mtime_ns, inode), ints");
            return -1;
        }
        long long size = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 0));
        if (size == -1 && PyErr_Occurred())
            return -1;
        int overflow = 0;
        long long mtime_ns = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(item, 1), &overflow);
        if (mtime_ns == -1 && PyErr_Occurred())
            return -1;
        unsigned long long ino = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(item, 2));
        if (ino == (unsigned long long)-1 && PyErr_Occurred())
            return -1;
        identity->size = (int64_t)size;
        identity->ino = ino;
        if (overflow) { /* before 1678 or after 2262: Python's ints compare it */
            identity->kind = IDENTITY_LEFT_TO_PYTHON;
            continue;
        }
        /* Floor division, as POSIX splits a time before 1970: -1.5 s is -2 s + 0.5 s. */
        int64_t sec = (int64_t)(mtime_ns / 1000000000LL);
        int64_t nsec = (int64_t)(mtime_ns % 1000000000LL);
        if (nsec < 0) {
            nsec += 1000000000LL;
            sec -= 1;
        }
        identity->mtime_sec = sec;
        identity->mtime_nsec = nsec;
        identity->kind = IDENTITY_CHECKED;
    }
    return 0;
}

static PyObject *
Scanner_count_files(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Scanner *s = (Scanner *)self;
    if (nargs < 3 || nargs > 4 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "count_files(paths: list, max_bytes, binary_as_text, identities=None)");
        return NULL;
    }
    PyObject *identity_list = nargs == 4 && args[3] != Py_None ? args[3] : NULL;
    Py_ssize_t max_bytes = PyLong_AsSsize_t(args[1]);
    if (max_bytes == -1 && PyErr_Occurred())
        return NULL;
    int binary_as_text = PyObject_IsTrue(args[2]);
    if (binary_as_text < 0)
        return NULL;
    if (max_bytes < 1 || (size_t)max_bytes > s->max_run) {
        PyErr_SetString(PyExc_ValueError, "max_bytes must be from 1 to max_run_bytes");
        return NULL;
    }
    /* The paths as file-system bytes, held in a tuple while the GIL is released. */
    PyObject *encoded = PyTuple_New(PyList_GET_SIZE(args[0]));
    if (encoded == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(encoded);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *path = PyList_GET_ITEM(args[0], i);
        PyObject *bytes = NULL;
        if (!PyUnicode_Check(path) || !PyUnicode_FSConverter(path, &bytes)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "count_files() takes a list of str paths");
            Py_DECREF(encoded);
            return NULL;
        }
        PyTuple_SET_ITEM(encoded, i, bytes);
    }
    char **paths = (char **)PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(char *));
    int64_t *statuses = (int64_t *)PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    unsigned char *buf = (unsigned char *)PyMem_Malloc((size_t)max_bytes);
    FileIdentity *identities = NULL;
    if (identity_list != NULL)
        identities = PyMem_New(FileIdentity, n > 0 ? n : 1); /* NULL if the size overflows */
    PyObject *result = NULL;
    if (paths == NULL || statuses == NULL || buf == NULL ||
        (identity_list != NULL && identities == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    if (identity_list != NULL && parse_identities(identity_list, n, identities) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++)
        paths[i] = PyBytes_AS_STRING(PyTuple_GET_ITEM(encoded, i));
    if (scanner_enter(s) < 0)
        goto done;
    int rc = run_end(s); /* no token of an earlier text runs on into these */
    if (rc == 0) {
        Py_BEGIN_ALLOW_THREADS
        rc = count_small_files(s, paths, identities, n, (size_t)max_bytes, binary_as_text, buf,
                               statuses);
        Py_END_ALLOW_THREADS
    }
    scanner_leave(s);
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyList_New(n);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *status;
        if (statuses[i] == FILE_LEFT_TO_PYTHON) {
            status = Py_None;
            Py_INCREF(status);
        }
        else {
            status = PyLong_FromLongLong((long long)statuses[i]);
            if (status == NULL) {
                Py_CLEAR(result);
                goto done;
            }
        }
        PyList_SET_ITEM(result, i, status);
    }
done:
    PyMem_Free(identities);
    PyMem_Free(buf);
    PyMem_Free(statuses);
    PyMem_Free(paths);
    Py_DECREF(encoded);
    return result;
}
#endif

static PyMethodDef Scanner_methods[] = {
    {"feed", (PyCFunction)Scanner_feed, METH_O, feed_doc},
    {"end_text", (PyCFunction)Scanner_end_text, METH_NOARGS, end_text_doc},
    {"take", (PyCFunction)Scanner_take, METH_NOARGS, take_doc},
    {"count_split", (PyCFunction)Scanner_count_split, METH_O, count_split_doc},
#ifdef KERNEL_POSIX_FILES
    {"count_files", (PyCFunction)(void (*)(void))Scanner_count_files, METH_FASTCALL,
     count_files_doc},
#endif
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Scanner_getset[] = {
    {"case_sensitive", Scanner_get_case_sensitive, NULL, "whether words keep their case", NULL},
    {"max_run_bytes", Scanner_get_max_run_bytes, NULL, "the long-run limit L", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(Scanner_doc,
             "Scanner(*, case_sensitive=False, max_run_bytes=1048576)\n--\n\n"
             "Counts the raw tokens of texts that arrive as chunks of bytes: ASCII raw\n"
             "tokens as words, others as they are.  One thread at a time.");

static PyTypeObject ScannerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "wordcount.words._kernel.Scanner",
    .tp_basicsize = sizeof(Scanner),
    .tp_itemsize = 0,
    .tp_dealloc = Scanner_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Scanner_doc,
    .tp_methods = Scanner_methods,
    .tp_getset = Scanner_getset,
    .tp_init = Scanner_init,
    .tp_new = Scanner_new,
};


/* ------------------------------------------------------------------------------------ */
/* Packed counts, and the Tally that adds them up in the main process                    */
/* ------------------------------------------------------------------------------------ */
/*
 * A worker sends its counts packed into one bytes object rather than as a dict: pickling
 * that is a copy, and the main process adds it into a Tally (the counting table above)
 * without making a Python object per word.  A record is
 *     the key's length (varint, >= 1)   the key's bytes   its count (varint, >= 1)
 * where a varint holds 7 bits a byte, low bits first, the high bit set on all but the
 * last.  The reader checks every length against what is left of the buffer.
 */

#define PACKED_RELEASE_GIL_MIN_BYTES (64 * 1024)

static size_t
varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *
varint_put(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* The varint at p[*pos], p holding n bytes: 0, or -1 if it runs past n or past 64 bits. */
static int
varint_get(const unsigned char *p, size_t n, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; *pos < n; shift += 7) {
        unsigned char b = p[(*pos)++];
        if (shift == 63 && b > 1)
            return -1;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
        if (shift >= 63)
            return -1;
    }
    return -1;
}

/* The key and count of a dict item, checked: non-empty bytes, and an int >= 1. */
static int
packable_item(PyObject *key, PyObject *value, size_t *len, uint64_t *count)
{
    if (!PyBytes_CheckExact(key) || PyBytes_GET_SIZE(key) < 1 || !PyLong_CheckExact(value)) {
        PyErr_SetString(PyExc_TypeError, "counts must map non-empty bytes to ints");
        return -1;
    }
    unsigned long long c = PyLong_AsUnsignedLongLong(value);
    if (c == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    if (c == 0) {
        PyErr_SetString(PyExc_ValueError, "a count must be at least 1");
        return -1;
    }
    *len = (size_t)PyBytes_GET_SIZE(key);
    *count = (uint64_t)c;
    return 0;
}

PyDoc_STRVAR(pack_counts_doc,
             "pack_counts($module, counts, /)\n--\n\n"
             "The dict `counts` ({bytes: int}) packed into one bytes object, for Tally.");

static PyObject *
kernel_pack_counts(PyObject *Py_UNUSED(module), PyObject *counts)
{
    if (!PyDict_Check(counts)) {
        PyErr_SetString(PyExc_TypeError, "pack_counts() takes a dict");
        return NULL;
    }
    Py_ssize_t position = 0;
    PyObject *key, *value;
    size_t len, size = 0;
    uint64_t count;
    while (PyDict_Next(counts, &position, &key, &value)) {
        if (packable_item(key, value, &len, &count) < 0)
            return NULL;
        size_t record = varint_size(len) + len + varint_size(count);
        if (size > (size_t)PY_SSIZE_T_MAX - record)
            return PyErr_NoMemory();
        size += record;
    }
    PyObject *packed = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (packed == NULL)
        return NULL;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(packed);
    size_t written = 0;
    /* Exact bytes and ints run no Python code, so the dict is as it was measured; the
     * room is checked again all the same. */
    position = 0;
    while (PyDict_Next(counts, &position, &key, &value)) {
        if (packable_item(key, value, &len, &count) < 0)
            goto error;
        size_t record = varint_size(len) + len + varint_size(count);
        if (record > size - written) {
            PyErr_SetString(PyExc_RuntimeError, "the dict changed while it was packed");
            goto error;
        }
        unsigned char *w = varint_put(out + written, len);
        memcpy(w, PyBytes_AS_STRING(key), len);
        varint_put(w + len, count);
        written += record;
    }
    if (written != size) {
        PyErr_SetString(PyExc_RuntimeError, "the dict changed while it was packed");
        goto error;
    }
    return packed;
error:
    Py_DECREF(packed);
    return NULL;
}

typedef struct {
    PyObject_HEAD
    int busy;
    Table table;
    Arena arena;
} Tally;

/* Add the records of p[0:n] to the table: 0, -1 out of memory, -2 malformed or a count
 * past 64 bits.  Touches no Python object. */
static int
tally_add_packed(Tally *t, const unsigned char *p, size_t n)
{
    size_t position = 0;
    while (position < n) {
        uint64_t len, count;
        if (varint_get(p, n, &position, &len) < 0 || len < 1 || len > n - position)
            return -2;
        const unsigned char *key = p + position;
        position += (size_t)len;
        if (varint_get(p, n, &position, &count) < 0 || count < 1)
            return -2;
        int rc = table_add_n(&t->table, &t->arena, key, (size_t)len, count);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static PyObject *
tally_error(int rc)
{
    if (rc == -1)
        return PyErr_NoMemory();
    PyErr_SetString(PyExc_ValueError, "malformed packed counts, or a count past 64 bits");
    return NULL;
}

PyDoc_STRVAR(Tally_add_packed_doc,
             "add_packed($self, buffer, /)\n--\n\n"
             "Add the counts packed by pack_counts() (any bytes-like object).");

static PyObject *
Tally_add_packed(PyObject *self, PyObject *arg)
{
    Tally *t = (Tally *)self;
    Py_buffer view;
    int rc;
    if (enter_busy(&t->busy, "Tally") < 0)
        return NULL;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) {
        leave_busy(&t->busy);
        return NULL;
    }
    if (view.len > 0 && view.buf == NULL) {
        PyBuffer_Release(&view);
        leave_busy(&t->busy);
        PyErr_SetString(PyExc_BufferError, "add_packed() needs a readable buffer");
        return NULL;
    }
    if (view.len >= PACKED_RELEASE_GIL_MIN_BYTES) {
        Py_BEGIN_ALLOW_THREADS
        rc = tally_add_packed(t, (const unsigned char *)view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS
    }
    else {
        rc = tally_add_packed(t, (const unsigned char *)view.buf, (size_t)view.len);
    }
    PyBuffer_Release(&view);
    leave_busy(&t->busy);
    if (rc < 0)
        return tally_error(rc);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Tally_add_counts_doc,
             "add_counts($self, counts, /)\n--\n\n"
             "Add the dict `counts` ({bytes: int}).  On an error (a key that is not bytes,\n"
             "say) the items before it are added.");

static PyObject *
Tally_add_counts(PyObject *self, PyObject *counts)
{
    Tally *t = (Tally *)self;
    if (!PyDict_Check(counts)) {
        PyErr_SetString(PyExc_TypeError, "add_counts() takes a dict");
        return NULL;
    }
    if (enter_busy(&t->busy, "Tally") < 0)
        return NULL;
    Py_ssize_t position = 0;
    PyObject *key, *value;
    size_t len;
    uint64_t count;
    while (PyDict_Next(counts, &position, &key, &value)) {
        int rc = packable_item(key, value, &len, &count);
        if (rc == 0) {
            rc = table_add_n(&t->table, &t->arena, (const unsigned char *)PyBytes_AS_STRING(key),
                             len, count);
            if (rc < 0)
                tally_error(rc);
        }
        if (rc < 0) {
            leave_busy(&t->busy);
            return NULL;
        }
    }
    leave_busy(&t->busy);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(Tally_take_decoded_doc,
             "take_decoded($self, into, /)\n--\n\n"
             "Put every count into the dict `into`, keyed by its key decoded from UTF-8,\n"
             "and empty the tally.  On an error the tally keeps its counts.");

static PyObject *
Tally_take_decoded(PyObject *self, PyObject *into)
{
    Tally *t = (Tally *)self;
    if (!PyDict_Check(into)) {
        PyErr_SetString(PyExc_TypeError, "take_decoded() takes a dict to fill");
        return NULL;
    }
    if (enter_busy(&t->busy, "Tally") < 0)
        return NULL;
    for (size_t i = 0; i < t->table.cap; i++) {
        const Slot *e = &t->table.slots[i];
        unsigned char buf[16];
        if (e->len == 0)
            continue;
        if (e->len > (size_t)PY_SSIZE_T_MAX) {
            PyErr_NoMemory();
            goto error;
        }
        const unsigned char *key = slot_key(e, buf);
        PyObject *word = PyUnicode_DecodeUTF8((const char *)key, (Py_ssize_t)e->len, "strict");
        if (word == NULL)
            goto error;
        PyObject *count = PyLong_FromUnsignedLongLong((unsigned long long)e->count);
        if (count == NULL) {
            Py_DECREF(word);
            goto error;
        }
        int rc = PyDict_SetItem(into, word, count);
        Py_DECREF(word);
        Py_DECREF(count);
        if (rc < 0)
            goto error;
    }
    table_clear(&t->table);
    arena_free(&t->arena);
    leave_busy(&t->busy);
    Py_RETURN_NONE;
error:
    leave_busy(&t->busy);
    return NULL;
}

PyDoc_STRVAR(Tally_take_doc,
             "take($self, /)\n--\n\n"
             "Return the counts as a dict {bytes: int}, and empty the tally.");

static PyObject *
Tally_take(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    Tally *t = (Tally *)self;
    if (enter_busy(&t->busy, "Tally") < 0)
        return NULL;
    PyObject *counts = table_to_dict(&t->table);
    if (counts != NULL) {
        table_clear(&t->table);
        arena_free(&t->arena);
    }
    leave_busy(&t->busy);
    return counts;
}

static PyObject *
Tally_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 0 || (kwds != NULL && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "Tally() takes no arguments");
        return NULL;
    }
    Tally *t = (Tally *)type->tp_alloc(type, 0); /* zeroed: an empty table, mask 0 */
    if (t != NULL)
        t->table.by_high_bits = 1; /* it takes keys in another table's order */
    return (PyObject *)t;
}

static void
Tally_dealloc(PyObject *self)
{
    Tally *t = (Tally *)self;
    table_free(&t->table);
    arena_free(&t->arena);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
Tally_len(PyObject *self, void *Py_UNUSED(closure))
{
    return PyLong_FromSize_t(((Tally *)self)->table.used);
}

static PyMethodDef Tally_methods[] = {
    {"add_packed", (PyCFunction)Tally_add_packed, METH_O, Tally_add_packed_doc},
    {"add_counts", (PyCFunction)Tally_add_counts, METH_O, Tally_add_counts_doc},
    {"take", (PyCFunction)Tally_take, METH_NOARGS, Tally_take_doc},
    {"take_decoded", (PyCFunction)Tally_take_decoded, METH_O, Tally_take_decoded_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Tally_getset[] = {
    {"distinct", Tally_len, NULL, "how many distinct keys are counted", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(Tally_doc,
             "Tally()\n--\n\n"
             "Adds up counts keyed by bytes, packed (pack_counts) or as dicts, in C.");

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "wordcount.words._kernel.Tally",
    .tp_basicsize = sizeof(Tally),
    .tp_itemsize = 0,
    .tp_dealloc = Tally_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = Tally_doc,
    .tp_methods = Tally_methods,
    .tp_getset = Tally_getset,
    .tp_new = Tally_new,
};

PyDoc_STRVAR(add_counts_doc,
             "add_counts($module, total, counts, /)\n--\n\n"
             "Add each count of the dict `counts` to the same key of the dict `total`, as\n"
             "Counter.update does for a dict: the merge of the workers' results, in C.");

static PyObject *
kernel_add_counts(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "add_counts() takes exactly two dicts");
        return NULL;
    }
    PyObject *total = args[0], *counts = args[1];
    if (!PyDict_Check(total) || !PyDict_Check(counts)) {
        PyErr_SetString(PyExc_TypeError, "add_counts() takes exactly two dicts");
        return NULL;
    }
    Py_ssize_t position = 0;
    PyObject *key, *value;
    /* Only values change while `counts` is walked (when it is `total` itself), which
     * PyDict_Next allows; the references are held across the calls that may run code. */
    while (PyDict_Next(counts, &position, &key, &value)) {
        Py_INCREF(key);
        Py_INCREF(value);
        PyObject *sum = NULL;
        PyObject *old = PyDict_GetItemWithError(total, key); /* borrowed */
        if (old != NULL) {
            sum = PyNumber_Add(old, value);
        }
        else if (!PyErr_Occurred()) {
            sum = value;
            Py_INCREF(sum);
        }
        int rc = sum == NULL ? -1 : PyDict_SetItem(total, key, sum);
        Py_XDECREF(sum);
        Py_DECREF(value);
        Py_DECREF(key);
        if (rc < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

#ifdef KERNEL_FAULT_INJECTION
static PyObject *
kernel_fail_allocations_after(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    __atomic_store_n(&fault_countdown, n < 0 ? -1 : n, __ATOMIC_RELAXED);
    Py_RETURN_NONE;
}
#endif

static PyMethodDef kernel_functions[] = {
    {"add_counts", (PyCFunction)(void (*)(void))kernel_add_counts, METH_FASTCALL, add_counts_doc},
    {"pack_counts", (PyCFunction)kernel_pack_counts, METH_O, pack_counts_doc},
#ifdef KERNEL_FAULT_INJECTION
    {"_fail_allocations_after", kernel_fail_allocations_after, METH_O,
     "Test builds only: make the kernel's allocation after the next n fail (-1: never)."},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wordcount.words._kernel",
    .m_doc = "The counting kernel of wordcount: raw tokens found and counted in C.",
    .m_size = -1,
    .m_methods = kernel_functions,
};

/* Seed the hash once per process from Python's randomised string hash. */
static int
init_seeds(void)
{
    static int seeded = 0;
    if (seeded)
        return 0;
    PyObject *str = PyUnicode_FromString("wordcount._kernel hash seed");
    if (str == NULL)
        return -1;
    Py_hash_t h = PyObject_Hash(str);
    Py_DECREF(str);
    if (h == -1 && PyErr_Occurred())
        return -1;
    uint64_t x = (uint64_t)h;
    /* any value is fine: the seeds only perturb the hash */
    seed0 = H_S0 ^ mum(x, H_S2);
    seed1 = H_S1 ^ mum(x ^ H_S0, H_S1);
    seeded = 1;
    return 0;
}

PyMODINIT_FUNC
PyInit__kernel(void)
{
    /* The tables are written once per process (under the GIL, at the first import):
     * scans that run without the GIL only ever read them. */
    static int tables_ready = 0;
    if (!tables_ready) {
        init_classes();
#ifndef KERNEL_SSE2
        init_cls16();
#endif
        tables_ready = 1;
    }
    if (init_seeds() < 0)
        return NULL;
    if (PyType_Ready(&ScannerType) < 0 || PyType_Ready(&TallyType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&kernel_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&TallyType);
    if (PyModule_AddObject(m, "Tally", (PyObject *)&TallyType) < 0) {
        Py_DECREF(&TallyType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "MAX_RUN_BYTES", 1L << 20) < 0 ||
        PyModule_AddIntConstant(m, "FAULT_INJECTION",
#ifdef KERNEL_FAULT_INJECTION
                                1
#else
                                0
#endif
                                ) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
