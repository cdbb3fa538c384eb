/* Networks from ONNX model files: a model's graph built through graph.h's builder, as the zoo's are,
 * so that counting, planning and reporting treat it like a zoo network.
 *
 * What is read: the default-domain operators of opsets 9 to 17 that latmac's operators compute
 * (docs/networks.md lists them), the exporters' idioms as latmac's own operators (a channel shuffle
 * written as Reshape-Transpose-Reshape, a chunk as Slices, x * HardSigmoid(x)), and the shape
 * arithmetic they emit, folded while reading. The model's input must be one float tensor
 * [N, C, H, W]; tensors are NHWC inside latmac.
 *
 * Anything else is refused with the operator, the node's name and its position, and nothing is
 * returned half-built. Weights are the model's own: each node that has parameters gets its block from
 * the file, converted to op.h's layouts (lm_graph_set_params), so plans compute what the model does. */
#ifndef LM_ONNX_IMPORT_H
#define LM_ONNX_IMPORT_H

#include <stddef.h>

#include "bench/net/graph.h"

/* The largest model file read, in bytes (protobuf's own limit is 2 GiB). */
#define LM_ONNX_MAX_FILE_BYTES ((size_t)1 << 31)

/* Reads the ONNX model at `path` and builds its graph, named after the file (its base name without
 * ".onnx"), for an input of `batch` x `height` x `width` (each 0: the model's own; a symbolic batch
 * is 1). Returns the graph, or NULL with a one-line reason in err (the file cannot be read, is not an
 * ONNX model, uses what is not supported, declares impossible shapes). */
lm_graph *lm_onnx_import(const char *path, int batch, int height, int width, char *err, size_t err_size);

/* The same from a model's bytes, the graph named `name` (the reason without the file's path). */
lm_graph *lm_onnx_import_bytes(const void *bytes, size_t size, const char *name, int batch, int height, int width,
                               char *err, size_t err_size);

#endif
