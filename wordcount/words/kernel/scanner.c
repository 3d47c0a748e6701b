/*
 * scanner.c: the hot loop.  Scanner.feed(buffer) finds the raw tokens of a text that
 * arrives in chunks and counts them: all-ASCII raw tokens are split into words here (the
 * rule's ASCII step) and the words counted; raw tokens holding a byte >= 0x80 are counted
 * as they are, for Python to convert once per distinct token.  The raw tokens, long runs
 * included, are those of tokens.TextCounter, the pure-Python path: it is the
 * specification, and the tests hold this to it.
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
#include "scanner.h"

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
 * 98 ‘, 99 ’, 9C “, 9D ”, 93 – or 94 —; and the other apostrophes as written, CA BC ʼ
 * and C2 B4 ´.  In a raw token whose other bytes are ASCII the rule reads ’ ʼ ´ as its
 * apostrophe and the others as separators, exactly as conversion.QUOTES_AS_ASCII does
 * (tests/test_tokens.py derives that from the Unicode database), so such a token is
 * split into words here rather than in Python.  A longer token, or one with any other
 * byte >= 0x80, goes to the raw table. */
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
        if (i + 1 < len &&
            ((b == 0xCA && p[i + 1] == 0xBC) || (b == 0xC2 && p[i + 1] == 0xB4))) {
            ascii[n++] = '\'';
            i += 2;
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
int
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

void
init_byte_classes(void)
{
    init_classes();
#ifndef KERNEL_SSE2
    init_cls16();
#endif
}

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
int
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

/* ------------------------------------------------------------------------------------ */
/* Python methods                                                                        */
/* ------------------------------------------------------------------------------------ */

int
scanner_enter(Scanner *s)
{
    return enter_busy(&s->busy, "Scanner");
}

void
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

PyDoc_STRVAR(take_raw_doc,
             "take_raw($self, /)\n--\n\n"
             "Return the non-ASCII raw token counts counted since the last take() or\n"
             "take_raw(), and empty that table only: called at each end_text(), it gives\n"
             "the raw tokens of one text, which Python converts, and so knows what the\n"
             "rule met in that text.");

static PyObject *
Scanner_take_raw(PyObject *self, PyObject *Py_UNUSED(ignored))
{
    Scanner *s = (Scanner *)self;
    if (scanner_enter(s) < 0)
        return NULL;
    /* The arena keeps the long keys until take(): the words table may point into it. */
    PyObject *raw = table_to_dict(&s->raw);
    if (raw != NULL)
        table_clear(&s->raw);
    scanner_leave(s);
    return raw;
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


static PyMethodDef Scanner_methods[] = {
    {"feed", (PyCFunction)Scanner_feed, METH_O, feed_doc},
    {"end_text", (PyCFunction)Scanner_end_text, METH_NOARGS, end_text_doc},
    {"take", (PyCFunction)Scanner_take, METH_NOARGS, take_doc},
    {"take_raw", (PyCFunction)Scanner_take_raw, METH_NOARGS, take_raw_doc},
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

PyTypeObject ScannerType = {
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

