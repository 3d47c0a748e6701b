/*
 * ccount: a plain single-threaded C word counter, the baseline wordcount races in make bench.
 *
 *   gcc -O2 -Wall -Wextra -o ccount ccount.c && ./ccount FILE
 *
 * Reads FILE whole, splits it at ASCII whitespace, lowercases ASCII letters, counts the
 * words in an open-addressing (linear probing) hash table keyed by the word bytes (copied
 * once into an arena), and prints the ten commonest as "word<TAB>count".  Hash: FNV-1a
 * computed while scanning.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *key; /* NULL: empty */
    size_t len;
    uint64_t hash;
    uint64_t count;
} Slot;

static Slot *slots;
static size_t cap, used;

static unsigned char *arena;
static size_t arena_left;

static void *
xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "ccount: out of memory\n");
        exit(2);
    }
    return p;
}

static unsigned char *
arena_copy(const unsigned char *p, size_t n)
{
    if (n > arena_left) {
        size_t size = n > (1 << 20) ? n : (1 << 20);
        arena = xmalloc(size);
        arena_left = size;
    }
    unsigned char *r = arena;
    memcpy(r, p, n);
    arena += n;
    arena_left -= n;
    return r;
}

static void
grow(void)
{
    size_t ncap = cap ? cap * 2 : 1 << 16;
    Slot *ns = calloc(ncap, sizeof(Slot));
    if (ns == NULL) {
        fprintf(stderr, "ccount: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < cap; i++) {
        if (slots[i].key == NULL)
            continue;
        size_t j = slots[i].hash & (ncap - 1);
        while (ns[j].key != NULL)
            j = (j + 1) & (ncap - 1);
        ns[j] = slots[i];
    }
    free(slots);
    slots = ns;
    cap = ncap;
}

static void
count(const unsigned char *w, size_t len, uint64_t h)
{
    size_t j = h & (cap - 1);
    while (slots[j].key != NULL) {
        if (slots[j].hash == h && slots[j].len == len && memcmp(slots[j].key, w, len) == 0) {
            slots[j].count++;
            return;
        }
        j = (j + 1) & (cap - 1);
    }
    if ((used + 1) * 10 > cap * 7) {
        grow();
        count(w, len, h);
        return;
    }
    slots[j].key = arena_copy(w, len);
    slots[j].len = len;
    slots[j].hash = h;
    slots[j].count = 1;
    used++;
}

static int
by_count(const void *a, const void *b)
{
    const Slot *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ccount FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 0) {
        perror(argv[1]);
        return 2;
    }
    unsigned char *data = xmalloc((size_t)size + 1);
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        perror(argv[1]);
        return 2;
    }
    fclose(f);
    grow();

    static unsigned char space[256];
    space[' '] = space['\t'] = space['\n'] = space['\r'] = space['\v'] = space['\f'] = 1;
    size_t n = (size_t)size, i = 0;
    while (i < n) {
        while (i < n && space[data[i]])
            i++;
        if (i >= n)
            break;
        /* lowercase in place (the buffer is ours), hash while scanning */
        size_t start = i;
        uint64_t h = 0xcbf29ce484222325ull;
        while (i < n && !space[data[i]]) {
            unsigned char c = data[i];
            if (c >= 'A' && c <= 'Z')
                data[i] = c = (unsigned char)(c | 0x20);
            h = (h ^ c) * 0x100000001b3ull;
            i++;
        }
        count(data + start, i - start, h);
    }

    Slot *all = xmalloc((used ? used : 1) * sizeof(Slot));
    size_t k = 0;
    uint64_t total = 0;
    for (size_t j = 0; j < cap; j++) {
        if (slots[j].key != NULL) {
            all[k++] = slots[j];
            total += slots[j].count;
        }
    }
    qsort(all, k, sizeof(Slot), by_count);
    for (size_t j = 0; j < k && j < 10; j++) {
        fwrite(all[j].key, 1, all[j].len, stdout);
        printf("\t%llu\n", (unsigned long long)all[j].count);
    }
    fprintf(stderr, "%llu words, %zu distinct\n", (unsigned long long)total, k);
    return 0;
}
