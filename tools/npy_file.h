/* NumPy .npy files of float tensors, read and written: the format NumPy's save and load use, and so what
 * PyTorch users (tensor.numpy()) and onnx's test data exchange tensors in. `latmac infer` takes its
 * input and writes its output this way, so a tensor can come from and go back to Python unchanged.
 *
 * Read: format versions 1.0, 2.0 and 3.0; dtype float32 or float64 (converted to float), little-endian
 * or native ('<', '=', '|' or no mark: latmac runs on x86-64); C order; rank 0 to LM_NPY_MAX_RANK. The
 * header is a Python dict literal, parsed by a strict parser of exactly the grammar NumPy writes, never
 * evaluated. Anything else is refused with a one-line reason, and nothing is allocated before the file
 * is known to hold what its header declares.
 * Written: version 1.0 (2.0 when the header needs it), '<f4', C order, replaced atomically. */
#ifndef LM_NPY_FILE_H
#define LM_NPY_FILE_H

#include <stddef.h>
#include <stdint.h>

#define LM_NPY_MAX_RANK 8
/* The most elements a tensor may have (8 GiB of float): more is a corrupt or hostile header. */
#define LM_NPY_MAX_ELEMENTS ((size_t)1 << 31)
/* The longest header read. NumPy's own reader refuses more than 10000 bytes unless told otherwise;
 * a float tensor's header is under 300. */
#define LM_NPY_MAX_HEADER_BYTES ((size_t)1 << 20)

/* A C-order float tensor: dims[0..rank) (rank 0 is a scalar, count 1), count their product, data
 * NULL when count is 0. */
typedef struct lm_npy_array {
    int rank;
    int64_t dims[LM_NPY_MAX_RANK];
    size_t count;
    float *data;
} lm_npy_array;

/* Reads the .npy file at `path` into *out (free with lm_npy_free). Returns 0, or -1 with a one-line
 * reason in err ("X.npy: ...") and *out left empty. */
int lm_npy_read(const char *path, lm_npy_array *out, char *err, size_t err_size);

/* The same from a file's bytes in memory (the reason without a path). */
int lm_npy_read_bytes(const void *bytes, size_t size, lm_npy_array *out, char *err, size_t err_size);

/* Writes `a` to `path` as a '<f4' C-order file: into a temporary file next to it, then renamed into
 * place, so readers see the old file or the new one and a failure leaves the old one intact. Returns 0,
 * or -1 with a reason (also for an impossible `a`: rank, dims or count that disagree). */
int lm_npy_write(const char *path, const lm_npy_array *a, char *err, size_t err_size);

/* Frees a's data and empties it; NULL-safe. */
void lm_npy_free(lm_npy_array *a);

#endif
