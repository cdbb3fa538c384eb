/* Networks from ONNX model files (see onnx_import.h): the file, the model, its input and outputs; each
 * node is read by onnx_operators.c or onnx_folding.c. */
#include "bench/net/onnx_import.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/net/onnx_reader.h"
#include "kernels/error.h"

/* ---- The model ---- */

static int node(importer *im) {
    const Onnx__NodeProto *n = im->node;
    const char *op = n->op_type ? n->op_type : "";
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
        return onnx_fail(im, "operators of domain '%s' are not supported", n->domain);
    int status = onnx_read_operator(im, op);
    if (status == 1) status = onnx_read_folding(im, op);
    return status == 1 ? onnx_fail(im, "operator %s is not supported", op[0] ? op : "(none)") : status;
}

static int opset_of(const Onnx__ModelProto *m, char *err, size_t err_size) {
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (o->domain && o->domain[0] && strcmp(o->domain, "ai.onnx") != 0) continue;
        if (!o->has_version || o->version < MIN_OPSET || o->version > MAX_OPSET)
            return lm_error(err, err_size, "opset %lld is not supported (%d to %d)", (long long)o->version, MIN_OPSET,
                            MAX_OPSET);
        return (int)o->version;
    }
    return lm_error(err, err_size, "the model names no opset of the default domain");
}

/* The model's input: the first graph input that is not an initializer, a float [N, C, H, W]. */
static int input_shape(importer *im, int batch, int height, int width, lm_shape *s, const char **name) {
    const Onnx__GraphProto *gp = im->model;
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *v = gp->input[i];
        if (!v->name || onnx_find(im, v->name)) continue;
        *name = v->name;
        const Onnx__TypeProto *t = v->type;
        const Onnx__TensorShapeProto *shape = t && t->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && t->tensor_type
                                                  ? t->tensor_type->shape : NULL;
        if (!shape || shape->n_dim != 4 || t->tensor_type->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
            return onnx_fail(im, "input '%s' is not a float tensor [N, C, H, W]", v->name);
        int64_t d[4];
        for (int k = 0; k < 4; k++)
            d[k] = shape->dim[k]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? shape->dim[k]->dim_value : 0;
        const int64_t given[4] = {batch, 0, height, width};
        for (int k = 0; k < 4; k++) {
            if (given[k] > 0) d[k] = given[k];
            if (k == 0 && d[k] == 0) d[k] = 1;
            if (d[k] < 1 || d[k] > 65536)
                return onnx_fail(im, "input '%s' has %s dimension %d%s", v->name, d[k] ? "an impossible" : "a symbolic", k + 1,
                            d[k] ? "" : ": give the input size");
        }
        *s = (lm_shape){.n = (int)d[0], .c = (int)d[1], .h = (int)d[2], .w = (int)d[3]};
        return 0;
    }
    return onnx_fail(im, "the model has no input besides its initializers");
}

static lm_graph *build(importer *im, const char *graph_name, int batch, int height, int width) {
    const Onnx__GraphProto *gp = im->model;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        value v;
        if (onnx_constant_from_proto(im, gp->initializer[i], &v) != 0) return NULL;
        if (!gp->initializer[i]->name || !onnx_define(im, gp->initializer[i]->name, v)) {
            free(v.numbers);
            if (!gp->initializer[i]->name) onnx_fail(im, "an initializer without a name");
            return NULL;
        }
    }
    lm_shape in;
    const char *input_name = NULL;
    if (input_shape(im, batch, height, width, &in, &input_name) != 0) return NULL;
    im->g = lm_graph_create(graph_name, in);
    if (!im->g) return onnx_fail(im, "out of memory"), NULL;
    if (lm_graph_error(im->g)) return onnx_fail(im, "%s", lm_graph_error(im->g)), NULL;
    if (!onnx_define(im, input_name, (value){.kind = VALUE_TENSOR, .tensor = 0, .rank = 4})) return NULL;
    for (im->node_index = 0; im->node_index < gp->n_node; im->node_index++) {
        im->node = gp->node[im->node_index];
        if (im->node->name && im->node->name[0]) snprintf(im->node_name, sizeof im->node_name, "%s", im->node->name);
        else snprintf(im->node_name, sizeof im->node_name, "%s_%zu", im->node->op_type ? im->node->op_type : "node",
                      im->node_index);
        if (node(im) != 0) return NULL;
    }
    im->node = NULL;
    for (size_t i = 0; i < gp->n_output; i++) {
        value *v = gp->output[i]->name ? onnx_find(im, gp->output[i]->name) : NULL;
        if (v && v->kind == VALUE_HSIGMOID && !onnx_make_hsigmoid(im, v)) return NULL;
        if (!v || v->kind != VALUE_TENSOR)
            return onnx_fail(im, "output '%s' is not an activation the model computes",
                        gp->output[i]->name ? gp->output[i]->name : ""), NULL;
        lm_graph_output(im->g, v->tensor);
    }
    if (!gp->n_output) return onnx_fail(im, "the model has no output"), NULL;
    if (lm_graph_error(im->g)) return onnx_fail(im, "%s", lm_graph_error(im->g)), NULL;
    lm_graph *g = im->g;
    im->g = NULL;
    return g;
}

