/* oneDNN peer: each latmac operator kind as oneDNN primitives on NHWC tensors (see peer_onednn.h).
 *
 * Activations are fused as post-ops where oneDNN takes them; where it does not (or where fusing would
 * fall back to oneDNN's reference implementation, as PReLU post-ops do in 2.6), they run as primitives
 * of their own after the operator, in place on the output except PReLU. oneDNN 2.6 has no hardsigmoid:
 * relu6(x + 3) / 6 is linear(1/6, 1/2) then clip(0, 1). */
#include "bench/peers/peer_onednn.h"

#include <string.h>

typedef struct eltwise {
    dnnl_alg_kind_t alg;
    float alpha, beta;
} eltwise;

/* What follows an operator: element-wise steps, then per-channel PReLU. */
typedef struct post {
    int n;
    eltwise e[2];
    bool prelu;
} post;

static post post_of(lm_act act) {
    post p = {0};
    switch (act) {
    case LM_ACT_RELU: p.e[p.n++] = (eltwise){dnnl_eltwise_relu, 0.0f, 0.0f}; break;
    case LM_ACT_RELU6: p.e[p.n++] = (eltwise){dnnl_eltwise_clip, 0.0f, 6.0f}; break;
    case LM_ACT_HSWISH: p.e[p.n++] = (eltwise){dnnl_eltwise_hardswish, 0.0f, 0.0f}; break;
    case LM_ACT_HSIGMOID:
        p.e[p.n++] = (eltwise){dnnl_eltwise_linear, 1.0f / 6.0f, 0.5f};
        p.e[p.n++] = (eltwise){dnnl_eltwise_clip, 0.0f, 1.0f};
        break;
    case LM_ACT_SIGMOID: p.e[p.n++] = (eltwise){dnnl_eltwise_logistic, 0.0f, 0.0f}; break;
    case LM_ACT_PRELU: p.prelu = true; break;
    default: break;
    }
    return p;
}

static bool post_empty(const post *p) { return p->n == 0 && !p->prelu; }

/* Whether oneDNN picked its slow reference implementation ("ref:any" and the like). */
static bool is_reference(const_dnnl_primitive_desc_t pd) {
    const char *impl = NULL;
    return dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success && impl &&
           strncmp(impl, "ref", 3) == 0;
}

static dnnl_status_t create_with_post_ops(lm_dnnl_build *b, const void *op, const post *p, dnnl_primitive_desc_t *pd) {
    dnnl_post_ops_t ops = NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_status_t st = dnnl_post_ops_create(&ops);
    for (int i = 0; i < p->n && st == dnnl_success; i++)
        st = dnnl_post_ops_append_eltwise(ops, 1.0f, p->e[i].alg, p->e[i].alpha, p->e[i].beta);
    if (p->prelu && st == dnnl_success) st = dnnl_post_ops_append_prelu(ops, 1 << 1); /* per channel (dim 1) */
    if (st == dnnl_success) st = dnnl_primitive_attr_create(&attr);
    if (st == dnnl_success) st = dnnl_primitive_attr_set_post_ops(attr, ops);
    if (st == dnnl_success) st = dnnl_primitive_desc_create(pd, op, attr, b->engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    dnnl_post_ops_destroy(ops);
    return st;
}

/* The primitive descriptor of operation `op` followed by `p`: fused as post-ops (*fused) when oneDNN
 * has an optimised implementation of that, else without them. 0, or -1 with b->err set. */
static int create_pd(lm_dnnl_build *b, const void *op, const post *p, const char *what, dnnl_primitive_desc_t *pd,
                     bool *fused) {
    *fused = false;
    dnnl_primitive_desc_t with = NULL;
    if (!post_empty(p) && create_with_post_ops(b, op, p, &with) == dnnl_success && !is_reference(with)) {
        *pd = with;
        *fused = true;
        return 0;
    }
    const dnnl_status_t st = dnnl_primitive_desc_create(pd, op, NULL, b->engine, NULL);
    if (st == dnnl_success && with && is_reference(*pd)) { /* both slow: keep the single pass */
        dnnl_primitive_desc_destroy(*pd);
        *pd = with;
        *fused = true;
        return 0;
    }
    dnnl_primitive_desc_destroy(with);
    return st == dnnl_success ? 0 : lm_dnnl_fail_status(b, what, st);
}

/* A descriptor of per-channel values (biases, statistics: `ndims` 1; PReLU slopes: the output's ndims,
 * every dimension 1 but the channels). */
static dnnl_memory_desc_t channel_md(int ndims, int channels) {
    dnnl_dim_t dims[4] = {1, 1, 1, 1};
    static const dnnl_format_tag_t plain[5] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_acb, dnnl_acdb};
    dims[ndims == 1 ? 0 : 1] = channels;
    return lm_dnnl_md(ndims, dims, plain[ndims]);
}

