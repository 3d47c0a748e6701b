/*
 * packed.c: a worker's counts packed into one bytes object (pack_counts), the format the
 * Tally reads (tally.c), and add_counts, Counter.update in C.
 */
#include "packed.h"
#include "table.h"

/*
 * A worker sends its counts packed into one bytes object rather than as a dict: pickling
 * that is a copy, and the main process adds it into a Tally (the counting table above)
 * without making a Python object per word.  A record is
 *     the key's length (varint, >= 1)   the key's bytes   its count (varint, >= 1)
 * where a varint holds 7 bits a byte, low bits first, the high bit set on all but the
 * last.  The reader checks every length against what is left of the buffer.
 */

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
int
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

int
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

/* The keys and counts of table t packed into a new buffer (k_malloc; *len its size), and
 * t emptied; NULL when memory ran out (t is kept).  No GIL needed. */
unsigned char *
table_take_packed(Table *t, size_t *len)
{
    unsigned char key_buf[16];
    size_t size = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const Slot *e = &t->slots[i];
        if (e->len != 0)
            size += varint_size(e->len) + e->len + varint_size(e->count);
    }
    unsigned char *packed = (unsigned char *)k_malloc(size > 0 ? size : 1);
    if (packed == NULL)
        return NULL;
    unsigned char *w = packed;
    for (size_t i = 0; i < t->cap; i++) {
        const Slot *e = &t->slots[i];
        if (e->len == 0)
            continue;
        w = varint_put(w, e->len);
        memcpy(w, slot_key(e, key_buf), e->len);
        w = varint_put(w + e->len, e->count);
    }
    table_clear(t);
    *len = size;
    return packed;
}

/* The records of p[0:n], as packed by this file, in a new dict {bytes: int}; NULL with
 * an exception. */
PyObject *
packed_to_dict(const unsigned char *p, size_t n)
{
    PyObject *counts = PyDict_New();
    size_t position = 0;
    while (counts != NULL && position < n) {
        uint64_t len, count;
        if (varint_get(p, n, &position, &len) < 0 || len < 1 || len > n - position) {
            PyErr_SetString(PyExc_ValueError, "malformed packed counts");
            Py_CLEAR(counts);
            break;
        }
        PyObject *key = PyBytes_FromStringAndSize((const char *)p + position, (Py_ssize_t)len);
        position += (size_t)len;
        PyObject *value = NULL;
        if (key != NULL && varint_get(p, n, &position, &count) == 0)
            value = PyLong_FromUnsignedLongLong((unsigned long long)count);
        else if (key != NULL)
            PyErr_SetString(PyExc_ValueError, "malformed packed counts");
        if (value == NULL || PyDict_SetItem(counts, key, value) < 0)
            Py_CLEAR(counts);
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return counts;
}

const char pack_counts_doc[] = PyDoc_STR(
             "pack_counts($module, counts, /)\n--\n\n"
             "The dict `counts` ({bytes: int}) packed into one bytes object, for Tally.");

PyObject *
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

const char add_counts_doc[] = PyDoc_STR(
             "add_counts($module, total, counts, /)\n--\n\n"
             "Add each count of the dict `counts` to the same key of the dict `total`, as\n"
             "Counter.update does for a dict: the merge of the workers' results, in C.");

PyObject *
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

