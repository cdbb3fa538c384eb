/* The ISA-neutral half of the GEMM engine: packing, indirection, tiling and parallel scheduling (see gemm.h). */
#include "kernels/gemm.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>


/* A task multiplies a block of A (rows x a block of K) by every panel of B in its range. The block is
 * sized to stay in L1/L2 (about 64 KiB) while the panels pass over it: at least one micro-tile, at
 * most 24. Fewer made tasks of a microsecond for small K (the 3x3 stem's K of 27), and two threads
 * then spent a tenth of their time passing the task counter's cache line back and forth. */
#define BLOCK_FLOATS 16384
#define MAX_TILES_PER_BLOCK 24
/* Bytes of packed B (over a block of K) a task walks for every micro-tile: half of a 1 MiB L2. */
#define L2_PANEL_BYTES (512 * 1024)
/* The largest block of K the direct GEMM multiplies in one pass. Without it, a large K (976 in
 * ShuffleNet V2 2.0x's conv5) left room for one micro-tile per row block, so each block of 12 rows
 * re-read all of B (8 MB there) from L3, and a 49-row layer did so five times, once for one row.
 * With K in blocks of at most 256, a row block holds several tiles, each block of B panels is read
 * from memory once and reused from L2 by every tile, and a tile's rows of A (12 KiB for 12 x 256)
 * stay in a 32 KiB L1 while the panels stream past. */
#define MAX_K_BLOCK 256

/* Up to this K the direct GEMM takes K whole, as before blocking: a row block still holds two tiles
 * or more, and splitting K showed no gain there (noisy measurements of 464 -> 1024 on 7x7 and
 * 488 -> 488 on 14x14), only the partial sums' extra loads and stores. */
#define WHOLE_K_UP_TO 512

/* The block of K: at most MAX_K_BLOCK, and blocks of equal size (976 = 4 x 244, not 3 x 256 + 208). */
static int k_block(int k) {
    if (k <= WHOLE_K_UP_TO) return k;
    const int blocks = (k + MAX_K_BLOCK - 1) / MAX_K_BLOCK;
    return (k + blocks - 1) / blocks;
}

/* Tasks a GEMM is cut into so that every thread has a few and they end together: 4 per thread (one
 * task on one thread, which gains nothing from splitting). */
static size_t wanted_tasks(int threads) { return threads > 1 ? 4 * (size_t)threads : 1; }

/* Row blocks (tasks' shares of A) for `tiles` micro-tiles over blocks of kc: as few as BLOCK_FLOATS
 * allows, but as many as the tasks wanted where there are tiles enough (threads that split the rows
 * write apart; threads that split the panels of the same rows write neighbouring parts of the same
 * cache lines whenever a row is not a whole number of lines, 58 channels say), and a multiple of the
 * thread count, so that the threads end together. The tiles are then spread evenly over them (see
 * tile_row). */
static size_t row_blocks(const lm_gemm_isa *isa, int kc, size_t tiles, int threads) {
    /* A few rows (a 7x7 layer's 49) whose A fits in L2: one block, and the threads split the panels
     * of B instead, so each brings only its share of B from memory rather than all of it. */
    if (tiles <= MAX_TILES_PER_BLOCK && tiles * (size_t)isa->mr * (size_t)kc * sizeof(float) <= L2_PANEL_BYTES) return 1;
    int most = BLOCK_FLOATS / (kc * isa->mr);
    if (most < 1) most = 1;
    if (most > MAX_TILES_PER_BLOCK) most = MAX_TILES_PER_BLOCK;
    size_t blocks = (tiles + (size_t)most - 1) / (size_t)most;
    if (blocks < wanted_tasks(threads)) blocks = tiles < wanted_tasks(threads) ? tiles : wanted_tasks(threads);
    const size_t rounded = (blocks + (size_t)threads - 1) / (size_t)threads * (size_t)threads;
    return rounded <= tiles ? rounded : blocks;
}