/* PReLU slopes always end the parameter block (op.h). */
static const float *slopes_of(const lm_dnnl_build *b, int channels) {
    return b->params + lm_op_param_floats(b->d) - (size_t)channels;
}

/* Runs `p` from src to dst (the same memory for in place) as primitives of their own; PReLU must not
 * run in place (see simple_op). */
static int post_steps(lm_dnnl_build *b, const post *p, const dnnl_memory_desc_t *md, dnnl_memory_t src,
                      dnnl_memory_t dst, int channels) {
    for (int i = 0; i < p->n; i++) {
        dnnl_eltwise_desc_t ed;
        dnnl_primitive_desc_t pd;
        dnnl_status_t st = dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, p->e[i].alg, md, p->e[i].alpha,
                                                          p->e[i].beta);
        if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &ed, NULL, b->engine, NULL);
        if (st != dnnl_success) return lm_dnnl_fail_status(b, "eltwise", st);
        lm_dnnl_step *s = lm_dnnl_step_from(b, pd, "eltwise");
        if (!s) return -1;
        lm_dnnl_arg(s, DNNL_ARG_SRC, src);
        lm_dnnl_arg(s, DNNL_ARG_DST, dst);
        src = dst;
    }
    if (p->prelu) {
        const dnnl_memory_desc_t wmd = channel_md(md->ndims, channels);
        dnnl_prelu_desc_t prd;
        dnnl_primitive_desc_t pd;
        dnnl_status_t st = dnnl_prelu_forward_desc_init(&prd, dnnl_forward_inference, md, &wmd);
        if (st == dnnl_success) st = dnnl_primitive_desc_create(&pd, &prd, NULL, b->engine, NULL);
        if (st != dnnl_success) return lm_dnnl_fail_status(b, "prelu", st);
        lm_dnnl_step *s = lm_dnnl_step_from(b, pd, "prelu");
        dnnl_memory_t slopes = s ? lm_dnnl_own(b, &wmd, slopes_of(b, channels)) : NULL;
        if (!slopes) return -1;
        lm_dnnl_arg(s, DNNL_ARG_SRC, src);
        lm_dnnl_arg(s, DNNL_ARG_WEIGHTS, slopes);
        lm_dnnl_arg(s, DNNL_ARG_DST, dst);
    }
    return 0;
}

/* Gives step `s`, with `p` fused as its post-ops, what they read at run: PReLU's slopes. */
static int finish_fused(lm_dnnl_build *b, lm_dnnl_step *s, const post *p, const dnnl_memory_desc_t *dst_md,
                        int channels) {
    if (!p->prelu) return 0;
    const dnnl_memory_desc_t wmd = channel_md(dst_md->ndims, channels);
    dnnl_memory_t slopes = lm_dnnl_own(b, &wmd, slopes_of(b, channels));
    if (!slopes) return -1;
    lm_dnnl_arg(s, DNNL_ARG_ATTR_MULTIPLE_POST_OP(p->n) | DNNL_ARG_WEIGHTS, slopes);
    return 0;
}

/* Creates the step of `op` (the operator's activation fused or after it) reading input 0 as `src_md`
 * and writing output 0 as `dst_md`; *out_step takes it so the caller adds its other arguments. */
