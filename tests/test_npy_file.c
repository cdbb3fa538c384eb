/* tools/npy_file.c: tensors of rank 0, 1, 2 and 4 written and read back; files NumPy itself wrote
 * (versions 1.0 and 2.0, float32 and float64, a scalar) read with their values, and written back byte
 * for byte as NumPy writes them; the header spellings NumPy reads (either quote, any key order, '|f4',
 * 16-byte padding, version 3.0); every malformed file refused with a one-line reason naming the problem,
 * from memory, from a file (the reason after its path) and from a pipe, without allocating what a lying
 * header declares; a failed write leaves the previous file as it was and no temporary file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/npy_file.h"

/* ---- Files NumPy 1.24 wrote (np.save, and numpy.lib.format.write_array(f, a, version=(2, 0))) ---- */

/* np.array([[1.5, -2, 0.25], [1e-3, 3e38, -0.0]], dtype='<f4') */
static const unsigned char numpy_f4_2x3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27, 0x64, 0x65, 0x73, 0x63,
    0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x34, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74,
    0x72, 0x61, 0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20, 0x28, 0x32, 0x2c, 0x20,
    0x33, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a,
    0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x3e, 0x6f, 0x12, 0x83, 0x3a,
    0xe6, 0xb1, 0x61, 0x7f, 0x00, 0x00, 0x00, 0x80,
};
/* np.array(7.25, dtype='<f4'): shape () */
static const unsigned char numpy_f4_scalar[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27, 0x64, 0x65, 0x73, 0x63,
    0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x34, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74,
    0x72, 0x61, 0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20, 0x28, 0x29, 0x2c, 0x20,
    0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a,
    0x00, 0x00, 0xe8, 0x40,
};
/* np.array([0.1, -1e300], dtype='<f8'): shape (2,) */
static const unsigned char numpy_f8_2[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, 0x76, 0x00, 0x7b, 0x27, 0x64, 0x65, 0x73, 0x63,
    0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x38, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f, 0x72, 0x74,
    0x72, 0x61, 0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61, 0x6c, 0x73,
    0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20, 0x28, 0x32, 0x2c, 0x29,
    0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a,
    0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, 0x9c, 0x75, 0x00, 0x88, 0x3c, 0xe4, 0x37, 0xfe,
};
/* np.array([1, 2, 3], dtype='<f4') as version 2.0 */
static const unsigned char numpy_v2_f4_3[] = {
    0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x02, 0x00, 0x74, 0x00, 0x00, 0x00, 0x7b, 0x27, 0x64, 0x65,
    0x73, 0x63, 0x72, 0x27, 0x3a, 0x20, 0x27, 0x3c, 0x66, 0x34, 0x27, 0x2c, 0x20, 0x27, 0x66, 0x6f,
    0x72, 0x74, 0x72, 0x61, 0x6e, 0x5f, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x27, 0x3a, 0x20, 0x46, 0x61,
    0x6c, 0x73, 0x65, 0x2c, 0x20, 0x27, 0x73, 0x68, 0x61, 0x70, 0x65, 0x27, 0x3a, 0x20, 0x28, 0x33,
    0x2c, 0x29, 0x2c, 0x20, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x0a,
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40,
};

/* ---- A temporary folder, and files made by hand ---- */

static char dir[64];

static int make_dir(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/latmac-test-npy-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    return system(command);
}

static const char *in_dir(const char *name) {
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *path, const void *bytes, size_t size) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

/* The file's bytes (malloc'ed) and size. */
static unsigned char *file_bytes(const char *path, size_t *size) {
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *bytes = malloc((size_t)st.st_size + 1);
    assert_non_null(bytes);
    *size = fread(bytes, 1, (size_t)st.st_size + 1, f);
    fclose(f);
    return bytes;
}

/* The names in the folder ending in `suffix`. */
static int files_ending_in(const char *suffix) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        const size_t length = strlen(e->d_name), s = strlen(suffix);
        n += length >= s && strcmp(e->d_name + length - s, suffix) == 0;
    }
    closedir(d);
    return n;
}

