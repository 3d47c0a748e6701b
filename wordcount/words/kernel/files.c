/*
 * files.c: Scanner.count_files, the small-file reader: files read and counted in one
 * call, without the GIL.
 */
#include "packed.h"
#include "scanner.h"

#ifdef KERNEL_POSIX_FILES
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------ */
/* Small files in one call                                                               */
/* ------------------------------------------------------------------------------------ */
/*
 * A unit of 10,000 small files spent more time in Python per file (open, two reads,
 * close, judging the content, feeding, bookkeeping) than in counting.  count_files does
 * all of it in C, for a list of paths, without the GIL.  A file is counted here only if
 * it is whole in fewer than max_bytes bytes and plainly text: its first byte is none of
 * the caller's special first bytes (those that start a magic number or a byte-order
 * mark: sources/content.py says which), it holds no NUL unless binary_as_text, and it is
 * valid UTF-8 (a file that is not may be in a legacy encoding, which
 * sources/detection.py detects).  Any other file is left to Python, whose rules decide
 * what it is.  Whether a file read is still the one planned is Python's to judge too
 * (sources/identity.py): each file counted comes back with what fstat said of it.
 */

/* What count_files found of one file: its size (counted), not counted here, or -errno;
 * and for a file counted, the fstat fields of its identity, and its raw tokens holding a
 * byte >= 0x80 (packed.c's format, or NULL if none): Python converts them, and so knows
 * what the rule met in this file (invalid UTF-8, a script written without spaces). */
#define FILE_LEFT_TO_PYTHON INT64_MIN

#if defined(__APPLE__)
#define STAT_MTIME(st) ((st).st_mtimespec)
#else
#define STAT_MTIME(st) ((st).st_mtim)
#endif

typedef struct {
    int64_t status;
    int64_t size;
    int64_t mtime_sec;
    int64_t mtime_nsec;
    unsigned long long ino;
    unsigned char *non_ascii;
    size_t non_ascii_len;
} FileOutcome;

/* Whether buf[0:len] is valid UTF-8 as Python's strict decoder judges it: no overlong
 * form, no surrogate, nothing above U+10FFFF, no character cut at the end.  Eight ASCII
 * bytes at a time where it can. */
static int
valid_utf8(const unsigned char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t word;
            memcpy(&word, buf + i, 8);
            if (!(word & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        unsigned char b = buf[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
        if (b >= 0xC2 && b <= 0xDF)
            need = 1;
        else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0)
                lo = 0xA0;
            else if (b == 0xED)
                hi = 0x9F;
        }
        else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0)
                lo = 0x90;
            else if (b == 0xF4)
                hi = 0x8F;
        }
        else
            return 0;
        if (len - i <= need || buf[i + 1] < lo || buf[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if (buf[i + k] < 0x80 || buf[i + k] > 0xBF)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* Read the whole file at path into buf (room for max_bytes), and fstat it as it is open:
 * out->status is its size, FILE_LEFT_TO_PYTHON if it holds max_bytes or more (or fstat
 * failed: Python reads it again and says why), or -errno.  One read is enough: a regular
 * file reads short only at its end.  No GIL needed. */
static void
read_small(const char *path, unsigned char *buf, size_t max_bytes, FileOutcome *out)
{
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        out->status = -(int64_t)errno;
        return;
    }
    ssize_t got;
    do {
        got = read(fd, buf, max_bytes);
    } while (got < 0 && errno == EINTR);
    out->status = got < 0 ? -(int64_t)errno : (int64_t)got;
    if (out->status >= (int64_t)max_bytes) {
        out->status = FILE_LEFT_TO_PYTHON;
    }
    else if (out->status >= 0) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            out->status = FILE_LEFT_TO_PYTHON;
        }
        else {
            out->size = (int64_t)st.st_size;
            out->mtime_sec = (int64_t)STAT_MTIME(st).tv_sec;
            out->mtime_nsec = (int64_t)STAT_MTIME(st).tv_nsec;
            out->ino = (unsigned long long)st.st_ino;
        }
    }
    close(fd);
}

/* Count each file of paths[0:n] as a text of its own; outcomes[i] as read_small says,
 * or FILE_LEFT_TO_PYTHON when it is not plain text.  special[b]: a file starting with the
 * byte b is left to Python.  The raw table is empty before each file, and its raw tokens
 * are taken into its outcome.  0, or -1 when memory ran out. */