static int simple_op(lm_dnnl_build *b, const void *op, const post *p, const char *what,
                     const dnnl_memory_desc_t *src_md, const dnnl_memory_desc_t *dst_md, int channels,
                     lm_dnnl_step **out_step) {
    dnnl_primitive_desc_t pd;
    bool fused;
    if (create_pd(b, op, p, what, &pd, &fused) != 0) return -1;
    lm_dnnl_step *s = lm_dnnl_step_from(b, pd, what);
    dnnl_memory_t src = s ? lm_dnnl_bind(b, src_md, false, 0) : NULL;
    dnnl_memory_t dst = src ? lm_dnnl_bind(b, dst_md, true, 0) : NULL;
    /* oneDNN 2.6's PReLU primitive is wrong in place with several threads (some elements get the
     * slope twice), so an unfused PReLU reads the operator's result from a buffer of its own. */
    dnnl_memory_t result = dst && !fused && p->prelu ? lm_dnnl_own(b, dst_md, NULL) : dst;
    if (!result) return -1;
    lm_dnnl_arg(s, DNNL_ARG_SRC, src);
    lm_dnnl_arg(s, DNNL_ARG_DST, result);
    if (out_step) *out_step = s;
    return fused ? finish_fused(b, s, p, dst_md, channels) : post_steps(b, p, dst_md, result, dst, channels);
}

/* ---- convolution and fully connected: weights reordered once into the primitive's layout ---------- */

/* Adds the weights (b->params laid out as `user_md`, reordered into the step's choice) and the bias
 * (`bias`: out_c floats, NULL for none) to step `s`. */
static int add_weights(lm_dnnl_build *b, lm_dnnl_step *s, const dnnl_memory_desc_t *user_md, int out_c,
                       const float *bias) {
    const_dnnl_primitive_desc_t pd;
    if (dnnl_primitive_get_primitive_desc(s->primitive, &pd) != dnnl_success)
        return lm_dnnl_fail(b, "primitive query failed");
    const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t w = wmd ? lm_dnnl_own_reordered(b, user_md, b->params, wmd) : NULL;
    if (!w) return wmd ? -1 : lm_dnnl_fail(b, "the primitive has no weights");
    lm_dnnl_arg(s, DNNL_ARG_WEIGHTS, w);
    if (bias) {
        const dnnl_memory_desc_t bmd = channel_md(1, out_c);
        dnnl_memory_t m = lm_dnnl_own(b, &bmd, bias);
        if (!m) return -1;
        lm_dnnl_arg(s, DNNL_ARG_BIAS, m);
    }
    return 0;
}

static int conv(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const __typeof__(d->conv) *c = &d->conv;
    const lm_shape out = lm_op_output_shape(d, 0);
    const dnnl_memory_desc_t src_md = lm_dnnl_nhwc(d->in), dst_md = lm_dnnl_nhwc(out);
    /* latmac's [out_c][kh][kw][in_c / g] is oneDNN's ohwi, or gohwi with the groups split out. */
    const int g = c->groups;
    const dnnl_dim_t dense[4] = {c->out_c, d->in.c, c->kernel_h, c->kernel_w};
    const dnnl_dim_t grouped[5] = {g, c->out_c / g, d->in.c / g, c->kernel_h, c->kernel_w};
    const dnnl_memory_desc_t w_any =
        g == 1 ? lm_dnnl_md(4, dense, dnnl_format_tag_any) : lm_dnnl_md(5, grouped, dnnl_format_tag_any);
    const dnnl_memory_desc_t w_user = g == 1 ? lm_dnnl_md(4, dense, dnnl_ohwi) : lm_dnnl_md(5, grouped, dnnl_gohwi);
    const dnnl_memory_desc_t b_md = channel_md(1, c->out_c);
    const dnnl_dims_t strides = {c->stride_h, c->stride_w};
    const dnnl_dims_t dilates = {c->dilation_h - 1, c->dilation_w - 1}; /* oneDNN counts the gaps: 0 is dense */
    const dnnl_dims_t pad_l = {c->pad_top, c->pad_left}, pad_r = {c->pad_bottom, c->pad_right};
    dnnl_convolution_desc_t cd;
    /* Direct, not auto: auto may pick Winograd, whose error exceeds the comparison's tolerance. */
    const dnnl_status_t st = dnnl_dilated_convolution_forward_desc_init(
        &cd, dnnl_forward_inference, dnnl_convolution_direct, &src_md, &w_any, c->bias ? &b_md : NULL, &dst_md, strides,
        dilates, pad_l, pad_r);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "convolution", st);
    const post p = post_of(d->act);
    lm_dnnl_step *s;
    if (simple_op(b, &cd, &p, "convolution", &src_md, &dst_md, out.c, &s) != 0) return -1;
    const size_t weights = (size_t)c->out_c * c->kernel_h * c->kernel_w * (d->in.c / g);
    return add_weights(b, s, &w_user, c->out_c, c->bias ? b->params + weights : NULL);
}

