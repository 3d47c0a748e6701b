/*
 * tally.c: the Tally, which adds up counts keyed by bytes in the main process, packed
 * (packed.c) or as dicts, into a counting table (table.h) rather than a dict.
 */
#include "packed.h"
#include "table.h"

/* Packed counts shorter than this are added without releasing the GIL (as scanner.c). */
#define PACKED_RELEASE_GIL_MIN_BYTES (64 * 1024)

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

/* Report order (ranking.py): count descending, then key ascending byte by byte, which for
 * UTF-8 is code point order, a shorter key before the longer it begins.  > 0 when slot a
 * comes after slot b. */
static int
rank_compare(const Slot *a, const Slot *b)
{
    unsigned char abuf[16], bbuf[16];
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    size_t common = a->len < b->len ? a->len : b->len;
    int order = memcmp(slot_key(a, abuf), slot_key(b, bbuf), common);
    if (order != 0)
        return order;
    return a->len < b->len ? -1 : (a->len > b->len);
}

static int
rank_compare_qsort(const void *a, const void *b)
{
    return rank_compare(*(const Slot *const *)a, *(const Slot *const *)b);
}

/* Restore the heap below i: heap[0] is the slot that ranks last among those kept. */
static void
sift_down(const Slot **heap, size_t n, size_t i)
{
    for (;;) {
        size_t last = i, left = 2 * i + 1, right = left + 1;
        if (left < n && rank_compare(heap[left], heap[last]) > 0)
            last = left;
        if (right < n && rank_compare(heap[right], heap[last]) > 0)
            last = right;
        if (last == i)
            return;
        const Slot *swap = heap[i];
        heap[i] = heap[last];
        heap[last] = swap;
        i = last;
    }
}

static void
sift_up(const Slot **heap, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (rank_compare(heap[i], heap[parent]) <= 0)
            return;
        const Slot *swap = heap[i];
        heap[i] = heap[parent];
        heap[parent] = swap;
        i = parent;
    }
}

/* The slots as a list of (key decoded from UTF-8, count): the words a report prints,
 * made once, with no bytes object for each on the way. */
static PyObject *
rows_of(const Slot *const *slots, size_t n)
{
    PyObject *rows = PyList_New((Py_ssize_t)n);
    if (rows == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char buf[16];
        const Slot *e = slots[i];
        PyObject *row = Py_BuildValue("(s#K)", (const char *)slot_key(e, buf),
                                      (Py_ssize_t)e->len, (unsigned long long)e->count);
        if (row == NULL) {
            Py_DECREF(rows);
            return NULL;
        }
        PyList_SET_ITEM(rows, (Py_ssize_t)i, row);
    }
    return rows;
}

PyDoc_STRVAR(Tally_top_doc,
             "top($self, n, /)\n--\n\n"
             "The n keys that rank first, as [(str, count)], each key decoded from UTF-8:\n"
             "count descending, then key ascending (the report's order).  A heap of n\n"
             "slots: nothing is made for the other keys.");

static PyObject *
Tally_top(PyObject *self, PyObject *arg)
{
    Tally *t = (Tally *)self;
    Py_ssize_t wanted = PyLong_AsSsize_t(arg);
    if (wanted == -1 && PyErr_Occurred())
        return NULL;
    if (wanted < 0) {
        PyErr_SetString(PyExc_ValueError, "top() takes a number of keys from 0");
        return NULL;
    }
    /* Busy from the first look at the table: another thread may be adding to it with
     * the GIL released (add_packed), and an add can move the table (table_grow); building
     * the rows can run Python code (a collection's finalizers), which must not change the
     * table the heap points into either. */
    if (enter_busy(&t->busy, "Tally") < 0)
        return NULL;
    size_t n = (size_t)wanted < t->table.used ? (size_t)wanted : t->table.used;
    const Slot **heap = n ? k_malloc(n * sizeof(*heap)) : NULL;
    if (n && heap == NULL) {
        leave_busy(&t->busy);
        return PyErr_NoMemory();
    }
    size_t kept = 0;
    for (size_t i = 0; i < t->table.cap && n; i++) {
        const Slot *e = &t->table.slots[i];
        if (e->len == 0)
            continue;
        if (n == t->table.used) { /* every key: sorted below, no heap needed */
            heap[kept++] = e;
        }
        else if (kept < n) {
            heap[kept] = e;
            sift_up(heap, kept++);
        }
        else if (rank_compare(e, heap[0]) < 0) {
            heap[0] = e;
            sift_down(heap, n, 0);
        }
    }
    if (kept > 1)
        qsort(heap, kept, sizeof(*heap), rank_compare_qsort);
    PyObject *rows = rows_of(heap, kept);
    leave_busy(&t->busy);
    k_free(heap);
    return rows;
}

PyDoc_STRVAR(Tally_with_count_doc,
             "with_count($self, count, /)\n--\n\n"
             "Every key counted exactly `count` times, as [(str, count)], in no order.");