static float *aligned_floats(size_t n) {
    const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* Columns of panel p of a group of n: nr, except the last panel, the rest rounded up to one vector. */
static int panel_width(const lm_gemm_isa *isa, int n, int p) {
    const int rest = n - p * isa->nr;
    return rest >= isa->nr ? isa->nr : (rest + isa->lanes - 1) / isa->lanes * isa->lanes;
}

int lm_gemm_pack(lm_gemm_weights *w, const lm_gemm_isa *isa, int groups, int k, int n, const float *weights,
                 const float *bias, const float *slopes, lm_act act) {
    const int nr = isa->nr, panels = (n + nr - 1) / nr;
    *w = (lm_gemm_weights){.groups = groups, .k = k, .n = n, .panels = panels, .act = act, .clamp = {-FLT_MAX, FLT_MAX}};
    if (act == LM_ACT_RELU || act == LM_ACT_RELU6) w->clamp[0] = 0.0f;
    if (act == LM_ACT_RELU6) w->clamp[1] = 6.0f;
    w->panel_floats = (size_t)nr * ((size_t)k + 1);
    w->group_floats = ((size_t)(panels - 1) * nr + (size_t)panel_width(isa, n, panels - 1)) * ((size_t)k + 1);
    w->packed = aligned_floats((size_t)groups * w->group_floats);
    if (!w->packed) return -1;
    if (slopes) {
        w->slopes = malloc((size_t)groups * n * sizeof(float));
        if (!w->slopes) {
            lm_gemm_weights_free(w);
            return -1;
        }
        memcpy(w->slopes, slopes, (size_t)groups * n * sizeof(float));
    }
    for (int g = 0; g < groups; g++)
        for (int p = 0; p < panels; p++) {
            float *panel = w->packed + (size_t)g * w->group_floats + (size_t)p * w->panel_floats;
            const int width = panel_width(isa, n, p);
            for (int j = 0; j < width; j++) {
                const int col = p * nr + j; /* output channel within the group */
                const bool real = col < n;
                panel[j] = real && bias ? bias[(size_t)g * n + col] : 0.0f;
                for (int kk = 0; kk < k; kk++)
                    panel[width + (size_t)kk * width + j] = real ? weights[((size_t)g * n + col) * k + kk] : 0.0f;
            }
        }
    return 0;
}

uint64_t lm_gemm_executed_madds(const lm_gemm_isa *isa, size_t m, int groups, int k, int n) {
    uint64_t columns = 0;
    for (int p = 0; p * isa->nr < n; p++) columns += (uint64_t)panel_width(isa, n, p);
    return (uint64_t)m * (uint64_t)k * (uint64_t)groups * columns;
}

void lm_gemm_weights_free(lm_gemm_weights *w) {
    free(w->packed);
    free(w->slopes);
    w->packed = w->slopes = NULL;
}

/* The tasks of one GEMM: (range of panels, row block, range of groups). */
typedef struct gemm_job {
    const lm_gemm_problem *p;
    size_t tiles;         /* micro-tiles over the m rows: ceil(m / MR), their heights differing by 1 at most */
    int kc;               /* block of K (the direct GEMM; the indirect one takes K whole) */
    size_t blocks;        /* row blocks per group, each a run of whole tiles (at most MAX_TILES_PER_BLOCK) */
    int group_ranges;     /* ranges of groups per row block (1: a task runs every group) */
    int groups_per_range;
    int panel_chunks;     /* panel ranges per row block */
    int panels_per_chunk;
} gemm_job;

/* The first row of tile t: m rows spread evenly over the tiles (49 rows make tiles of 10, 10, 10, 10 and
 * 9, not four of 12 and a lone row that streams all of B past for one row's work). */
static size_t tile_row(const gemm_job *job, size_t t) { return t * job->p->m / job->tiles; }

/* Points each tap of each pixel of the block at its cin_g input values, or at the zeros where the
 * window leaves the input: ptrs[(t * taps + tap) * MR + i] for pixel i of micro-tile t, whose height
 * is heights[t]. Slots past a tile's height stay unset: its micro-kernel is made for its row count.
 *
 * When a kernel row's taps are one contiguous run of input (one group, no horizontal dilation) and
 * every window of a tile lies inside horizontally, the tile gets one pointer per kernel row instead,
 * to kernel_w * cin_g values: tile_taps[t] says which (kernel_h, or kernel_h * kernel_w). For a
 * 3-channel image this makes 3 runs of 9 values of 9 runs of 3. When such a tile also lies in one
 * output row with every kernel row inside the input, its pixels' runs are evenly spaced:
 * tile_steps[t] is that spacing and only pixel 0's pointers are written (see lm_igemm_ukernel). */
/* Each kernel row's input row for output row oy of image n (NULL in the padding); returns true. */
static bool find_rows(const lm_op_desc *d, const float *group_input, int n, int oy, const float **in_rows) {
    const size_t row_floats = (size_t)d->in.w * d->in.c;
    const float *image = group_input + (size_t)n * d->in.h * row_floats;
    for (int ky = 0; ky < d->conv.kernel_h; ky++) {
        const int iy = oy * d->conv.stride_h - d->conv.pad_top + ky * d->conv.dilation_h;
        in_rows[ky] = iy >= 0 && iy < d->in.h ? image + (size_t)iy * row_floats : NULL;
    }
    return true;
}

__attribute__((noinline)) static void point_windows(const lm_gemm_problem *p, int g, size_t first, const int *heights,
                                                    int tiles, const float **ptrs, int *tile_taps,
                                                    ptrdiff_t *tile_steps) {
    const lm_op_desc *d = p->conv;
    const lm_shape o = lm_op_output_shape(d, 0);
    const int kh = d->conv.kernel_h, kw = d->conv.kernel_w, taps = kh * kw, mr = p->isa->mr, c = d->in.c;
    const int span_w = (kw - 1) * d->conv.dilation_w;
    const int stride = d->conv.stride_w, pad = d->conv.pad_left, in_w = d->in.w, dil_w = d->conv.dilation_w;
    const bool runs = d->conv.groups == 1 && dil_w == 1;
    const float *group_input = p->a + (size_t)g * (c / d->conv.groups);
    /* The first pixel's coordinates by division; the others by stepping along the row. */
    int ox = (int)(first % (size_t)o.w), oy = (int)(first / (size_t)o.w % (size_t)o.h);
    int n = (int)(first / ((size_t)o.w * o.h));
    /* Each kernel row's input row for the current output row (NULL in the padding), found once per
     * output row rather than once per pixel. */
    const float *in_rows[kh];
    bool rows_known = false;
    for (int t = 0; t < tiles; t++) {
        const float **tile = ptrs + (size_t)t * taps * mr;
        const int real = heights[t];
        bool merged = runs;
        for (int i = 0, x = ox; i < real && merged; i++, x = x + 1 == o.w ? 0 : x + 1) {
            const int ix0 = x * stride - pad;
            merged = ix0 >= 0 && ix0 + span_w < in_w;
        }
        tile_taps[t] = merged ? kh : taps;
        tile_steps[t] = 0;
        if (merged && ox + real <= o.w) { /* one output row: evenly spaced windows, if no row is padding */
            if (!rows_known) rows_known = find_rows(d, group_input, n, oy, in_rows);
            bool inside = true;
            for (int ky = 0; ky < kh; ky++) inside &= in_rows[ky] != NULL;
            if (inside) {
                tile_steps[t] = (ptrdiff_t)stride * c;
                for (int ky = 0; ky < kh; ky++) tile[ky * mr] = in_rows[ky] + (ptrdiff_t)(ox * stride - pad) * c;
                ox += real;
                if (ox == o.w) {
                    ox = 0, rows_known = false;
                    if (++oy == o.h) oy = 0, n++;
                }
                continue;
            }
        }
        for (int i = 0; i < real; i++) {
            if (!rows_known) rows_known = find_rows(d, group_input, n, oy, in_rows);
            const int ix0 = ox * stride - pad;
            if (merged) {
                for (int ky = 0; ky < kh; ky++) tile[ky * mr + i] = in_rows[ky] ? in_rows[ky] + (ptrdiff_t)ix0 * c : p->zeros;
            } else {
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0, ix = ix0; kx < kw; kx++, ix += dil_w)
                        tile[(ky * kw + kx) * mr + i] = in_rows[ky] && ix >= 0 && ix < in_w ? in_rows[ky] + (ptrdiff_t)ix * c : p->zeros;
            }
            if (++ox == o.w) {
                ox = 0, rows_known = false;
                if (++oy == o.h) oy = 0, n++;
            }
        }
    }
}