static int fc(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const dnnl_memory_desc_t src_md = lm_dnnl_nhwc(d->in);
    const dnnl_dim_t dst_dims[2] = {d->in.n, d->fc.out_c};
    const dnnl_memory_desc_t dst_md = lm_dnnl_md(2, dst_dims, dnnl_nc);
    /* latmac's [out_c][h * w * c] flattens NHWC: oneDNN's ohwi over (out_c, c, h, w). */
    const dnnl_dim_t w_dims[4] = {d->fc.out_c, d->in.c, d->in.h, d->in.w};
    const dnnl_memory_desc_t w_any = lm_dnnl_md(4, w_dims, dnnl_format_tag_any),
                             w_user = lm_dnnl_md(4, w_dims, dnnl_ohwi);
    const dnnl_memory_desc_t b_md = channel_md(1, d->fc.out_c);
    dnnl_inner_product_desc_t ipd;
    const dnnl_status_t st = dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, &src_md, &w_any,
                                                                  d->fc.bias ? &b_md : NULL, &dst_md);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "inner product", st);
    const post p = post_of(d->act);
    lm_dnnl_step *s;
    if (simple_op(b, &ipd, &p, "inner product", &src_md, &dst_md, d->fc.out_c, &s) != 0) return -1;
    const size_t weights = (size_t)d->fc.out_c * d->in.h * d->in.w * d->in.c;
    return add_weights(b, s, &w_user, d->fc.out_c, d->fc.bias ? b->params + weights : NULL);
}

/* ---- element-wise ---------------------------------------------------------------------------------- */

/* ADD, MUL (second input bound, [n,1,1,c] when broadcast) and BIAS (second input owned, [1,1,1,c]). */
static int binary(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const dnnl_memory_desc_t md = lm_dnnl_nhwc(d->in);
    const bool bias = d->kind == LM_OP_BIAS;
    const dnnl_memory_desc_t src1_md =
        bias ? lm_dnnl_nhwc((lm_shape){1, 1, 1, d->in.c}) : lm_dnnl_nhwc(lm_op_input_shape(d, 1));
    dnnl_binary_desc_t bd;
    const dnnl_status_t st =
        dnnl_binary_desc_init(&bd, d->kind == LM_OP_MUL ? dnnl_binary_mul : dnnl_binary_add, &md, &src1_md, &md);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "binary", st);
    const post p = post_of(d->act);
    lm_dnnl_step *s;
    if (simple_op(b, &bd, &p, "binary", &md, &md, d->in.c, &s) != 0) return -1;
    dnnl_memory_t src1 = bias ? lm_dnnl_own(b, &src1_md, b->params) : lm_dnnl_bind(b, &src1_md, false, 1);
    if (!src1) return -1;
    lm_dnnl_arg(s, DNNL_ARG_SRC_1, src1);
    return 0;
}