/* A .npy file made by hand: the magic, version major.0, the header length, `dict` padded with spaces
 * and '\n' so that the data starts at a multiple of `align`, then `data`. */
typedef struct npy_bytes {
    unsigned char bytes[4096];
    size_t size;
} npy_bytes;

static npy_bytes make_npy(int major, const char *dict, size_t align, const void *data, size_t data_size) {
    npy_bytes n;
    const size_t fixed = major == 1 ? 10 : 12, dict_length = strlen(dict);
    const size_t total = (fixed + dict_length + 1 + align - 1) / align * align, length = total - fixed;
    assert_true(total + data_size <= sizeof n.bytes);
    memcpy(n.bytes, "\x93NUMPY", 6);
    n.bytes[6] = (unsigned char)major, n.bytes[7] = 0;
    for (size_t i = 8; i < fixed; i++) n.bytes[i] = (unsigned char)(length >> (8 * (i - 8)));
    memcpy(n.bytes + fixed, dict, dict_length);
    memset(n.bytes + fixed + dict_length, ' ', length - dict_length - 1);
    n.bytes[total - 1] = '\n';
    if (data_size) memcpy(n.bytes + total, data, data_size);
    n.size = total + data_size;
    return n;
}

static const float six[6] = {1, 2, 3, 4, 5, 6};

/* A version 1.0 float32 file with this dict and `count` of the six floats. */
static npy_bytes with_dict(const char *dict, size_t count) {
    return make_npy(1, dict, 64, six, count * sizeof(float));
}

/* ---- Reading what is refused ---- */

/* The bytes are refused from memory, from a file and from a pipe, each time with a reason containing
 * `reason` (after the path, for the file) and nothing returned. */
static void refused_from_pipe(const void *bytes, size_t size, const char *reason);

static void refused(const void *bytes, size_t size, const char *reason) {
    char err[512] = "";
    lm_npy_array a = {.count = 99};
    assert_int_equal(lm_npy_read_bytes(bytes, size, &a, err, sizeof err), -1);
    if (!strstr(err, reason)) fail_msg("from memory: '%s' does not say '%s'", err, reason);
    assert_null(a.data);
    assert_int_equal(a.count, 0);
    assert_null(strchr(err, '\n'));

    const char *path = in_dir("bad.npy");
    write_bytes(path, bytes, size);
    err[0] = '\0';
    a.count = 99;
    assert_int_equal(lm_npy_read(path, &a, err, sizeof err), -1);
    if (strncmp(err, path, strlen(path)) != 0 || strncmp(err + strlen(path), ": ", 2) != 0 || !strstr(err, reason))
        fail_msg("from a file: '%s' does not say '%s: ...%s'", err, path, reason);
    assert_null(a.data);
    assert_int_equal(a.count, 0);
    refused_from_pipe(bytes, size, reason);
}

/* Through a pipe (no size to check first), fed by a child process. */
static void refused_from_pipe(const void *bytes, size_t size, const char *reason) {
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        signal(SIGPIPE, SIG_IGN); /* the reader may stop early */
        const unsigned char *p = bytes;
        for (size_t left = size; left > 0;) {
            const ssize_t n = write(fds[1], p, left);
            if (n <= 0) break;
            p += n, left -= (size_t)n;
        }
        _exit(0);
    }
    close(fds[1]);
    char path[64], err[512] = "";
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    lm_npy_array a;
    const int status = lm_npy_read(path, &a, err, sizeof err);
    close(fds[0]);
    waitpid(child, NULL, 0);
    assert_int_equal(status, -1);
    if (!strstr(err, reason)) fail_msg("from a pipe: '%s' does not say '%s'", err, reason);
    assert_null(a.data);
}

#define REFUSED_DICT(dict, reason) \
    do { \
        const npy_bytes n_ = with_dict(dict, 6); \
        refused(n_.bytes, n_.size, reason); \
    } while (0)

