/* NumPy .npy files (see npy_file.h). The layout (numpy.lib.format): the magic "\x93NUMPY", the major and
 * minor version bytes, the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), the header
 * (a dict literal padded with spaces and ending in '\n'), then the elements. */
#include "tools/npy_file.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernels/error.h"
#include "reports/results.h" /* lm_write_path_atomically */

/* Elements are copied as they are: a little-endian host reads '<f4' and writes it without swapping. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tools/npy_file.c assumes a little-endian host (latmac runs on x86-64)"
#endif

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* What the preamble says. */
typedef struct header {
    size_t preamble; /* bytes before the first element */
    size_t item;     /* 4 (float32) or 8 (float64) */
    int rank;
    int64_t dims[LM_NPY_MAX_RANK];
    size_t count;
} header;

/* ---- The preamble's fixed part ---- */

#define PAST_END "the header's length (%zu bytes) runs past the end of the file"

/* The magic and version in the first `n` bytes (at most 8 looked at); the size of the fixed part
 * (magic, version, header length) in *fixed. */
static int check_magic(const unsigned char *b, size_t n, size_t *fixed, char *err, size_t err_size) {
    if (n == 0) return lm_error(err, err_size, "the file is empty");
    if (memcmp(b, npy_magic, n < sizeof npy_magic ? n : sizeof npy_magic) != 0)
        return lm_error(err, err_size, "not a .npy file (it does not start with \\x93NUMPY)");
    if (n < 8) return lm_error(err, err_size, "the file ends inside its preamble");
    if (b[6] < 1 || b[6] > 3 || b[7] != 0)
        return lm_error(err, err_size, "format version %d.%d is not supported (1.0, 2.0 or 3.0)", b[6], b[7]);
    *fixed = b[6] == 1 ? 10 : 12;
    return 0;
}

/* The header's length from its 2 (version 1.0) or 4 little-endian bytes. */
static int header_length(const unsigned char *b, size_t width, size_t *length, char *err, size_t err_size) {
    size_t n = 0;
    for (size_t i = width; i-- > 0;) n = n << 8 | b[i];
    if (n > LM_NPY_MAX_HEADER_BYTES)
        return lm_error(err, err_size, "the header is %zu bytes, more than the %zu read", n, LM_NPY_MAX_HEADER_BYTES);
    *length = n;
    return 0;
}

/* A piece of the header in a message, cut after 64 characters: "%.*s%s". */
#define QUOTED(length, text) (length) > 64 ? 64 : (length), (text), (length) > 64 ? "..." : ""

/* ---- The header: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } ----
 * Exactly the grammar of the dict NumPy writes, Python's literal syntax where it allows more (either
 * quote, spaces or tabs between tokens, a trailing comma, Python 2's 3L): keys in any order, each once. */

typedef struct parser {
    const char *text, *p, *end; /* the header without its final '\n' */
    size_t offset;              /* of text in the file, for positions in messages */
    char *err;
    size_t err_size;
} parser;

static void skip_space(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t')) ps->p++;
}

/* "header: expected <what> at byte N, found 'c'". */
static int syntax_error(parser *ps, const char *what) {
    const size_t at = ps->offset + (size_t)(ps->p - ps->text);
    char *err = ps->err;
    const size_t n = ps->err_size;
    if (ps->p >= ps->end) return lm_error(err, n, "header: expected %s at byte %zu, found its end", what, at);
    const unsigned char c = (unsigned char)*ps->p;
    if (c >= 0x20 && c < 0x7f) return lm_error(err, n, "header: expected %s at byte %zu, found '%c'", what, at, c);
    return lm_error(err, n, "header: expected %s at byte %zu, found byte 0x%02x", what, at, c);
}

/* Skips spaces; true (and past it) when the next character is c. */
static bool accept(parser *ps, char c) {
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == c) {
        ps->p++;
        return true;
    }
    return false;
}