/* Group g's tiles of the given heights, from row m0, against its panels [p0, p1). */
static void run_group(const gemm_job *job, int g, size_t m0, const int *heights, int tiles, int p0, int p1) {
    const lm_gemm_problem *p = job->p;
    const lm_gemm_isa *isa = p->isa;
    const lm_gemm_weights *w = p->w;
    const int taps = p->conv ? p->conv->conv.kernel_h * p->conv->conv.kernel_w : 1;
    const float *ptrs[p->conv ? (size_t)tiles * taps * isa->mr : 1]; /* tiles <= MAX_TILES_PER_BLOCK */
    int tile_taps[MAX_TILES_PER_BLOCK];
    ptrdiff_t tile_steps[MAX_TILES_PER_BLOCK];
    if (p->conv) point_windows(p, g, m0, heights, tiles, ptrs, tile_taps, tile_steps);
    const float *a = p->a + g * p->a_group_offset + m0 * p->a_stride;
    float *c = p->c + g * p->c_group_offset + m0 * p->c_stride;
    const bool needs_epilogue = w->act != LM_ACT_NONE && w->act != LM_ACT_RELU && w->act != LM_ACT_RELU6;
    /* Blocks of K outermost (one block for the indirect GEMM), then micro-tiles, then panels: a tile's
     * rows of A stay in L1 while the task's panels of B over the block of K stream past from L2 (the
     * driver keeps them small enough for L2), re-read from there by each tile. The first block starts
     * from the bias, later ones from the partial sums in C; only the last clamps and activates. */
    const int kc = job->kc;
    for (int k0 = 0; k0 < w->k; k0 += kc) {
        const int kb = w->k - k0 < kc ? w->k - k0 : kc;
        const bool last = k0 + kb == w->k;
        for (int t = 0, r = 0; t < tiles; r += heights[t++]) {
            const int mr = heights[t];
            for (int panel = p0; panel < p1; panel++) {
                const float *packed = w->packed + (size_t)g * w->group_floats + (size_t)panel * w->panel_floats;
                const int col = panel * isa->nr, nc = w->n - col < isa->nr ? w->n - col : isa->nr;
                const int width = panel_width(isa, w->n, panel), vectors = width / isa->lanes;
                float *tile = c + (size_t)r * p->c_stride + col;
                if (p->conv) {
                    isa->iukernel[vectors - 1][mr - 1](nc, tile_taps[t], w->k / tile_taps[t],
                                                       ptrs + (size_t)t * taps * isa->mr, tile_steps[t], packed, tile,
                                                       p->c_stride, w->clamp);
                } else {
                    isa->ukernel[vectors - 1][mr - 1](nc, kb, a + (size_t)r * p->a_stride + k0, p->a_stride,
                                                      k0 == 0 ? packed : NULL, packed + width + (size_t)k0 * width,
                                                      tile, p->c_stride, last ? w->clamp : NULL);
                }
                if (last && needs_epilogue)
                    isa->epilogue(w->act, tile, mr, nc, p->c_stride, w->slopes ? w->slopes + (size_t)g * w->n + col : NULL);
            }
        }
    }
}