static void test_bad_preambles(void **state) {
    (void)state;
    refused("", 0, "the file is empty");
    refused("PK\x03\x04 a zip", 9, "not a .npy file");
    refused("\x93NUMPX\x01\x00", 8, "not a .npy file");
    refused("\x93NUM", 4, "ends inside its preamble");
    refused("\x93NUMPY\x01\x00\x76", 9, "ends inside its preamble");
    refused("\x93NUMPY\x02\x00\x76\x00\x00", 11, "ends inside its preamble");
    npy_bytes n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 6);
    n.bytes[6] = 4;
    refused(n.bytes, n.size, "format version 4.0 is not supported");
    n.bytes[6] = 1, n.bytes[7] = 1;
    refused(n.bytes, n.size, "format version 1.1 is not supported");
    n.bytes[6] = 0, n.bytes[7] = 0;
    refused(n.bytes, n.size, "format version 0.0 is not supported");
    /* a header longer than the file, and one longer than any float tensor's */
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 6);
    n.bytes[8] = 0xff, n.bytes[9] = 0xf0;
    refused(n.bytes, n.size, "the header's length (61695 bytes) runs past the end of the file");
    n = make_npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 64, six, sizeof six);
    memset(n.bytes + 8, 0xff, 4);
    refused(n.bytes, n.size, "the header is 4294967295 bytes, more than");
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 0);
    refused(n.bytes, n.size - 1, "runs past the end of the file");
    n.bytes[n.size - 1] = ' ';
    refused(n.bytes, n.size, "the header does not end in a newline");
}

static void test_bad_keys(void **state) {
    (void)state;
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}", "unknown key 'extra'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'shape': (6,)}", "key 'shape' appears twice");
    REFUSED_DICT("{'descr': '<f4', 'shape': (6,)}", "key 'fortran_order' is missing");
    REFUSED_DICT("{'fortran_order': False, 'shape': (6,)}", "key 'descr' is missing");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False}", "key 'shape' is missing");
    REFUSED_DICT("{}", "key 'descr' is missing");
}

static void test_bad_dtypes(void **state) {
    (void)state;
    REFUSED_DICT("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                 "dtype '<i8' is not supported (float32 or float64)");
    REFUSED_DICT("{'descr': '<f2', 'fortran_order': False, 'shape': (12,), }", "dtype '<f2' is not supported");
    REFUSED_DICT("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", "dtype '<c8' is not supported");
    REFUSED_DICT("{'descr': '|b1', 'fortran_order': False, 'shape': (24,), }", "dtype '|b1' is not supported");
    REFUSED_DICT("{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", "dtype '<f16' is not supported");
    REFUSED_DICT("{'descr': '', 'fortran_order': False, 'shape': (6,), }", "dtype '' is not supported");
    REFUSED_DICT("{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", "dtype '>f4' is big-endian");
    REFUSED_DICT("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", "dtype '>f8' is big-endian");
    REFUSED_DICT("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,), }", "structured arrays");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "fortran_order is True");
}

static void test_bad_shapes(void **state) {
    (void)state;
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", "'shape' (6) is not a tuple");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': [6], }", "a tuple as 'shape'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': 6, }", "a tuple as 'shape'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", "negative dimension");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 3), }", "',' or ')' in 'shape'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", "a dimension");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (2,, 3), }", "a dimension");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (06,), }", "without leading zeros");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 6), }",
                 "more than 8 dimensions");
    /* products past the limit, overflowing 64 bits, a dimension past it times 0 */
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 32769), }",
                 "shape (65536, 32769) has more than 2147483648 elements");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }",
                 "has more than 2147483648 elements");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999999999,), }",
                 "has more than 2147483648 elements");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2147483649), }", "has more than");
    /* a long shape is quoted cut short */
    char dict[256];
    snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (1%0100d), }", 0);
    REFUSED_DICT(dict, "'shape' (100000000000000000000000000000000000000000000000000000000000000... is not a tuple");
}