/* A quoted string without escapes (none of the strings NumPy writes has one). */
static int string(parser *ps, const char *what, const char **s, int *length) {
    skip_space(ps);
    if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"')) return syntax_error(ps, what);
    const char quote = *ps->p;
    const char *start = ps->p + 1;
    for (const char *q = start; q < ps->end && q - start < 256; q++) {
        if (*q == quote) {
            *s = start, *length = (int)(q - start);
            ps->p = q + 1;
            return 0;
        }
        if (*q == '\\' || (unsigned char)*q < 0x20) break;
    }
    return lm_error(ps->err, ps->err_size, "header: the string at byte %zu is unterminated, too long or has an escape",
                    ps->offset + (size_t)(ps->p - ps->text));
}

/* True or False, a whole word. */
static int boolean(parser *ps, bool *value) {
    skip_space(ps);
    const size_t left = (size_t)(ps->end - ps->p);
    size_t n = 0;
    while (n < left && ((ps->p[n] >= 'A' && ps->p[n] <= 'Z') || (ps->p[n] >= 'a' && ps->p[n] <= 'z'))) n++;
    if ((n == 4 && memcmp(ps->p, "True", 4) == 0) || (n == 5 && memcmp(ps->p, "False", 5) == 0)) {
        *value = n == 4;
        ps->p += n;
        return 0;
    }
    return syntax_error(ps, "True or False as 'fortran_order'");
}

/* A dimension: a non-negative decimal (no leading zeros, as Python 3 reads them), saturated just past
 * the element limit so that no arithmetic on it overflows. */
static int dimension(parser *ps, int64_t *value) {
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '-')
        return lm_error(ps->err, ps->err_size, "header: 'shape' has a negative dimension");
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') return syntax_error(ps, "a dimension (a whole number)");
    const char *start = ps->p;
    uint64_t v = 0;
    for (; ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9'; ps->p++) {
        v = v * 10 + (uint64_t)(*ps->p - '0');
        if (v > LM_NPY_MAX_ELEMENTS) v = (uint64_t)LM_NPY_MAX_ELEMENTS + 1;
    }
    if (*start == '0' && ps->p - start > 1) {
        ps->p = start;
        return syntax_error(ps, "a dimension without leading zeros");
    }
    if (ps->p < ps->end && *ps->p == 'L') ps->p++; /* Python 2 wrote long integers so */
    *value = (int64_t)v;
    return 0;
}

/* '(' [dim (',' dim)* [',']] ')', where one dimension needs its comma: (3) is the number 3 in Python. */
static int shape(parser *ps, header *h, const char **text, int *text_length) {
    if (!accept(ps, '(')) return syntax_error(ps, "a tuple as 'shape'");
    *text = ps->p - 1;
    h->rank = 0;
    bool comma = false;
    while (!accept(ps, ')')) {
        if (h->rank > 0 && !comma) return syntax_error(ps, "',' or ')' in 'shape'");
        if (h->rank == LM_NPY_MAX_RANK)
            return lm_error(ps->err, ps->err_size, "header: 'shape' has more than %d dimensions", LM_NPY_MAX_RANK);
        if (dimension(ps, &h->dims[h->rank]) != 0) return -1;
        h->rank++;
        comma = accept(ps, ',');
    }
    *text_length = (int)(ps->p - *text);
    if (h->rank == 1 && !comma)
        return lm_error(ps->err, ps->err_size, "header: 'shape' %.*s%s is not a tuple (one dimension is written (n,))",
                        QUOTED(*text_length, *text));
    return 0;
}

