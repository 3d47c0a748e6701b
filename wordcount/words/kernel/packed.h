/*
 * packed.h: counts packed into one bytes object for the trip from a worker to the main
 * process (packed.c), as the Tally (tally.c) reads them, and the module functions that
 * pack counts and add dicts.
 */
#ifndef WORDCOUNT_KERNEL_PACKED_H
#define WORDCOUNT_KERNEL_PACKED_H

#include "kernel.h"
#include "table.h"

/* The varint at p[*pos], p holding n bytes: 0, or -1 if it runs past n or past 64 bits. */
KERNEL_HIDDEN int varint_get(const unsigned char *p, size_t n, size_t *pos, uint64_t *v);
/* The key and count of a dict item, checked: non-empty bytes, and an int >= 1; 0, or -1
 * with an exception. */
KERNEL_HIDDEN int packable_item(PyObject *key, PyObject *value, size_t *len, uint64_t *count);

/* A table's counts packed into a new buffer (k_malloc), and the table emptied; NULL when
 * memory ran out.  No GIL needed.  packed_to_dict reads such a buffer into a new dict. */
KERNEL_HIDDEN unsigned char *table_take_packed(Table *t, size_t *len);
KERNEL_HIDDEN PyObject *packed_to_dict(const unsigned char *p, size_t n);

/* The module functions pack_counts and add_counts, and their docstrings. */
KERNEL_HIDDEN PyObject *kernel_pack_counts(PyObject *module, PyObject *counts);
KERNEL_HIDDEN PyObject *kernel_add_counts(PyObject *module, PyObject *const *args,
                                          Py_ssize_t nargs);
extern KERNEL_HIDDEN const char pack_counts_doc[];
extern KERNEL_HIDDEN const char add_counts_doc[];

#endif /* WORDCOUNT_KERNEL_PACKED_H */
