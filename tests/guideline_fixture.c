/* What the guideline experiments' tests share (see guideline_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tests/guideline_fixture.h"

lm_op_cost guideline_build_and_check(const lm_guideline *e, const lm_guideline_case *c) {
    lm_graph *g = lm_guideline_build(e, c);
    assert_non_null(g);
    if (lm_graph_error(g)) fail_msg("%s/%s: %s", e->id, c->id, lm_graph_error(g));
    assert_int_equal(lm_graph_output_count(g), 1);
    /* every stack here ends where it began: the output has the input's shape */
    const lm_shape in = lm_graph_shape(g, 0), out = lm_graph_shape(g, lm_graph_output_at(g, 0));
    assert_int_equal(in.n, 1);
    assert_int_equal(in.h, c->height);
    assert_int_equal(in.w, c->width);
    assert_int_equal(in.c, c->channels);
    assert_memory_equal(&in, &out, sizeof in);
    /* node names are unique and scoped by block */
    const int nodes = lm_graph_node_count(g);
    assert_true(nodes >= 10);
    for (int i = 0; i < nodes; i++) {
        const char *name = lm_graph_node_at(g, i)->name;
        assert_true(strncmp(name, "block", 5) == 0);
        for (int j = i + 1; j < nodes; j++) assert_string_not_equal(name, lm_graph_node_at(g, j)->name);
    }
    const lm_op_cost cost = lm_graph_cost(g);
    lm_graph_destroy(g);
    return cost;
}

const lm_guideline_case *guideline_find_case(const lm_guideline_case *cases, int n, const char *id) {
    for (int i = 0; i < n; i++)
        if (strcmp(cases[i].id, id) == 0) return &cases[i];
    fail_msg("no case %s", id);
    return NULL;
}
