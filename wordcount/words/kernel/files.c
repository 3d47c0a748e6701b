/*
 * files.c: Scanner.count_files, the small-file reader: files read and counted in one
 * call, without the GIL.
 */
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
 * those that start a magic number or a byte-order mark (0x00 0x1F B 0xFD 0xFE 0xFF; see
 * sources/content.py), it holds no NUL unless binary_as_text, and it is valid UTF-8 (a
 * file that is not may be in a legacy encoding, which sources/detection.py detects).  Any
 * other file is left to Python, whose rules decide what it is.
 */

/* What count_files says of one file: its size (counted), not counted here, or -errno. */
#define FILE_LEFT_TO_PYTHON INT64_MIN

#if defined(__APPLE__)
#define STAT_MTIME(st) ((st).st_mtimespec)
#else
#define STAT_MTIME(st) ((st).st_mtim)
#endif

/* A file's identity as the walk found it (sources/identity.py): a file read that is no
 * longer this one changed after it was found, and is left to Python, which reads it again
 * and reports the change.  The modification time is kept as POSIX keeps it, seconds and
 * nanoseconds, so that comparing it never multiplies. */
enum { IDENTITY_NONE, IDENTITY_CHECKED, IDENTITY_LEFT_TO_PYTHON };

typedef struct {
    int64_t size;
    int64_t mtime_sec;
    int64_t mtime_nsec; /* 0 to 999,999,999 */
    unsigned long long ino;
    int kind;           /* IDENTITY_NONE: nothing to compare; IDENTITY_LEFT_TO_PYTHON: one
                           that C cannot hold (a time before 1678 or after 2262), for Python */
} FileIdentity;

static int
special_first_byte(unsigned char b)
{
    return b == 0x00 || b == 0x1F || b == 'B' || b == 0xFD || b == 0xFE || b == 0xFF;
}

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

/* Whether the file open as fd, of which size bytes were read, is no longer the one
 * planned; also when fstat fails, so that Python reads it again and says why. */
static int
changed_since_planned(int fd, int64_t size, const FileIdentity *planned)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 1;
    return size != planned->size || (int64_t)st.st_size != planned->size ||
           (int64_t)STAT_MTIME(st).tv_sec != planned->mtime_sec ||
           (int64_t)STAT_MTIME(st).tv_nsec != planned->mtime_nsec ||
           (unsigned long long)st.st_ino != planned->ino;
}

/* Read the whole file at path into buf (room for max_bytes): its size, FILE_LEFT_TO_PYTHON
 * if it holds max_bytes or more or is no longer the planned file, or -errno.  One read is
 * enough: a regular file reads short only at its end.  planned may be NULL.  No GIL
 * needed. */
static int64_t
read_small(const char *path, unsigned char *buf, size_t max_bytes, const FileIdentity *planned)
{
    int fd;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -(int64_t)errno;
    ssize_t got;
    do {
        got = read(fd, buf, max_bytes);
    } while (got < 0 && errno == EINTR);
    int64_t status = got < 0 ? -(int64_t)errno : (int64_t)got;
    if (status >= (int64_t)max_bytes)
        status = FILE_LEFT_TO_PYTHON;
    else if (status >= 0 && planned != NULL && planned->kind != IDENTITY_NONE &&
             (planned->kind == IDENTITY_LEFT_TO_PYTHON ||
              changed_since_planned(fd, status, planned)))
        status = FILE_LEFT_TO_PYTHON;
    close(fd);
    return status;
}

/* Count each file of paths[0:n] as a text of its own; statuses[i] as read_small says,
 * or FILE_LEFT_TO_PYTHON when it is not plain text.  identities, if not NULL, holds n
 * planned identities.  0, or -1 when memory ran out. */
static int
count_small_files(Scanner *s, char *const *paths, const FileIdentity *identities, Py_ssize_t n,
                  size_t max_bytes, int binary_as_text, unsigned char *buf, int64_t *statuses)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const FileIdentity *planned = identities != NULL ? &identities[i] : NULL;
        int64_t size = read_small(paths[i], buf, max_bytes, planned);
        statuses[i] = size;
        if (size < 0)
            continue;
        const unsigned char *text = buf;
        size_t len = (size_t)size;
        if ((len > 0 && special_first_byte(buf[0])) ||
            (!binary_as_text && memchr(buf, 0, len) != NULL) || !valid_utf8(buf, len)) {
            statuses[i] = FILE_LEFT_TO_PYTHON;
            continue;
        }
        if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
            text += 3; /* a UTF-8 byte-order mark is not text */
            len -= 3;
        }
        if (scan(s, text, len) < 0 || run_end(s) < 0)
            return -1;
    }
    return 0;
}

const char count_files_doc[] = PyDoc_STR(
             "count_files($self, paths, max_bytes, binary_as_text, identities=None, /)\n--\n\n"
             "Count each small plain-text file of the list `paths` as a text of its own.\n"
             "Returns a list with, for each path: its size in bytes if it was counted,\n"
             "None if it was left to the caller (not small, not plainly UTF-8 text, or no\n"
             "longer the file planned), or -errno if it could not be read.  max_bytes\n"
             "must not exceed max_run_bytes, so that no run in such a file is ever\n"
             "skipped.  identities, a list as long as paths, holds for each path None or\n"
             "the (st_size, st_mtime_ns, st_ino) it was planned with.");

