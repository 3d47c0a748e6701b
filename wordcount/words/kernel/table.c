/*
 * table.c: the counting table and its arena (see table.h), less what the scan's hot loop
 * inlines from table.h: long keys, growing, emptying, and the table as a dict.
 */
#include "table.h"

/* Per-process hash seeds: taken from Python's (randomised) string hash at import, so
 * that colliding keys cannot be prepared in advance. */
uint64_t seed0 = H_S0, seed1 = H_S1;

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
/* Arena                                                                                 */
/* ------------------------------------------------------------------------------------ */

#define ARENA_BLOCK_BYTES (64 * 1024)

unsigned char *
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

void
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
/* Counting table                                                                        */
/* ------------------------------------------------------------------------------------ */

#define TABLE_INITIAL_CAP 1024
/* An emptied table keeps up to this many slots; a bigger one is freed. */
#define TABLE_KEEP_CAP ((size_t)1 << 15)

/* Set in a slot's len while table_grow places its key again. */
#define SLOT_MOVING ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* Double the table in place: realloc extends a large block by remapping its pages rather
 * than copying them, so the old slots and the new are never resident at once (five
 * million distinct words peak at a 256 MB table, not 128 + 256 MB).  Every key is then
 * placed again: each is marked as moving, and put at the first slot along its probe that
 * holds no key placed already; a moving key found there is carried on and placed next.
 * A placed key never moves again, so each lies where a probe for it will look. */
static int
table_grow(Table *t)
{
    size_t ocap = t->cap, ncap;
    if (ocap == 0) {
        ncap = TABLE_INITIAL_CAP;
    }
    else {
        if (ocap > (SIZE_MAX / sizeof(Slot)) / 2)
            return -1;
        ncap = ocap * 2;
    }
    Slot *ns = ocap == 0 ? (Slot *)k_calloc(ncap, sizeof(Slot))
                         : (Slot *)k_realloc(t->slots, ncap * sizeof(Slot));
    if (ns == NULL)
        return -1; /* the table as it was: realloc leaves the block alone when it fails */
    memset(ns + ocap, 0, (ncap - ocap) * sizeof(Slot));
    size_t nmask = ncap - 1;
    unsigned nshift = 64;
    for (size_t c = ncap; c > 1; c >>= 1)
        nshift--;
    for (size_t i = 0; i < ocap; i++) {
        if (ns[i].len != 0)
            ns[i].len |= SLOT_MOVING;
    }
    for (size_t i = 0; i < ocap; i++) {
        if (!(ns[i].len & SLOT_MOVING))
            continue;
        Slot carried = ns[i];
        carried.len &= ~SLOT_MOVING;
        ns[i].len = 0;
        for (;;) {
            size_t j = table_home(t->by_high_bits, slot_hash(&carried), ncap, nshift);
            while (ns[j].len != 0 && !(ns[j].len & SLOT_MOVING))
                j = (j + 1) & nmask;
            Slot displaced = ns[j];
            ns[j] = carried;
            if (displaced.len == 0)
                break;
            carried = displaced;
            carried.len &= ~SLOT_MOVING;
        }
    }
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

int
table_insert_short(Table *t, uint64_t a, uint64_t b, size_t len, uint64_t h, uint64_t n)
{
    if (t->used + 1 > t->limit) {
        if (table_grow(t) < 0)
            return -1;
    }
    table_put(t, h, a, b, len, n);
    return 0;
}

/* Count n occurrences of the long key p[0:len] (len > 16, ORed with the mask). */
int
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

/* The key of a slot as bytes (points into buf for a short key). */
const unsigned char *
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
void
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

void
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
PyObject *
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

int
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