static void test_bad_syntax(void **state) {
    (void)state;
    REFUSED_DICT("'descr': '<f4', 'fortran_order': False, 'shape': (6,)", "expected '{' (the header is a dict)");
    REFUSED_DICT("{'descr': '<f4' 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}' after a value");
    REFUSED_DICT("{'descr' '<f4', 'fortran_order': False, 'shape': (6,)}", "expected ':' after the key");
    REFUSED_DICT("{descr: '<f4', 'fortran_order': False, 'shape': (6,)}",
                 "expected a key (a quoted string) at byte 11");
    REFUSED_DICT("{'descr': '<f4, 'fortran_order': False, 'shape': (6,)}", "expected ',' or '}' after a value");
    REFUSED_DICT("{'descr': '<f4}", "the string at byte 20 is unterminated");
    REFUSED_DICT("{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (6,)}", "has an escape");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': false, 'shape': (6,)}", "True or False as 'fortran_order'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", "True or False as 'fortran_order'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (6,)}", "True or False as 'fortran_order'");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} x", "expected spaces after the dict");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}}", "expected spaces after the dict");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)",
                 "',' or '}' after a value at byte 127, found its end");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,),,}", "expected a key");
    REFUSED_DICT("{,}", "expected a key");
    REFUSED_DICT("{'descr': '<f4',\n'fortran_order': False, 'shape': (6,)}", "found byte 0x0a");
    REFUSED_DICT("{'descr': '<f4', 'fortran_order': False, 'shape': (6,)}\x01", "found byte 0x01");
}

static void test_data_of_the_wrong_size(void **state) {
    (void)state;
    npy_bytes n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 5);
    refused(n.bytes, n.size, "the data is 20 bytes, shorter than the 24 that shape (2, 3) of float32 needs");
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 6);
    refused(n.bytes, n.size - 1, "the data is 23 bytes, shorter than the 24");
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", 6);
    refused(n.bytes, n.size, "longer than the 20 bytes that shape (5,) of float32 needs");
    n = with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 6);
    refused(n.bytes, n.size, "longer than the 8 bytes that shape () of float64 needs");
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", 1);
    refused(n.bytes, n.size, "longer than the 0 bytes");
    /* the largest tensor allowed, declared by a tiny file: refused without allocating 8 GiB (a pipe
     * cannot be measured first: the array grows with the data) */
    n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648,), }", 6);
    refused(n.bytes, n.size, "the data is 24 bytes, shorter than the 8589934592 that shape (2147483648,)");
    n = with_dict("{'descr': '<f8', 'fortran_order': False, 'shape': (1024, 1024, 2048), }", 6);
    refused(n.bytes, n.size, "shorter than the 17179869184 that shape (1024, 1024, 2048) of float64 needs");
}

