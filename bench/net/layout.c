/* Where a schedule's steps run and their tensors live: groups of concurrent steps, and the activation
 * arena laid out by liveness (see lm_schedule_lay_out in schedule.h). */
#include <stdlib.h>

#include "bench/net/schedule.h"
#include "kernels/error.h"

#define ALIGN 64 /* bytes: every tensor starts on a cache line */

static size_t tensor_bytes(const lm_graph *g, lm_tensor t) {
    return (lm_shape_elements(lm_graph_shape(g, t)) * sizeof(float) + ALIGN - 1) / ALIGN * ALIGN;
}

/* Whether a tensor starting at `at` would share its offset within a 4 KiB page (to 256 bytes) with
 * one the same step reads or writes. Loads that look like they might depend on an earlier store to
 * the same page offset wait for it ("4K aliasing"): with a plain first fit, 56x56x128 tensors (a
 * multiple of 4 KiB) all started on page boundaries, and the G1 and G2 cases with 128 channels ran
 * markedly slower than their neighbours. */
static bool aliases(const lm_schedule *p, const int *step_of, lm_tensor t, size_t at) {
    if (step_of[t] < 0) return false;
    const lm_schedule_step *s = &p->steps[step_of[t]];
    for (int k = 0; k < s->input_count + s->output_count; k++) {
        const lm_tensor u = k < s->input_count ? s->inputs[k] : s->outputs[k - s->input_count];
        if (u == t || p->offset[u] == SIZE_MAX) continue;
        const size_t d = (at - p->offset[u]) % 4096;
        if (d < 256 || d > 4096 - 256) return true;
    }
    return false;
}

/* Lays the tensors out by liveness: each takes the lowest offset that overlaps no tensor alive at the
 * same time (first fit) and does not alias one its step reads or writes. A tensor lives from the step
 * that writes it to the last step that reads it; the input and the graph's outputs live throughout. */
static int lay_out(lm_schedule *p, const lm_graph *g, char *err, size_t err_size) {
    const int T = p->tensor_count, S = p->step_count;
    int *born = malloc((size_t)T * sizeof *born), *dies = malloc((size_t)T * sizeof *dies);
    int *step_of = malloc((size_t)T * sizeof *step_of);
    lm_tensor *order = malloc((size_t)T * sizeof *order);
    if (!born || !dies || !step_of || !order) {
        free(born), free(dies), free(step_of), free(order);
        return lm_error(err, err_size, "out of memory while planning %s", lm_graph_name(g));
    }
    for (int t = 0; t < T; t++) born[t] = dies[t] = -2, step_of[t] = -1, p->offset[t] = SIZE_MAX; /* not in the plan */
    born[0] = -1;
    /* Lifetimes in units of groups (a group of concurrent steps counts as its first step): steps of
     * one group run at once, so none may reuse what another of them reads or writes. */
    for (int head = 0; head < S; head = p->group_end[head])
        for (int s = head; s < p->group_end[head]; s++) {
            for (int i = 0; i < p->steps[s].output_count; i++) {
                const lm_tensor t = p->steps[s].outputs[i];
                born[t] = dies[t] = head, step_of[t] = s;
            }
            for (int i = 0; i < p->steps[s].input_count; i++) dies[p->steps[s].inputs[i]] = p->group_end[head] - 1;
        }
    dies[0] = S; /* the input is the caller's: it stays */
    for (int i = 0; i < p->output_count; i++) dies[p->outputs[i]] = S;
    int n = 0;
    for (int t = 0; t < T; t++)
        if (born[t] != -2) order[n++] = t; /* first fit needs no particular order */
    p->arena_bytes = p->peak_activation_bytes = 0;
    for (int a = 0; a < n; a++) {
        const lm_tensor t = order[a];
        const size_t size = tensor_bytes(g, t);
        size_t at = 0;
        for (bool moved = true; moved;) { /* first fit: move past every overlapping live tensor */
            moved = false;
            for (int b = 0; b < a; b++) {
                const lm_tensor u = order[b];
                if (dies[u] < born[t] || born[u] > dies[t]) continue; /* not alive together */
                const size_t u_end = p->offset[u] + tensor_bytes(g, u);
                if (p->offset[u] < at + size && at < u_end) {
                    at = u_end;
                    moved = true;
                }
            }
            if (!moved && aliases(p, step_of, t, at)) { /* 5 cache lines on, and look again */
                at += 5 * ALIGN;
                moved = true;
            }
        }
        p->offset[t] = at;
        if (at + size > p->arena_bytes) p->arena_bytes = at + size;
    }
    for (int s = -1; s <= S; s++) { /* the peak: bytes alive while step s runs */
        size_t live = 0;
        for (int a = 0; a < n; a++)
            if (born[order[a]] <= s && dies[order[a]] >= s) live += tensor_bytes(g, order[a]);
        if (live > p->peak_activation_bytes) p->peak_activation_bytes = live;
    }
    free(born), free(dies), free(step_of), free(order);
    return 0;
}

/* Whether step j reads what one of steps [i, j) writes. */
static bool depends(const lm_schedule *p, int i, int j) {
    for (int k = i; k < j; k++)
        for (int a = 0; a < p->steps[j].input_count; a++)
            for (int b = 0; b < p->steps[k].output_count; b++)
                if (p->steps[j].inputs[a] == p->steps[k].outputs[b]) return true;
    return false;
}

/* Groups of steps that run at once: maximal runs of consecutive steps none of which reads another's
 * output; without concurrency every step is its own group. */
static void form_groups(lm_schedule *p, bool concurrent) {
    for (int i = 0; i < p->step_count;) {
        int j = i + 1;
        while (concurrent && j < p->step_count && !depends(p, i, j)) j++;
        for (int k = i; k < j; k++) p->group_end[k] = j;
        i = j;
    }
}

int lm_schedule_lay_out(lm_schedule *s, const lm_graph *g, bool concurrent, char *err, size_t err_size) {
    form_groups(s, concurrent);
    return lay_out(s, g, err, err_size);
}
