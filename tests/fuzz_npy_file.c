/* libFuzzer target for the .npy reader (tools/npy_file.h): any bytes give a tensor whose count is the
 * product of its dimensions, or a one-line reason; never a crash, a sanitizer report or an allocation of
 * a size the header merely declares. The same bytes read as a file (an in-memory one) must give the same
 * answer, so the file path's own reading of the preamble and data is checked against the memory path.
 * Built and run by tests/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tools/npy_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a is what a successful read returns: rank, dims, count and data agree (ASan checks every element). */
static void check(const lm_npy_array *a) {
    if (a->rank < 0 || a->rank > LM_NPY_MAX_RANK) abort();
    size_t count = 1;
    for (int k = 0; k < a->rank; k++) {
        if (a->dims[k] < 0) abort();
        count *= (size_t)a->dims[k];
    }
    for (int k = a->rank; k < LM_NPY_MAX_RANK; k++)
        if (a->dims[k] != 0) abort();
    if (count != a->count || count > LM_NPY_MAX_ELEMENTS || (count > 0) != (a->data != NULL)) abort();
    volatile float sum = 0;
    for (size_t i = 0; i < count; i++) sum += a->data[i];
}

/* The bytes as a file: a memfd, read through its /proc path. */
static int read_as_file(const uint8_t *data, size_t size, lm_npy_array *out, char *err, size_t err_size,
                        char *path, size_t path_size) {
    static int fd = -1;
    if (fd < 0) fd = memfd_create("fuzz.npy", 0);
    if (fd < 0 || ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) abort();
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return lm_npy_read(path, out, err, err_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512] = "", file_err[768] = "", path[64];
    lm_npy_array a, b;
    const int status = lm_npy_read_bytes(data, size, &a, err, sizeof err);
    const int file_status = read_as_file(data, size, &b, file_err, sizeof file_err, path, sizeof path);
    if (status != file_status) abort();
    if (status == 0) {
        check(&a);
        if (a.rank != b.rank || memcmp(a.dims, b.dims, sizeof a.dims) != 0 || a.count != b.count ||
            (a.count && memcmp(a.data, b.data, a.count * sizeof *a.data) != 0))
            abort();
    } else {
        /* one line each, and the same reason after the file's path */
        const size_t n = strlen(path);
        if (!err[0] || strchr(err, '\n') || strncmp(file_err, path, n) != 0 ||
            strncmp(file_err + n, ": ", 2) != 0 || strcmp(file_err + n + 2, err) != 0)
            abort();
        if (a.data || b.data) abort();
    }
    lm_npy_free(&a);
    lm_npy_free(&b);
    return 0;
}