static void test_unreadable_files(void **state) {
    (void)state;
    char err[512];
    lm_npy_array a;
    assert_int_equal(lm_npy_read(in_dir("missing.npy"), &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.npy: cannot read it: No such file or directory"));
    assert_null(a.data);
    assert_int_equal(lm_npy_read(dir, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, ": it is a directory"));
    /* and a small error buffer is never overrun */
    char small[8];
    memset(small, 'x', sizeof small);
    assert_int_equal(lm_npy_read_bytes("", 0, &a, small, 4), -1);
    assert_string_equal(small, "the");
    assert_int_equal(small[4], 'x');
    assert_int_equal(lm_npy_read_bytes("", 0, &a, NULL, 0), -1);
}

/* ---- Reading what is accepted ---- */

static lm_npy_array read_ok(const void *bytes, size_t size) {
    char err[512] = "";
    lm_npy_array a;
    if (lm_npy_read_bytes(bytes, size, &a, err, sizeof err) != 0) fail_msg("refused: %s", err);
    /* the same through a file */
    const char *path = in_dir("good.npy");
    write_bytes(path, bytes, size);
    lm_npy_array b;
    if (lm_npy_read(path, &b, err, sizeof err) != 0) fail_msg("refused from a file: %s", err);
    assert_int_equal(a.rank, b.rank);
    assert_memory_equal(a.dims, b.dims, sizeof a.dims);
    assert_int_equal(a.count, b.count);
    if (a.count) assert_memory_equal(a.data, b.data, a.count * sizeof *a.data);
    lm_npy_free(&b);
    return a;
}

static void test_files_numpy_wrote(void **state) {
    (void)state;
    lm_npy_array a = read_ok(numpy_f4_2x3, sizeof numpy_f4_2x3);
    assert_int_equal(a.rank, 2);
    assert_int_equal(a.dims[0], 2);
    assert_int_equal(a.dims[1], 3);
    assert_int_equal(a.count, 6);
    const float expected[6] = {1.5f, -2, 0.25f, 1e-3f, 3e38f, -0.0f};
    assert_memory_equal(a.data, expected, sizeof expected);
    assert_true(signbit(a.data[5]));
    lm_npy_free(&a);
    assert_null(a.data);
    assert_int_equal(a.count, 0);

    a = read_ok(numpy_f4_scalar, sizeof numpy_f4_scalar);
    assert_int_equal(a.rank, 0);
    assert_int_equal(a.count, 1);
    assert_true(a.data[0] == 7.25f);
    lm_npy_free(&a);

    /* float64, converted: 0.1 rounds to the nearest float, -1e300 is past float's range */
    a = read_ok(numpy_f8_2, sizeof numpy_f8_2);
    assert_int_equal(a.rank, 1);
    assert_int_equal(a.dims[0], 2);
    assert_true(a.data[0] == 0.1f);
    assert_true(isinf(a.data[1]) && a.data[1] < 0);
    lm_npy_free(&a);

    a = read_ok(numpy_v2_f4_3, sizeof numpy_v2_f4_3);
    assert_int_equal(a.rank, 1);
    assert_int_equal(a.dims[0], 3);
    assert_true(a.data[0] == 1 && a.data[1] == 2 && a.data[2] == 3);
    lm_npy_free(&a);
    lm_npy_free(NULL);
}

static void test_float64_by_hand(void **state) {
    (void)state;
    const double values[4] = {1.0 / 3, -2.5, 1e-50, 65504.0};
    const npy_bytes n =
        make_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 2), }", 64, values, sizeof values);
    lm_npy_array a = read_ok(n.bytes, n.size);
    assert_int_equal(a.rank, 3);
    assert_int_equal(a.count, 4);
    for (int i = 0; i < 4; i++) assert_true(a.data[i] == (float)values[i]);
    lm_npy_free(&a);
}

/* The spellings NumPy reads and other writers use: each gives the (2, 3) array of one to six. */
static void test_header_spellings(void **state) {
    (void)state;
    static const char *const dicts[] = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
        "{'descr':'<f4','fortran_order':False,'shape':(2,3,)}",
        "\t{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 3 ) , }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
    };
    for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++) {
        for (int major = 1; major <= 3; major++) {
            for (size_t align = 16; align <= 64; align += 48) {
                const npy_bytes n = make_npy(major, dicts[i], align, six, sizeof six);
                lm_npy_array a = read_ok(n.bytes, n.size);
                assert_int_equal(a.rank, 2);
                assert_int_equal(a.dims[0], 2);
                assert_int_equal(a.dims[1], 3);
                assert_memory_equal(a.data, six, sizeof six);
                lm_npy_free(&a);
            }
        }
    }
    /* no elements: a shape with a 0 */
    const npy_bytes n = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", 0);
    lm_npy_array a = read_ok(n.bytes, n.size);
    assert_int_equal(a.rank, 2);
    assert_int_equal(a.count, 0);
    assert_null(a.data);
    /* rank 8 */
    const npy_bytes n8 = with_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 1, 3, 1, 1, 1, 1), }", 6);
    a = read_ok(n8.bytes, n8.size);
    assert_int_equal(a.rank, 8);
    assert_int_equal(a.dims[3], 3);
    assert_memory_equal(a.data, six, sizeof six);
    lm_npy_free(&a);
}

