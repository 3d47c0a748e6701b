/*
 * kernel.h: what every file of the kernel (the extension wordcount.words._kernel) shares:
 * the platform switches, the inlining and visibility macros, the allocation helpers with
 * their optional fault injector, and the busy flag that keeps an object to one thread.
 *
 * The extension is built from several translation units (pyproject.toml lists them):
 *
 *     module.c    the module: its functions, its types, its initialisation
 *     scanner.c   byte classes, the scan of a buffer, the Scanner type   (scanner.h)
 *     files.c     Scanner.count_files: small files read and counted in one call
 *     table.c     hashing, the arena, the counting table                (table.h)
 *     tally.c     the Tally type: counts added up in the main process
 *     packed.c    counts packed for the trip from a worker; add_counts  (packed.h)
 *     faults.c    the allocation fault injector of KERNEL_FAULT_INJECTION builds
 *
 * Functions one file calls in another are declared in that file's header with
 * KERNEL_HIDDEN: not exported from the shared object, so calls between files are direct
 * (no PLT).  What the scan's hot loop calls is `static ALWAYS_INLINE` in a header.
 */
#ifndef WORDCOUNT_KERNEL_H
#define WORDCOUNT_KERNEL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
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
#define KERNEL_HIDDEN __attribute__((visibility("hidden")))
#else
#define NOINLINE
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define ALWAYS_INLINE inline
#define KERNEL_HIDDEN
#endif

/* ------------------------------------------------------------------------------------ */
/* Allocation (GIL not needed), with an optional fault injector for the tests            */
/* ------------------------------------------------------------------------------------ */

#ifdef KERNEL_FAULT_INJECTION
/* Whether this allocation is to fail (faults.c); test builds only. */
KERNEL_HIDDEN int kernel_fault_now(void);
/* Fail the allocation after the next n (-1: never). */
KERNEL_HIDDEN void kernel_fail_allocations_after(long n);
#define FAULT() kernel_fault_now()
#else
#define FAULT() 0
#endif

static inline void *
k_malloc(size_t n)
{
    if (FAULT())
        return NULL;
    return PyMem_RawMalloc(n);
}

static inline void *
k_calloc(size_t count, size_t size)
{
    if (FAULT())
        return NULL;
    return PyMem_RawCalloc(count, size);
}

static inline void *
k_realloc(void *p, size_t n)
{
    if (FAULT())
        return NULL;
    return PyMem_RawRealloc(p, n);
}

static inline void
k_free(void *p)
{
    PyMem_RawFree(p);
}

/* ------------------------------------------------------------------------------------ */
/* One thread at a time                                                                  */
/* ------------------------------------------------------------------------------------ */

/* Take an object's busy flag, or say it is in use (by another thread, or re-entered). */
static inline int
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

static inline void
leave_busy(int *busy)
{
#if defined(__GNUC__) || defined(__clang__)
    __atomic_store_n(busy, 0, __ATOMIC_RELEASE);
#else
    *busy = 0;
#endif
}

#endif /* WORDCOUNT_KERNEL_H */
