/*
 * faults.c: the allocation fault injector of test builds (-DKERNEL_FAULT_INJECTION, as
 * `make test-asan` builds the kernel): every k_malloc, k_calloc and k_realloc asks it
 * whether to fail, and _kernel._fail_allocations_after(n) arms it.  Empty otherwise.
 */
#include "kernel.h"

#ifdef KERNEL_FAULT_INJECTION
/* Fail the allocation after this many more succeed; -1: never. */
static long fault_countdown = -1;

int
kernel_fault_now(void)
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

void
kernel_fail_allocations_after(long n)
{
    __atomic_store_n(&fault_countdown, n < 0 ? -1 : n, __ATOMIC_RELAXED);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int kernel_no_fault_injection;
#endif