/* More than a pipe's buffer and than one chunk of reading, through a pipe: the array grows as it comes. */
static void test_large_tensor_through_a_pipe(void **state) {
    (void)state;
    enum { COUNT = 300000 };
    lm_npy_array a = {.rank = 2, .dims = {COUNT / 3, 3}, .count = COUNT, .data = malloc(COUNT * sizeof(float))};
    assert_non_null(a.data);
    for (size_t i = 0; i < COUNT; i++) a.data[i] = (float)i * 0.5f;
    char err[512];
    const char *path = in_dir("large.npy");
    assert_int_equal(lm_npy_write(path, &a, err, sizeof err), 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        execlp("cat", "cat", path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char pipe_path[64];
    snprintf(pipe_path, sizeof pipe_path, "/dev/fd/%d", fds[0]);
    lm_npy_array b;
    const int status = lm_npy_read(pipe_path, &b, err, sizeof err);
    close(fds[0]);
    waitpid(child, NULL, 0);
    if (status != 0) fail_msg("%s", err);
    assert_int_equal(b.count, COUNT);
    assert_int_equal(b.dims[0], COUNT / 3);
    assert_memory_equal(a.data, b.data, COUNT * sizeof(float));
    lm_npy_free(&a);
    lm_npy_free(&b);
}

/* ---- Writing ---- */

static void round_trip(int rank, const int64_t *dims) {
    lm_npy_array a = {.rank = rank, .count = 1};
    for (int k = 0; k < rank; k++) a.dims[k] = dims[k], a.count *= (size_t)dims[k];
    a.data = malloc(a.count * sizeof *a.data);
    assert_non_null(a.data);
    for (size_t i = 0; i < a.count; i++) a.data[i] = (float)i / 7 - 3;
    char err[512] = "";
    const char *path = in_dir("round.npy");
    if (lm_npy_write(path, &a, err, sizeof err) != 0) fail_msg("%s", err);
    size_t size;
    unsigned char *bytes = file_bytes(path, &size);
    const size_t preamble = 10 + (size_t)(bytes[8] | bytes[9] << 8);
    assert_int_equal(bytes[6], 1);
    assert_int_equal(preamble % 64, 0);
    assert_int_equal(size, preamble + a.count * 4);
    assert_int_equal(bytes[preamble - 1], '\n');
    free(bytes);
    lm_npy_array b;
    if (lm_npy_read(path, &b, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(b.rank, rank);
    assert_memory_equal(b.dims, a.dims, sizeof a.dims);
    assert_int_equal(b.count, a.count);
    assert_memory_equal(b.data, a.data, a.count * sizeof *a.data);
    lm_npy_free(&a);
    lm_npy_free(&b);
    assert_int_equal(files_ending_in(".tmp"), 0);
}

static void test_round_trips(void **state) {
    (void)state;
    round_trip(0, NULL);
    round_trip(1, (const int64_t[]){5});
    round_trip(2, (const int64_t[]){3, 4});
    round_trip(4, (const int64_t[]){1, 3, 7, 5});
    round_trip(8, (const int64_t[]){2, 1, 2, 1, 3, 1, 1, 2});
    round_trip(1, (const int64_t[]){100003});
}

static void test_writes_what_numpy_writes(void **state) {
    (void)state;
    const float values[6] = {1.5f, -2, 0.25f, 1e-3f, 3e38f, -0.0f};
    lm_npy_array a = {.rank = 2, .dims = {2, 3}, .count = 6, .data = (float *)values};
    char err[512];
    assert_int_equal(lm_npy_write(in_dir("same.npy"), &a, err, sizeof err), 0);
    size_t size;
    unsigned char *bytes = file_bytes(in_dir("same.npy"), &size);
    assert_int_equal(size, sizeof numpy_f4_2x3);
    assert_memory_equal(bytes, numpy_f4_2x3, size);
    free(bytes);
    a = (lm_npy_array){.rank = 0, .count = 1, .data = (float[]){7.25f}};
    assert_int_equal(lm_npy_write(in_dir("same.npy"), &a, err, sizeof err), 0);
    bytes = file_bytes(in_dir("same.npy"), &size);
    assert_int_equal(size, sizeof numpy_f4_scalar);
    assert_memory_equal(bytes, numpy_f4_scalar, size);
    free(bytes);
}

/* The file at path holds exactly `size` bytes equal to `bytes`. */
static void holds(const char *path, const void *bytes, size_t size) {
    size_t have;
    unsigned char *now = file_bytes(path, &have);
    assert_int_equal(have, size);
    assert_memory_equal(now, bytes, size);
    free(now);
}

static void test_failed_writes_keep_the_old_file(void **state) {
    (void)state;
    const char *path = in_dir("kept.npy");
    write_bytes(path, numpy_f4_2x3, sizeof numpy_f4_2x3);
    float data[1000] = {0};
    char err[512];

    /* arrays that cannot be written */
    lm_npy_array bad = {.rank = 2, .dims = {2, 3}, .count = 5, .data = data};
    assert_int_equal(lm_npy_write(path, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "kept.npy: cannot write: the dimensions make 6 elements, the array says 5"));
    bad = (lm_npy_array){.rank = 9, .count = 1, .data = data};
    assert_int_equal(lm_npy_write(path, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "rank 9 is not supported"));
    bad = (lm_npy_array){.rank = 1, .dims = {-1}, .count = 1, .data = data};
    assert_int_equal(lm_npy_write(path, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "dimension 0 is -1"));
    bad = (lm_npy_array){.rank = 1, .dims = {3}, .count = 3};
    assert_int_equal(lm_npy_write(path, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "no data"));
    holds(path, numpy_f4_2x3, sizeof numpy_f4_2x3);

    /* the write itself failing half-way: a file size limit of 1000 bytes (EFBIG, not SIGXFSZ) */
    lm_npy_array big = {.rank = 1, .dims = {1000}, .count = 1000, .data = data};
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct rlimit limited = {.rlim_cur = 1000, .rlim_max = old.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &limited), 0);
    const int status = lm_npy_write(path, &big, err, sizeof err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(status, -1);
    assert_non_null(strstr(err, "kept.npy failed: File too large"));
    holds(path, numpy_f4_2x3, sizeof numpy_f4_2x3);

    /* a folder that does not exist; a path that is a folder */
    lm_npy_array good = {.rank = 1, .dims = {3}, .count = 3, .data = data};
    assert_int_equal(lm_npy_write(in_dir("nowhere/x.npy"), &good, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot create"));
    assert_non_null(strstr(err, "nowhere/x.npy"));
    assert_non_null(strstr(err, "No such file or directory"));
    const char *folder = in_dir("folder.npy");
    assert_int_equal(mkdir(folder, 0777), 0);
    write_bytes(in_dir("folder.npy/inside"), "x", 1);
    assert_int_equal(lm_npy_write(folder, &good, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot replace"));
    assert_non_null(strstr(err, "folder.npy"));
    holds(in_dir("folder.npy/inside"), "x", 1);
    assert_int_equal(files_ending_in(".tmp"), 0);

    /* and a good write replaces it */
    assert_int_equal(lm_npy_write(path, &good, err, sizeof err), 0);
    lm_npy_array back;
    assert_int_equal(lm_npy_read(path, &back, err, sizeof err), 0);
    assert_int_equal(back.count, 3);
    lm_npy_free(&back);
    assert_int_equal(files_ending_in(".tmp"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_numpy_wrote),
        cmocka_unit_test(test_float64_by_hand),
        cmocka_unit_test(test_header_spellings),
        cmocka_unit_test(test_large_tensor_through_a_pipe),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_writes_what_numpy_writes),
        cmocka_unit_test(test_failed_writes_keep_the_old_file),
        cmocka_unit_test(test_bad_preambles),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_bad_dtypes),
        cmocka_unit_test(test_bad_shapes),
        cmocka_unit_test(test_bad_syntax),
        cmocka_unit_test(test_data_of_the_wrong_size),
        cmocka_unit_test(test_unreadable_files),
    };
    return cmocka_run_group_tests_name("npy_file", tests, make_dir, remove_dir);
}