/* The dtype from 'descr': float32 or float64, little-endian or native (the same here). */
static int dtype(const char *descr, int length, header *h, char *err, size_t err_size) {
    const char order = length > 0 && strchr("<>=|", descr[0]) ? descr[0] : 0;
    const char *type = descr + (order != 0);
    const int type_length = length - (order != 0);
    h->item = type_length == 2 && type[0] == 'f' && (type[1] == '4' || type[1] == '8') ? (size_t)(type[1] - '0') : 0;
    if (h->item && order == '>')
        return lm_error(err, err_size, "dtype '%.*s' is big-endian, which is not supported (little-endian '<f%zu')",
                        length, descr, h->item);
    if (!h->item) return lm_error(err, err_size, "dtype '%.*s' is not supported (float32 or float64)", length, descr);
    return 0;
}

/* The header's text (`length` bytes at file offset `offset`, its '\n' included) into *h. */
static int parse_header(const char *text, size_t length, size_t offset, header *h, char *err, size_t err_size) {
    if (length == 0 || text[length - 1] != '\n') return lm_error(err, err_size, "the header does not end in a newline");
    parser ps = {.text = text, .p = text, .end = text + length - 1, .offset = offset, .err = err, .err_size = err_size};
    enum { DESCR, FORTRAN_ORDER, SHAPE, KEYS };
    static const char *const keys[KEYS] = {"descr", "fortran_order", "shape"};
    bool seen[KEYS] = {false}, fortran = false;
    const char *descr = NULL, *shape_text = NULL;
    int descr_length = 0, shape_length = 0;
    if (!accept(&ps, '{')) return syntax_error(&ps, "'{' (the header is a dict)");
    bool more = !accept(&ps, '}');
    while (more) {
        const char *key;
        int key_length, k = 0;
        if (string(&ps, "a key (a quoted string)", &key, &key_length) != 0) return -1;
        while (k < KEYS && !((int)strlen(keys[k]) == key_length && memcmp(keys[k], key, (size_t)key_length) == 0)) k++;
        if (k == KEYS) return lm_error(err, err_size, "header: unknown key '%.*s'", key_length, key);
        if (seen[k]) return lm_error(err, err_size, "header: key '%s' appears twice", keys[k]);
        seen[k] = true;
        if (!accept(&ps, ':')) return syntax_error(&ps, "':' after the key");
        int status;
        if (k == DESCR) {
            skip_space(&ps);
            if (ps.p < ps.end && *ps.p == '[')
                return lm_error(err, err_size, "dtype: structured arrays are not supported (float32 or float64)");
            status = string(&ps, "a string as 'descr'", &descr, &descr_length);
        } else if (k == FORTRAN_ORDER) {
            status = boolean(&ps, &fortran);
        } else {
            status = shape(&ps, h, &shape_text, &shape_length);
        }
        if (status != 0) return -1;
        const bool comma = accept(&ps, ',');
        if (accept(&ps, '}')) break;
        if (!comma) return syntax_error(&ps, "',' or '}' after a value");
    }
    skip_space(&ps);
    if (ps.p != ps.end) return syntax_error(&ps, "spaces after the dict");
    for (int k = 0; k < KEYS; k++)
        if (!seen[k]) return lm_error(err, err_size, "header: key '%s' is missing", keys[k]);
    if (dtype(descr, descr_length, h, err, err_size) != 0) return -1;
    if (fortran)
        return lm_error(err, err_size, "fortran_order is True (column-major data), which is not supported: "
                                       "save a C-order array (numpy.ascontiguousarray)");
    /* Each dimension is at most LM_NPY_MAX_ELEMENTS + 1, so the running product never overflows. */
    h->count = 1;
    bool too_many = false;
    for (int k = 0; k < h->rank; k++) {
        if ((size_t)h->dims[k] > LM_NPY_MAX_ELEMENTS) too_many = true;
        else if (h->count <= LM_NPY_MAX_ELEMENTS) h->count *= (size_t)h->dims[k];
    }
    if (too_many || h->count > LM_NPY_MAX_ELEMENTS)
        return lm_error(err, err_size, "shape %.*s%s has more than %zu elements", QUOTED(shape_length, shape_text),
                        LM_NPY_MAX_ELEMENTS);
    return 0;
}