static int
count_each_small_file(Scanner *s, char *const *paths, Py_ssize_t n, size_t max_bytes,
                  int binary_as_text, const unsigned char special[256], unsigned char *buf,
                  FileOutcome *outcomes)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        read_small(paths[i], buf, max_bytes, &outcomes[i]);
        if (outcomes[i].status < 0)
            continue;
        const unsigned char *text = buf;
        size_t len = (size_t)outcomes[i].status;
        if ((len > 0 && special[buf[0]]) || (!binary_as_text && memchr(buf, 0, len) != NULL) ||
            !valid_utf8(buf, len)) {
            outcomes[i].status = FILE_LEFT_TO_PYTHON;
            continue;
        }
        if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
            text += 3; /* a UTF-8 byte-order mark is not text */
            len -= 3;
        }
        if (scan(s, text, len) < 0 || run_end(s) < 0)
            return -1;
        if (s->raw.used > 0) {
            outcomes[i].non_ascii = table_take_packed(&s->raw, &outcomes[i].non_ascii_len);
            if (outcomes[i].non_ascii == NULL)
                return -1;
        }
    }
    return 0;
}

/* count_each_small_file with a raw table of its own, so that raw tokens counted before
 * (a text not yet taken) are not taken as the first file's; then the scanner's again. */
static int
count_small_files(Scanner *s, char *const *paths, Py_ssize_t n, size_t max_bytes,
                  int binary_as_text, const unsigned char special[256], unsigned char *buf,
                  FileOutcome *outcomes)
{
    Table before = s->raw;
    memset(&s->raw, 0, sizeof(s->raw));
    s->raw.mask = before.mask;
    int rc = count_each_small_file(s, paths, n, max_bytes, binary_as_text, special, buf,
                                   outcomes);
    table_free(&s->raw);
    s->raw = before;
    return rc;
}

const char count_files_doc[] = PyDoc_STR(
    "count_files($self, paths, max_bytes, binary_as_text, special_first_bytes, /)\n--\n\n"
    "Count each small plain-text file of the list `paths` as a text of its own.\n"
    "Returns a list with, for each path: (size, (st_size, st_mtime_ns, st_ino),\n"
    "non_ascii) if it was counted: its size in bytes, what fstat said of the file\n"
    "read, and its raw tokens holding a byte >= 0x80 ({raw token: n}, or None if\n"
    "none; they are not left for take()); None if\n"
    "it was left to the caller (not small, or not plainly UTF-8 text: it starts with\n"
    "one of the bytes special_first_bytes, or holds a NUL and not binary_as_text, or\n"
    "is not valid UTF-8); or -errno if it could not be read.  max_bytes must not\n"
    "exceed max_run_bytes, so that no run in such a file is ever skipped.");

/* The modification time in nanoseconds, as os.stat_result.st_mtime_ns has it. */
static PyObject *
mtime_ns(int64_t sec, int64_t nsec)
{
    long long ns;
    if (!__builtin_mul_overflow((long long)sec, 1000000000LL, &ns) &&
        !__builtin_add_overflow(ns, (long long)nsec, &ns))
        return PyLong_FromLongLong(ns);
    /* before 1678 or after 2262: in Python's ints */
    PyObject *seconds = PyLong_FromLongLong((long long)sec);
    PyObject *billion = PyLong_FromLong(1000000000L);
    PyObject *nanos = PyLong_FromLongLong((long long)nsec);
    PyObject *scaled = seconds && billion ? PyNumber_Multiply(seconds, billion) : NULL;
    PyObject *total = scaled && nanos ? PyNumber_Add(scaled, nanos) : NULL;
    Py_XDECREF(seconds);
    Py_XDECREF(billion);
    Py_XDECREF(nanos);
    Py_XDECREF(scaled);
    return total;
}

/* What count_files returns for one file (see count_files_doc); NULL with an exception. */
static PyObject *
outcome_object(const FileOutcome *outcome)
{
    if (outcome->status == FILE_LEFT_TO_PYTHON)
        Py_RETURN_NONE;
    if (outcome->status < 0)
        return PyLong_FromLongLong((long long)outcome->status);
    PyObject *non_ascii = Py_None;
    Py_INCREF(non_ascii);
    if (outcome->non_ascii != NULL) {
        Py_DECREF(non_ascii);
        non_ascii = packed_to_dict(outcome->non_ascii, outcome->non_ascii_len);
        if (non_ascii == NULL)
            return NULL;
    }
    PyObject *mtime = mtime_ns(outcome->mtime_sec, outcome->mtime_nsec);
    if (mtime == NULL) {
        Py_DECREF(non_ascii);
        return NULL;
    }
    return Py_BuildValue("L(LNK)N", (long long)outcome->status, (long long)outcome->size, mtime,
                         outcome->ino, non_ascii);
}

