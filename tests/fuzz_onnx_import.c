/* libFuzzer target for the ONNX import (bench/net/onnx_import.h): any bytes give a graph or a reason,
 * never a crash, a sanitizer report or an allocation of a size the file merely declares. Built and run
 * by tests/fuzz.sh (target onnx_import). */
#include <stddef.h>
#include <stdint.h>

#include "bench/net/onnx_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512];
    lm_graph *g = lm_onnx_import_bytes(data, size, "fuzz", 0, 0, 0, err, sizeof err);
    if (g) (void)lm_graph_cost(g); /* what `latmac list model` computes from the graph */
    lm_graph_destroy(g);
    return 0;
}