/* ---- The data ---- */

static void format_shape(const header *h, char *text, size_t size) {
    size_t used = (size_t)snprintf(text, size, "(");
    for (int k = 0; k < h->rank && used < size; k++)
        used += (size_t)snprintf(text + used, size - used, "%s%lld", k ? ", " : "", (long long)h->dims[k]);
    if (used < size) snprintf(text + used, size - used, h->rank == 1 ? ",)" : ")");
}

/* "the data is N bytes, shorter than the M that shape (2, 3) of float32 needs"; `have` unknown past M. */
static int data_size_error(const header *h, size_t have, bool longer, char *err, size_t err_size) {
    char text[LM_NPY_MAX_RANK * 22 + 4];
    format_shape(h, text, sizeof text);
    const size_t need = h->count * h->item;
    const int bits = (int)h->item * 8;
    if (!longer)
        return lm_error(err, err_size, "the data is %zu bytes, shorter than the %zu that shape %s of float%d needs",
                        have, need, text, bits);
    return lm_error(err, err_size, "the data is longer than the %zu bytes that shape %s of float%d needs", need, text,
                    bits);
}

/* n elements of h's dtype at raw into floats. */
static void convert(const unsigned char *raw, size_t n, size_t item, float *out) {
    if (item == 4) {
        if (n) memcpy(out, raw, n * sizeof *out); /* out is NULL for no elements */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, raw + i * 8, 8);
        out[i] = (float)v; /* IEEE 754 rounding: past float's range is an infinity, as numpy's astype gives */
    }
}

/* *out with h's shape and no data yet. */
static void take_shape(lm_npy_array *out, const header *h) {
    memset(out, 0, sizeof *out);
    out->rank = h->rank;
    memcpy(out->dims, h->dims, sizeof h->dims);
    out->count = h->count;
}

int lm_npy_read_bytes(const void *bytes, size_t size, lm_npy_array *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    const unsigned char *b = bytes;
    size_t fixed = 0, length = 0;
    if (check_magic(b, size, &fixed, err, err_size) != 0) return -1;
    if (size < fixed) return lm_error(err, err_size, "the file ends inside its preamble");
    if (header_length(b + 8, fixed - 8, &length, err, err_size) != 0) return -1;
    if (length > size - fixed) return lm_error(err, err_size, PAST_END, length);
    header h = {0};
    if (parse_header((const char *)b + fixed, length, fixed, &h, err, err_size) != 0) return -1;
    h.preamble = fixed + length;
    const size_t have = size - h.preamble;
    if (have != h.count * h.item) return data_size_error(&h, have, have > h.count * h.item, err, err_size);
    float *data = h.count ? malloc(h.count * sizeof *data) : NULL;
    if (h.count && !data) return lm_error(err, err_size, "out of memory for %zu elements", h.count);
    convert(b + h.preamble, h.count, h.item, data);
    take_shape(out, &h);
    out->data = data;
    return 0;
}

/* Exactly n bytes, or -1: with the reason for a read error, without one at the end of the file (the
 * caller knows what ended early). */
static int read_exactly(FILE *f, void *to, size_t n, size_t *got, char *err, size_t err_size) {
    *got = fread(to, 1, n, f);
    if (*got == n) return 0;
    if (ferror(f)) return lm_error(err, err_size, "cannot read it: %s", strerror(errno ? errno : EIO));
    return -1;
}

/* The elements from f, after the preamble. When the file's size was checked, the array is allocated at
 * once; otherwise (a pipe) it grows with what arrives, so a header cannot make it allocate by lying. */