/* The file's bytes; NULL with a reason. */
static uint8_t *read_file(const char *path, size_t *size, char *err, size_t err_size) {
    FILE *f = fopen(path, "rb");
    if (!f) return lm_error(err, err_size, "cannot read %s: %s", path, strerror(errno)), NULL;
    uint8_t *bytes = NULL;
    size_t used = 0, capacity = 0;
    for (;;) {
        if (used == capacity) {
            if (capacity >= LM_ONNX_MAX_FILE_BYTES) {
                fclose(f), free(bytes);
                return lm_error(err, err_size, "%s is larger than 2 GiB", path), NULL;
            }
            capacity = capacity ? 2 * capacity : 1 << 16;
            uint8_t *bigger = realloc(bytes, capacity);
            if (!bigger) {
                fclose(f), free(bytes);
                return lm_error(err, err_size, "out of memory reading %s", path), NULL;
            }
            bytes = bigger;
        }
        const size_t n = fread(bytes + used, 1, capacity - used, f);
        used += n;
        if (n == 0) break;
    }
    const bool failed = ferror(f);
    fclose(f);
    if (failed) return free(bytes), lm_error(err, err_size, "cannot read %s", path), NULL;
    if (!used) return free(bytes), lm_error(err, err_size, "%s is empty", path), NULL;
    *size = used;
    return bytes;
}

lm_graph *lm_onnx_import_bytes(const void *bytes, size_t size, const char *name, int batch, int height, int width,
                               char *err, size_t err_size) {
    Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, size, bytes);
    if (!model) return lm_error(err, err_size, "not an ONNX model (it does not parse as one)"), NULL;
    lm_graph *g = NULL;
    importer im = {.model = model->graph, .err = err, .err_size = err_size};
    if (!model->graph || !model->graph->n_node) lm_error(err, err_size, "not an ONNX model with a graph");
    else if ((im.opset = opset_of(model, err, err_size)) > 0) g = build(&im, name, batch, height, width);
    lm_graph_destroy(im.g);
    for (size_t i = 0; i < im.value_count; i++) free(im.values[i].numbers);
    free(im.values);
    free(im.splits);
    onnx__model_proto__free_unpacked(model, NULL);
    return g;
}

lm_graph *lm_onnx_import(const char *path, int batch, int height, int width, char *err, size_t err_size) {
    size_t size;
    uint8_t *bytes = read_file(path, &size, err, err_size);
    if (!bytes) return NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const size_t length = strlen(base);
    const bool suffix = length > 5 && strcmp(base + length - 5, ".onnx") == 0;
    char name[64], why[400];
    snprintf(name, sizeof name, "%.*s", (int)(suffix ? length - 5 : length), base);
    lm_graph *g = lm_onnx_import_bytes(bytes, size, name, batch, height, width, why, sizeof why);
    free(bytes);
    if (!g) lm_error(err, err_size, "%s: %s", path, why);
    return g;
}