/* The paths of a list of str as file-system bytes, in a new tuple; NULL with an
 * exception. */
static PyObject *
encoded_paths(PyObject *list)
{
    PyObject *encoded = PyTuple_New(PyList_GET_SIZE(list));
    if (encoded == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(encoded); i++) {
        PyObject *path = PyList_GET_ITEM(list, i);
        PyObject *bytes = NULL;
        if (!PyUnicode_Check(path) || !PyUnicode_FSConverter(path, &bytes)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "count_files() takes a list of str paths");
            Py_DECREF(encoded);
            return NULL;
        }
        PyTuple_SET_ITEM(encoded, i, bytes);
    }
    return encoded;
}

/* special[b] set for each byte b of the bytes object arg; 0, or -1 with an exception. */
static int
parse_special_first_bytes(PyObject *arg, unsigned char special[256])
{
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "count_files() special_first_bytes: bytes");
        return -1;
    }
    memset(special, 0, 256);
    const unsigned char *bytes = (const unsigned char *)PyBytes_AS_STRING(arg);
    for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(arg); i++)
        special[bytes[i]] = 1;
    return 0;
}

/* The list count_files returns, from the outcomes of n files; NULL with an exception. */
static PyObject *
outcome_list(const FileOutcome *outcomes, Py_ssize_t n)
{
    PyObject *result = PyList_New(n);
    if (result == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = outcome_object(&outcomes[i]);
        if (item == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, item);
    }
    return result;
}

PyObject *
Scanner_count_files(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Scanner *s = (Scanner *)self;
    unsigned char special[256];
    if (nargs != 4 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "count_files(paths: list, max_bytes, binary_as_text, "
                                         "special_first_bytes: bytes)");
        return NULL;
    }
    Py_ssize_t max_bytes = PyLong_AsSsize_t(args[1]);
    if (max_bytes == -1 && PyErr_Occurred())
        return NULL;
    int binary_as_text = PyObject_IsTrue(args[2]);
    if (binary_as_text < 0 || parse_special_first_bytes(args[3], special) < 0)
        return NULL;
    if (max_bytes < 1 || (size_t)max_bytes > s->max_run) {
        PyErr_SetString(PyExc_ValueError, "max_bytes must be from 1 to max_run_bytes");
        return NULL;
    }
    /* The paths as file-system bytes, held in a tuple while the GIL is released. */
    PyObject *encoded = encoded_paths(args[0]);
    if (encoded == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(encoded);
    char **paths = PyMem_New(char *, n > 0 ? n : 1);
    FileOutcome *outcomes = PyMem_New(FileOutcome, n > 0 ? n : 1);
    if (outcomes != NULL)
        memset(outcomes, 0, (size_t)(n > 0 ? n : 1) * sizeof(FileOutcome));
    unsigned char *buf = (unsigned char *)PyMem_Malloc((size_t)max_bytes);
    PyObject *result = NULL;
    if (paths == NULL || outcomes == NULL || buf == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        paths[i] = PyBytes_AS_STRING(PyTuple_GET_ITEM(encoded, i));
    if (scanner_enter(s) < 0)
        goto done;
    int rc = run_end(s); /* no token of an earlier text runs on into these */
    if (rc == 0) {
        Py_BEGIN_ALLOW_THREADS
        rc = count_small_files(s, paths, n, (size_t)max_bytes, binary_as_text, special, buf,
                               outcomes);
        Py_END_ALLOW_THREADS
    }
    scanner_leave(s);
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    result = outcome_list(outcomes, n);
done:
    for (Py_ssize_t i = 0; outcomes != NULL && i < n; i++)
        k_free(outcomes[i].non_ascii);
    PyMem_Free(buf);
    PyMem_Free(outcomes);
    PyMem_Free(paths);
    Py_DECREF(encoded);
    return result;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int kernel_no_posix_files;
#endif