static int read_data(FILE *f, const header *h, bool size_checked, float **data, char *err, size_t err_size) {
    enum { CHUNK = 1 << 16 };
    _Static_assert(CHUNK % 8 == 0, "whole elements per chunk");
    unsigned char *raw = malloc(CHUNK);
    size_t capacity = size_checked || h->count < CHUNK ? h->count : CHUNK, done = 0;
    float *d = capacity ? malloc(capacity * sizeof *d) : NULL;
    if (!raw || (capacity && !d)) {
        free(raw), free(d);
        return lm_error(err, err_size, "out of memory for %zu elements", h->count);
    }
    int status = 0;
    while (status == 0 && done < h->count) {
        const size_t want = h->count - done < CHUNK / h->item ? h->count - done : CHUNK / h->item;
        if (done + want > capacity) {
            const size_t grown = capacity * 2 < h->count ? capacity * 2 : h->count;
            float *bigger = realloc(d, grown * sizeof *d);
            if (!bigger) {
                status = lm_error(err, err_size, "out of memory for %zu elements", h->count);
                break;
            }
            d = bigger, capacity = grown;
        }
        size_t got;
        status = read_exactly(f, raw, want * h->item, &got, err, err_size);
        convert(raw, got / h->item, h->item, d + done);
        if (status != 0 && !ferror(f)) data_size_error(h, done * h->item + got, false, err, err_size);
        done += want;
    }
    if (status == 0 && fgetc(f) != EOF) status = data_size_error(h, 0, true, err, err_size);
    free(raw);
    if (status != 0) {
        free(d);
        return -1;
    }
    *data = d;
    return 0;
}

/* The file open as f into *out, the reason without the path. */
static int read_stream(FILE *f, lm_npy_array *out, char *err, size_t err_size) {
    struct stat st;
    if (fstat(fileno(f), &st) != 0) return lm_error(err, err_size, "cannot read it: %s", strerror(errno));
    if (S_ISDIR(st.st_mode)) return lm_error(err, err_size, "it is a directory");
    const bool regular = S_ISREG(st.st_mode);
    unsigned char fixed_bytes[12];
    size_t fixed = 0, length = 0, got;
    if (read_exactly(f, fixed_bytes, 8, &got, err, err_size) != 0 && ferror(f)) return -1;
    if (check_magic(fixed_bytes, got, &fixed, err, err_size) != 0) return -1;
    if (read_exactly(f, fixed_bytes + 8, fixed - 8, &got, err, err_size) != 0)
        return ferror(f) ? -1 : lm_error(err, err_size, "the file ends inside its preamble");
    if (header_length(fixed_bytes + 8, fixed - 8, &length, err, err_size) != 0) return -1;
    if (regular && length > (uintmax_t)st.st_size - fixed) return lm_error(err, err_size, PAST_END, length);
    char *text = malloc(length ? length : 1);
    if (!text) return lm_error(err, err_size, "out of memory for a header of %zu bytes", length);
    header h = {0};
    int status = read_exactly(f, text, length, &got, err, err_size);
    if (status != 0 && !ferror(f)) lm_error(err, err_size, PAST_END, length);
    if (status == 0) status = parse_header(text, length, fixed, &h, err, err_size);
    free(text);
    if (status != 0) return -1;
    h.preamble = fixed + length;
    const bool size_checked = regular && (uintmax_t)st.st_size >= h.preamble;
    if (size_checked) {
        const size_t have = (size_t)st.st_size - h.preamble;
        if (have != h.count * h.item) return data_size_error(&h, have, have > h.count * h.item, err, err_size);
    }
    float *data = NULL;
    if (read_data(f, &h, size_checked, &data, err, err_size) != 0) return -1;
    take_shape(out, &h);
    out->data = data;
    return 0;
}

int lm_npy_read(const char *path, lm_npy_array *out, char *err, size_t err_size) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return lm_error(err, err_size, "%s: cannot read it: %s", path, strerror(errno));
    char reason[512];
    const int status = read_stream(f, out, reason, sizeof reason);
    fclose(f);
    return status == 0 ? 0 : lm_error(err, err_size, "%s: %s", path, reason);
}

/* ---- Writing ---- */