static int batchnorm(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const int c = d->in.c;
    const dnnl_memory_desc_t md = lm_dnnl_nhwc(d->in), stat_md = channel_md(1, c);
    dnnl_batch_normalization_desc_t bd;
    const dnnl_status_t st = dnnl_batch_normalization_forward_desc_init(
        &bd, dnnl_forward_inference, &md, d->bn.eps, dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "batch normalization", st);
    const post p = post_of(d->act);
    lm_dnnl_step *s;
    if (simple_op(b, &bd, &p, "batch normalization", &md, &md, c, &s) != 0) return -1;
    static const int args[4] = {DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE}; /* op.h's order */
    for (int i = 0; i < 4; i++) {
        dnnl_memory_t m = lm_dnnl_own(b, &stat_md, b->params + (size_t)i * c);
        if (!m) return -1;
        lm_dnnl_arg(s, args[i], m);
    }
    return 0;
}

static int activation(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const dnnl_memory_desc_t md = lm_dnnl_nhwc(d->in);
    post p = post_of(d->act);
    if (p.n == 0) { /* PReLU: a primitive of its own */
        dnnl_memory_t src = lm_dnnl_bind(b, &md, false, 0), dst = src ? lm_dnnl_bind(b, &md, true, 0) : NULL;
        return dst ? post_steps(b, &p, &md, src, dst, d->in.c) : -1;
    }
    /* The first element-wise function is the primitive, the rest its post-ops. */
    const eltwise first = p.e[0];
    p.e[0] = p.e[1];
    p.n--;
    dnnl_eltwise_desc_t ed;
    const dnnl_status_t st =
        dnnl_eltwise_forward_desc_init(&ed, dnnl_forward_inference, first.alg, &md, first.alpha, first.beta);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "eltwise", st);
    return simple_op(b, &ed, &p, "eltwise", &md, &md, d->in.c, NULL);
}

/* ---- data movement --------------------------------------------------------------------------------- */

static int shuffle(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const dnnl_memory_desc_t md = lm_dnnl_nhwc(d->in);
    /* oneDNN's group size G transposes channels viewed as [C/G][G]; latmac's g groups view them as
     * [g][C/g], so G = C/g. */
    dnnl_shuffle_desc_t sd;
    const dnnl_status_t st =
        dnnl_shuffle_forward_desc_init(&sd, dnnl_forward_inference, &md, 1, d->in.c / d->shuffle.groups);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "shuffle", st);
    const post none = {0};
    return simple_op(b, &sd, &none, "shuffle", &md, &md, d->in.c, NULL);
}

static int concat(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    dnnl_memory_desc_t src_md[LM_MAX_PARTS];
    for (int i = 0; i < d->parts.count; i++) src_md[i] = lm_dnnl_nhwc(lm_op_input_shape(d, i));
    const dnnl_memory_desc_t dst_md = lm_dnnl_nhwc(lm_op_output_shape(d, 0));
    dnnl_primitive_desc_t pd;
    const dnnl_status_t st =
        dnnl_concat_primitive_desc_create(&pd, &dst_md, d->parts.count, 1, src_md, NULL, b->engine);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "concat", st);
    lm_dnnl_step *s = lm_dnnl_step_from(b, pd, "concat");
    if (!s) return -1;
    for (int i = 0; i < d->parts.count; i++) {
        dnnl_memory_t m = lm_dnnl_bind(b, &src_md[i], false, i);
        if (!m) return -1;
        lm_dnnl_arg(s, DNNL_ARG_MULTIPLE_SRC + i, m);
    }
    dnnl_memory_t dst = lm_dnnl_bind(b, &dst_md, true, 0);
    if (!dst) return -1;
    lm_dnnl_arg(s, DNNL_ARG_DST, dst);
    return 0;
}

