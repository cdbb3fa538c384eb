/* The shapes a calibration measures: for each step class, operators drawn from a grid of the sizes
 * efficient networks use (feature maps of 7 to 112 pixels a side, 8 to 1024 channels, the strides,
 * windows and group counts of the papers), not the zoo's own layers, so that a network is predicted
 * from kernels alone and a family the grid was not built from is predicted as well as the others. */
#ifndef LM_CALIBRATION_SHAPES_H
#define LM_CALIBRATION_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include "bench/predict/step_model.h"
#include "kernels/op.h"

/* Up to `capacity` valid descriptions of class c into out, drawn from `seed`; each does at most
 * 150 M multiply-adds and moves at most 64 MiB, so no single shape dominates the sweep's time.
 * Returns how many. */
size_t lm_calibration_shapes(lm_step_class c, uint64_t seed, lm_op_desc *out, size_t capacity);

#endif