/* The preamble NumPy writes: the dict padded with spaces so that the data starts at a multiple of 64
 * (aligned for whoever maps the file), version 2.0 only if the header outgrows 1.0's 2-byte length
 * (which rank <= 8 never does). Returns its length; the buffer holds 12 + 64 + the dict. */
static size_t preamble(const lm_npy_array *a, char *out, size_t size) {
    char dims[LM_NPY_MAX_RANK * 22 + 4];
    header h = {.rank = a->rank};
    memcpy(h.dims, a->dims, sizeof h.dims);
    format_shape(&h, dims, sizeof dims);
    char dict[sizeof dims + 64];
    const int dict_length =
        snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", dims);
    size_t fixed = 10, total = (fixed + (size_t)dict_length + 1 + 63) / 64 * 64;
    if (total - fixed > 0xffff) fixed = 12, total = (fixed + (size_t)dict_length + 1 + 63) / 64 * 64;
    if (total > size) return 0;
    const size_t length = total - fixed;
    memcpy(out, npy_magic, sizeof npy_magic);
    out[6] = fixed == 10 ? 1 : 2, out[7] = 0;
    for (size_t i = 8; i < fixed; i++) out[i] = (char)(length >> (8 * (i - 8)) & 0xff);
    memcpy(out + fixed, dict, (size_t)dict_length);
    memset(out + fixed + dict_length, ' ', length - (size_t)dict_length - 1);
    out[total - 1] = '\n';
    return total;
}

/* The array is one lm_npy_read could give back: rank, dims and count agree, data is there. */
static int check_array(const lm_npy_array *a, char *err, size_t err_size) {
    if (a->rank < 0 || a->rank > LM_NPY_MAX_RANK)
        return lm_error(err, err_size, "rank %d is not supported (0 to %d)", a->rank, LM_NPY_MAX_RANK);
    size_t count = 1;
    for (int k = 0; k < a->rank; k++) {
        if (a->dims[k] < 0 || (uint64_t)a->dims[k] > LM_NPY_MAX_ELEMENTS)
            return lm_error(err, err_size, "dimension %d is %lld (0 to %zu)", k, (long long)a->dims[k],
                            LM_NPY_MAX_ELEMENTS);
        if (count <= LM_NPY_MAX_ELEMENTS) count *= (size_t)a->dims[k];
    }
    if (count > LM_NPY_MAX_ELEMENTS) return lm_error(err, err_size, "more than %zu elements", LM_NPY_MAX_ELEMENTS);
    if (count != a->count)
        return lm_error(err, err_size, "the dimensions make %zu elements, the array says %zu", count, a->count);
    if (count && !a->data) return lm_error(err, err_size, "the array has no data");
    return 0;
}

/* What lm_write_file_atomically writes: the preamble, then the data. */
typedef struct npy_output {
    const char *preamble;
    size_t preamble_length;
    const lm_npy_array *array;
} npy_output;

static int write_npy(FILE *out, const void *context) {
    const npy_output *o = context;
    return fwrite(o->preamble, 1, o->preamble_length, out) == o->preamble_length &&
                   fwrite(o->array->data, sizeof *o->array->data, o->array->count, out) == o->array->count
               ? 0
               : -1;
}

int lm_npy_write(const char *path, const lm_npy_array *a, char *err, size_t err_size) {
    char reason[200];
    if (check_array(a, reason, sizeof reason) != 0)
        return lm_error(err, err_size, "%s: cannot write: %s", path, reason);
    char pre[12 + 64 + LM_NPY_MAX_RANK * 22 + 128];
    const npy_output o = {.preamble = pre, .preamble_length = preamble(a, pre, sizeof pre), .array = a};
    if (!o.preamble_length) return lm_error(err, err_size, "%s: cannot write: the header does not fit", path);
    return lm_write_path_atomically(path, write_npy, &o, err, err_size);
}

void lm_npy_free(lm_npy_array *a) {
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}