static PyObject *
Tally_with_count(PyObject *self, PyObject *arg)
{
    Tally *t = (Tally *)self;
    unsigned long long count = PyLong_AsUnsignedLongLong(arg);
    if (count == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    if (enter_busy(&t->busy, "Tally") < 0) /* as in top() */
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->table.cap; i++)
        n += t->table.slots[i].len != 0 && t->table.slots[i].count == count;
    const Slot **matching = n ? k_malloc(n * sizeof(*matching)) : NULL;
    if (n && matching == NULL) {
        leave_busy(&t->busy);
        return PyErr_NoMemory();
    }
    size_t found = 0;
    for (size_t i = 0; i < t->table.cap && found < n; i++) {
        const Slot *e = &t->table.slots[i];
        if (e->len != 0 && e->count == count)
            matching[found++] = e;
    }
    PyObject *rows = rows_of(matching, found);
    leave_busy(&t->busy);
    k_free(matching);
    return rows;
}

static PyObject *Tally_new(PyTypeObject *type, PyObject *args, PyObject *kwds);

/* How many code points the UTF-8 key holds: its bytes that do not continue one. */
static size_t
code_points(const unsigned char *key, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += (key[i] & 0xC0) != 0x80;
    return n;
}

/* Room in an empty table for n keys, so that it never grows while they come in: keys taken
 * from another Tally come in the order of the hashes' high bits, which a table still
 * smaller than theirs piles into one run (see table_home).  Slots never written to stay
 * untouched zero pages, not resident. */
static int
table_reserve(Table *t, size_t n)
{
    size_t cap = 1024;
    unsigned shift = 64 - 10;
    while (cap / 10 * 7 < n) {
        if (cap > (SIZE_MAX / sizeof(Slot)) / 2)
            return -1;
        cap *= 2;
        shift--;
    }
    t->slots = (Slot *)k_calloc(cap, sizeof(Slot));
    if (t->slots == NULL)
        return -1;
    t->cap = cap;
    t->shift = shift;
    t->limit = cap / 10 * 7;
    return 0;
}

PyDoc_STRVAR(Tally_selected_doc,
             "selected($self, min_count, min_length, stopwords, /)\n--\n\n"
             "A new Tally of the keys counted min_count times or more, of min_length code\n"
             "points or more (keys are UTF-8), and not in the set stopwords (of bytes).");

static PyObject *
Tally_selected(PyObject *self, PyObject *args)
{
    Tally *t = (Tally *)self;
    unsigned long long min_count;
    Py_ssize_t min_length;
    PyObject *stopwords;
    if (!PyArg_ParseTuple(args, "KnO!:selected", &min_count, &min_length, &PyFrozenSet_Type,
                          &stopwords))
        return NULL;
    PyObject *no_args = PyTuple_New(0);
    if (no_args == NULL)
        return NULL;
    Tally *kept = (Tally *)Tally_new(&TallyType, no_args, NULL);
    Py_DECREF(no_args);
    if (kept == NULL)
        return NULL;
    if (table_reserve(&kept->table, t->table.used) < 0) {
        Py_DECREF(kept);
        return PyErr_NoMemory();
    }
    /* Looking a key up in stopwords makes a bytes object, which can run Python code (a
     * collection's finalizers): which must not change this table meanwhile. */
    if (enter_busy(&t->busy, "Tally") < 0) {
        Py_DECREF(kept);
        return NULL;
    }
    int has_stopwords = PySet_GET_SIZE(stopwords) > 0;
    for (size_t i = 0; i < t->table.cap; i++) {
        const Slot *e = &t->table.slots[i];
        unsigned char buf[16];
        if (e->len == 0 || e->count < min_count)
            continue;
        const unsigned char *key = slot_key(e, buf);
        if (min_length > 1 && code_points(key, e->len) < (size_t)min_length)
            continue;
        if (has_stopwords) {
            PyObject *word = PyBytes_FromStringAndSize((const char *)key, (Py_ssize_t)e->len);
            int stop = word == NULL ? -1 : PySet_Contains(stopwords, word);
            Py_XDECREF(word);
            if (stop < 0)
                goto error;
            if (stop)
                continue;
        }
        int rc = table_add_n(&kept->table, &kept->arena, key, e->len, e->count);
        if (rc < 0) {
            tally_error(rc);
            goto error;
        }
    }
    leave_busy(&t->busy);
    return (PyObject *)kept;
error:
    leave_busy(&t->busy);
    Py_DECREF(kept);
    return NULL;
}

static PyObject *
Tally_total(PyObject *self, void *Py_UNUSED(closure))
{
    Tally *t = (Tally *)self;
    if (enter_busy(&t->busy, "Tally") < 0) /* as in top() */
        return NULL;
    uint64_t total = 0;
    for (size_t i = 0; i < t->table.cap; i++) {
        const Slot *e = &t->table.slots[i];
        if (e->len == 0)
            continue;
        if (e->count > UINT64_MAX - total) {
            leave_busy(&t->busy);
            PyErr_SetString(PyExc_OverflowError, "the counts add up past 64 bits");
            return NULL;
        }
        total += e->count;
    }
    leave_busy(&t->busy);
    return PyLong_FromUnsignedLongLong((unsigned long long)total);
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
    {"top", (PyCFunction)Tally_top, METH_O, Tally_top_doc},
    {"with_count", (PyCFunction)Tally_with_count, METH_O, Tally_with_count_doc},
    {"selected", (PyCFunction)Tally_selected, METH_VARARGS, Tally_selected_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Tally_getset[] = {
    {"distinct", Tally_len, NULL, "how many distinct keys are counted", NULL},
    {"total", Tally_total, NULL, "the counts added up", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(Tally_doc,
             "Tally()\n--\n\n"
             "Adds up counts keyed by bytes, packed (pack_counts) or as dicts, in C.");

PyTypeObject TallyType = {
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