/* identities[i] from the Python list (see count_files_doc); 0, or -1 with an exception. */
static int
parse_identities(PyObject *list, Py_ssize_t n, FileIdentity *identities)
{
    if (!PyList_Check(list) || PyList_GET_SIZE(list) != n) {
        PyErr_SetString(PyExc_TypeError, "count_files() identities: a list as long as paths");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        FileIdentity *identity = &identities[i];
        identity->kind = IDENTITY_NONE;
        if (item == Py_None)
            continue;
        /* Plain ints only: converting any other object could run Python code (__index__)
         * that changes the list being read. */
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 0)) || !PyLong_Check(PyTuple_GET_ITEM(item, 1)) ||
            !PyLong_Check(PyTuple_GET_ITEM(item, 2))) {
            PyErr_SetString(PyExc_TypeError,
                            "count_files() identities: None or (size, mtime_ns, inode), ints");
            return -1;
        }
        long long size = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 0));
        if (size == -1 && PyErr_Occurred())
            return -1;
        int overflow = 0;
        long long mtime_ns = PyLong_AsLongLongAndOverflow(PyTuple_GET_ITEM(item, 1), &overflow);
        if (mtime_ns == -1 && PyErr_Occurred())
            return -1;
        unsigned long long ino = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(item, 2));
        if (ino == (unsigned long long)-1 && PyErr_Occurred())
            return -1;
        identity->size = (int64_t)size;
        identity->ino = ino;
        if (overflow) { /* before 1678 or after 2262: Python's ints compare it */
            identity->kind = IDENTITY_LEFT_TO_PYTHON;
            continue;
        }
        /* Floor division, as POSIX splits a time before 1970: -1.5 s is -2 s + 0.5 s. */
        int64_t sec = (int64_t)(mtime_ns / 1000000000LL);
        int64_t nsec = (int64_t)(mtime_ns % 1000000000LL);
        if (nsec < 0) {
            nsec += 1000000000LL;
            sec -= 1;
        }
        identity->mtime_sec = sec;
        identity->mtime_nsec = nsec;
        identity->kind = IDENTITY_CHECKED;
    }
    return 0;
}

PyObject *
Scanner_count_files(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Scanner *s = (Scanner *)self;
    if (nargs < 3 || nargs > 4 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "count_files(paths: list, max_bytes, binary_as_text, identities=None)");
        return NULL;
    }
    PyObject *identity_list = nargs == 4 && args[3] != Py_None ? args[3] : NULL;
    Py_ssize_t max_bytes = PyLong_AsSsize_t(args[1]);
    if (max_bytes == -1 && PyErr_Occurred())
        return NULL;
    int binary_as_text = PyObject_IsTrue(args[2]);
    if (binary_as_text < 0)
        return NULL;
    if (max_bytes < 1 || (size_t)max_bytes > s->max_run) {
        PyErr_SetString(PyExc_ValueError, "max_bytes must be from 1 to max_run_bytes");
        return NULL;
    }
    /* The paths as file-system bytes, held in a tuple while the GIL is released. */
    PyObject *encoded = PyTuple_New(PyList_GET_SIZE(args[0]));
    if (encoded == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(encoded);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *path = PyList_GET_ITEM(args[0], i);
        PyObject *bytes = NULL;
        if (!PyUnicode_Check(path) || !PyUnicode_FSConverter(path, &bytes)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "count_files() takes a list of str paths");
            Py_DECREF(encoded);
            return NULL;
        }
        PyTuple_SET_ITEM(encoded, i, bytes);
    }
    char **paths = (char **)PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(char *));
    int64_t *statuses = (int64_t *)PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    unsigned char *buf = (unsigned char *)PyMem_Malloc((size_t)max_bytes);
    FileIdentity *identities = NULL;
    if (identity_list != NULL)
        identities = PyMem_New(FileIdentity, n > 0 ? n : 1); /* NULL if the size overflows */
    PyObject *result = NULL;
    if (paths == NULL || statuses == NULL || buf == NULL ||
        (identity_list != NULL && identities == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    if (identity_list != NULL && parse_identities(identity_list, n, identities) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++)
        paths[i] = PyBytes_AS_STRING(PyTuple_GET_ITEM(encoded, i));
    if (scanner_enter(s) < 0)
        goto done;
    int rc = run_end(s); /* no token of an earlier text runs on into these */
    if (rc == 0) {
        Py_BEGIN_ALLOW_THREADS
        rc = count_small_files(s, paths, identities, n, (size_t)max_bytes, binary_as_text, buf,
                               statuses);
        Py_END_ALLOW_THREADS
    }
    scanner_leave(s);
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyList_New(n);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *status;
        if (statuses[i] == FILE_LEFT_TO_PYTHON) {
            status = Py_None;
            Py_INCREF(status);
        }
        else {
            status = PyLong_FromLongLong((long long)statuses[i]);
            if (status == NULL) {
                Py_CLEAR(result);
                goto done;
            }
        }
        PyList_SET_ITEM(result, i, status);
    }
done:
    PyMem_Free(identities);
    PyMem_Free(buf);
    PyMem_Free(statuses);
    PyMem_Free(paths);
    Py_DECREF(encoded);
    return result;
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int kernel_no_posix_files;
#endif