/* One reorder per part, from a channel slice of the input (a sub-memory) to that part's output. */
static int split(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const dnnl_memory_desc_t whole = lm_dnnl_nhwc(d->in);
    int offset = 0;
    for (int i = 0; i < d->parts.count; i++) {
        const lm_shape part = lm_op_output_shape(d, i);
        const dnnl_dims_t dims = {part.n, part.c, part.h, part.w}, offsets = {0, offset, 0, 0};
        const dnnl_memory_desc_t dst_md = lm_dnnl_nhwc(part);
        dnnl_memory_desc_t slice;
        dnnl_primitive_desc_t pd;
        dnnl_status_t st = dnnl_memory_desc_init_submemory(&slice, &whole, dims, offsets);
        if (st == dnnl_success)
            st = dnnl_reorder_primitive_desc_create(&pd, &slice, b->engine, &dst_md, b->engine, NULL);
        if (st != dnnl_success) return lm_dnnl_fail_status(b, "split reorder", st);
        lm_dnnl_step *s = lm_dnnl_step_from(b, pd, "split reorder");
        dnnl_memory_t src = s ? lm_dnnl_bind(b, &slice, false, 0) : NULL,
                      dst = src ? lm_dnnl_bind(b, &dst_md, true, i) : NULL;
        if (!dst) return -1;
        lm_dnnl_arg(s, DNNL_ARG_FROM, src);
        lm_dnnl_arg(s, DNNL_ARG_TO, dst);
        offset += part.c;
    }
    return 0;
}

/* ---- pooling and resizing -------------------------------------------------------------------------- */

static int pooling(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    const lm_shape out = lm_op_output_shape(d, 0);
    const dnnl_memory_desc_t src_md = lm_dnnl_nhwc(d->in), dst_md = lm_dnnl_nhwc(out);
    const bool global = d->kind == LM_OP_GLOBAL_AVGPOOL;
    const int k = d->pool.kernel, s = d->pool.stride, pad = d->pool.pad;
    const dnnl_dims_t kernel = {global ? d->in.h : k, global ? d->in.w : k}, strides = {global ? 1 : s, global ? 1 : s};
    const dnnl_dims_t padding = {global ? 0 : pad, global ? 0 : pad};
    /* Padded cells are ignored by max and excluded from the average, as latmac's reference does. */
    const dnnl_alg_kind_t alg = d->kind == LM_OP_MAXPOOL ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
    dnnl_pooling_desc_t pd;
    const dnnl_status_t st = dnnl_pooling_forward_desc_init(&pd, dnnl_forward_inference, alg, &src_md, &dst_md, strides,
                                                            kernel, padding, padding);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "pooling", st);
    const post none = {0};
    return simple_op(b, &pd, &none, "pooling", &src_md, &dst_md, d->in.c, NULL);
}

static int resize(lm_dnnl_build *b) {
    const lm_op_desc *d = b->d;
    /* oneDNN's linear resampling maps output x to (x + 0.5) * in / out - 0.5 and clamps at the edges:
     * latmac's half-pixel centres. It has no align-corners mode. */
    if (d->resize.align_corners) return lm_dnnl_fail(b, "resampling has no align-corners mode");
    const dnnl_memory_desc_t src_md = lm_dnnl_nhwc(d->in), dst_md = lm_dnnl_nhwc(lm_op_output_shape(d, 0));
    dnnl_resampling_desc_t rd;
    const dnnl_status_t st =
        dnnl_resampling_forward_desc_init(&rd, dnnl_forward_inference, dnnl_resampling_linear, NULL, &src_md, &dst_md);
    if (st != dnnl_success) return lm_dnnl_fail_status(b, "resampling", st);
    const post none = {0};
    return simple_op(b, &rd, &none, "resampling", &src_md, &dst_md, d->in.c, NULL);
}

int lm_dnnl_translate(lm_dnnl_build *b) {
    switch (b->d->kind) {
    case LM_OP_CONV: return conv(b);
    case LM_OP_FC: return fc(b);
    case LM_OP_BIAS:
    case LM_OP_ADD:
    case LM_OP_MUL: return binary(b);
    case LM_OP_BATCHNORM: return batchnorm(b);
    case LM_OP_ACTIVATION: return activation(b);
    case LM_OP_CHANNEL_SHUFFLE: return shuffle(b);
    case LM_OP_CONCAT: return concat(b);
    case LM_OP_SPLIT: return split(b);
    case LM_OP_GLOBAL_AVGPOOL:
    case LM_OP_MAXPOOL:
    case LM_OP_AVGPOOL: return pooling(b);
    case LM_OP_RESIZE_BILINEAR: return resize(b);
    default: return lm_dnnl_fail(b, "no equivalent of operator kind %d", (int)b->d->kind);
    }
}