/* A task runs its groups one after another on the same rows, so the input rows a grouped convolution
 * reads stay in L1 and L2 from one group to the next, and no two threads write the same output rows
 * at once (groups share cache lines there). Row blocks vary faster than panel ranges: every block of
 * a small m reuses a range of panels from L2 rather than bringing all of B back from L3 per block. */
static void gemm_task(void *context, size_t task, int thread) {
    (void)thread;
    const gemm_job *job = context;
    const lm_gemm_problem *p = job->p;
    const int range = (int)(task % (size_t)job->group_ranges);
    const size_t block = task / (size_t)job->group_ranges % job->blocks;
    const int chunk = (int)(task / (size_t)job->group_ranges / job->blocks);
    const size_t t0 = block * job->tiles / job->blocks, t1 = (block + 1) * job->tiles / job->blocks;
    int heights[MAX_TILES_PER_BLOCK];
    for (size_t t = t0; t < t1; t++) heights[t - t0] = (int)(tile_row(job, t + 1) - tile_row(job, t));
    const int p0 = chunk * job->panels_per_chunk;
    const int p1 = p0 + job->panels_per_chunk < p->w->panels ? p0 + job->panels_per_chunk : p->w->panels;
    const int g0 = range * job->groups_per_range;
    const int g1 = g0 + job->groups_per_range < p->w->groups ? g0 + job->groups_per_range : p->w->groups;
    for (int g = g0; g < g1; g++) run_group(job, g, tile_row(job, t0), heights, (int)(t1 - t0), p0, p1);
}

