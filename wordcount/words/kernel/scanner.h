/*
 * scanner.h: the Scanner, which finds the raw tokens of texts that arrive in chunks and
 * counts them (scanner.c), as files.c uses it to count small files it reads itself.
 */
#ifndef WORDCOUNT_KERNEL_SCANNER_H
#define WORDCOUNT_KERNEL_SCANNER_H

#include "kernel.h"
#include "table.h"

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

/* Scan one buffer of the current text: 0, or -1 when memory ran out.  No GIL needed. */
KERNEL_HIDDEN int scan(Scanner *s, const unsigned char *p, size_t n);
/* The current run ended (a separator, or the end of the text): 0, or -1 (memory). */
KERNEL_HIDDEN int run_end(Scanner *s);
/* Take the Scanner for the method running now, or set RuntimeError and return -1. */
KERNEL_HIDDEN int scanner_enter(Scanner *s);
KERNEL_HIDDEN void scanner_leave(Scanner *s);
/* The byte classes, written once per process at import (under the GIL). */
KERNEL_HIDDEN void init_byte_classes(void);

#ifdef KERNEL_POSIX_FILES
/* Scanner.count_files (files.c). */
KERNEL_HIDDEN PyObject *Scanner_count_files(PyObject *self, PyObject *const *args,
                                            Py_ssize_t nargs);
extern KERNEL_HIDDEN const char count_files_doc[];
#endif

extern KERNEL_HIDDEN PyTypeObject ScannerType;

#endif /* WORDCOUNT_KERNEL_SCANNER_H */
