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

