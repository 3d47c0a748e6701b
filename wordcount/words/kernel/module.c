/*
 * module.c: the extension module wordcount.words._kernel, put together from the files of
 * this directory (kernel.h lists them): its functions, its types, and its one-time
 * initialisation.
 */
#include "packed.h"
#include "scanner.h"
#include "table.h"

#ifdef KERNEL_FAULT_INJECTION
static PyObject *
fail_allocations_after(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    kernel_fail_allocations_after(n);
    Py_RETURN_NONE;
}
#endif

static PyMethodDef kernel_functions[] = {
    {"add_counts", (PyCFunction)(void (*)(void))kernel_add_counts, METH_FASTCALL, add_counts_doc},
    {"pack_counts", (PyCFunction)kernel_pack_counts, METH_O, pack_counts_doc},
#ifdef KERNEL_FAULT_INJECTION
    {"_fail_allocations_after", fail_allocations_after, METH_O,
     "Test builds only: make the kernel's allocation after the next n fail (-1: never)."},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "wordcount.words._kernel",
    .m_doc = "The counting kernel of wordcount: raw tokens found and counted in C.",
    .m_size = -1,
    .m_methods = kernel_functions,
};

PyMODINIT_FUNC
PyInit__kernel(void)
{
    /* The tables are written once per process (under the GIL, at the first import):
     * scans that run without the GIL only ever read them. */
    static int tables_ready = 0;
    if (!tables_ready) {
        init_byte_classes();
        tables_ready = 1;
    }
    if (init_seeds() < 0)
        return NULL;
    if (PyType_Ready(&ScannerType) < 0 || PyType_Ready(&TallyType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&kernel_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ScannerType);
    if (PyModule_AddObject(m, "Scanner", (PyObject *)&ScannerType) < 0) {
        Py_DECREF(&ScannerType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&TallyType);
    if (PyModule_AddObject(m, "Tally", (PyObject *)&TallyType) < 0) {
        Py_DECREF(&TallyType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "MAX_RUN_BYTES", 1L << 20) < 0 ||
        PyModule_AddIntConstant(m, "FAULT_INJECTION",
#ifdef KERNEL_FAULT_INJECTION
                                1
#else
                                0
#endif
                                ) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