void lm_gemm_run(const lm_gemm_problem *p, lm_threadpool *pool) {
    const int kc = p->conv ? p->w->k : k_block(p->w->k);
    const size_t tiles = (p->m + (size_t)p->isa->mr - 1) / (size_t)p->isa->mr;
    gemm_job job = {.p = p, .tiles = tiles, .kc = kc,
                    .blocks = row_blocks(p->isa, kc, tiles, lm_threadpool_threads(pool))};
    /* Panels per task: as many as fit in half of a typical L2 over a block of K (they are re-read by
     * every tile)... */
    int per_chunk = (int)(L2_PANEL_BYTES / (((size_t)kc + 1) * (size_t)p->isa->nr * sizeof(float)));
    if (per_chunk < 1) per_chunk = 1;
    /* Groups split into ranges, then panels into fewer per task, only when there are too few row
     * blocks to keep every thread busy (e.g. 7x7 outputs). */
    const size_t wanted = wanted_tasks(lm_threadpool_threads(pool)), groups = (size_t)p->w->groups;
    size_t ranges = job.blocks < wanted ? (wanted + job.blocks - 1) / job.blocks : 1;
    if (ranges > groups) ranges = groups;
    job.groups_per_range = (int)((groups + ranges - 1) / ranges);
    job.group_ranges = (int)((groups + (size_t)job.groups_per_range - 1) / (size_t)job.groups_per_range);
    const size_t row_tasks = job.blocks * (size_t)job.group_ranges;
    if (row_tasks < wanted) {
        const int chunks = (int)((wanted + row_tasks - 1) / row_tasks);
        const int fair = (p->w->panels + chunks - 1) / chunks;
        if (fair < per_chunk) per_chunk = fair;
    }
    job.panels_per_chunk = per_chunk < p->w->panels ? per_chunk : p->w->panels;
    job.panel_chunks = (p->w->panels + job.panels_per_chunk - 1) / job.panels_per_chunk;
    lm_threadpool_parallelize(pool, row_tasks * (size_t)job.panel_chunks, gemm_task, &job);
}
