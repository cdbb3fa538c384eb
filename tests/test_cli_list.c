/* `latmac list` end to end: the three listings in the three formats, which agree; the nets listing's
 * required columns and a count checked against the publication; bad invocations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/latmac_process.h"

#define LIST(...) run_latmac(NULL, (const char *const[]){"list", __VA_ARGS__, NULL})

static json_t *row_named(json_t *rows, const char *name) {
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) if (strcmp(json_string_value(json_object_get(row, "name")), name) == 0) return row;
    return NULL;
}

static json_t *list_json(const char *what, const char *input) {
    outcome o = input ? LIST(what, "--format", "json", "--input", input) : LIST(what, "--format", "json");
    if (o.status != 0) fail_msg("exit %d: %s", o.status, o.err);
    json_error_t error;
    json_t *rows = json_loads(o.out, 0, &error);
    if (!rows) fail_msg("not JSON: %s", error.text);
    outcome_free(&o);
    return rows;
}

static void test_suites_by_default(void **state) {
    (void)state;
    outcome o = run_latmac(NULL, (const char *const[]){"list", NULL});
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "suite ", 6) == 0);
    assert_non_null(strstr(o.out, "\nkernels "));
    assert_non_null(strstr(o.out, "\nnets "));
    assert_non_null(strstr(o.out, "\nguidelines ")); /* every suite 'latmac run --suite' takes */
    assert_string_equal(o.err, "");
    outcome_free(&o);
}

static void test_nets_in_every_format(void **state) {
    (void)state;
    json_t *rows = list_json("nets", NULL);
    assert_true(json_array_size(rows) >= 42);
    json_t *v2 = row_named(rows, "shufflenet_v2_x1_0");
    assert_non_null(v2);
    static const char *const required[] = {"name", "input", "batch", "madds", "mac", "params", "peak_activation_bytes",
                                           "layers"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (!json_object_get(v2, required[k])) fail_msg("no '%s'", required[k]);
    assert_int_equal(json_integer_value(json_object_get(v2, "params")), 2278604); /* torchvision's num_params */
    assert_string_equal(json_string_value(json_object_get(v2, "input")), "224x224");
    assert_true(json_integer_value(json_object_get(v2, "steps")) < json_integer_value(json_object_get(v2, "layers")));
    assert_true(json_integer_value(json_object_get(v2, "mac")) < json_integer_value(json_object_get(v2, "mac_unfused")));
    const json_int_t madds224 = json_integer_value(json_object_get(v2, "madds"));
    assert_true(madds224 > 144000000 && madds224 < 146000000);

    /* 320x320: convolutions grow with the area, parameters do not */
    json_t *big = list_json("nets", "320x320");
    json_t *v2big = row_named(big, "shufflenet_v2_x1_0");
    assert_int_equal(json_integer_value(json_object_get(v2big, "params")), 2278604);
    assert_true(json_integer_value(json_object_get(v2big, "madds")) > 2 * madds224 * 9 / 10);
    assert_true(json_integer_value(json_object_get(v2big, "peak_activation_bytes")) >
                json_integer_value(json_object_get(v2, "peak_activation_bytes")));
    json_decref(big);

    outcome o = LIST("nets", "--format", "csv");
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "name,family,input,batch,madds,mac,mac_unfused,params,peak_activation_bytes,layers,", 82) == 0);
    size_t lines = 0;
    for (const char *p = o.out; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 1 + json_array_size(rows));
    assert_non_null(strstr(o.out, "\nshufflenet_v2_x1_0,shufflenet_v2,224x224,1,"));
    outcome_free(&o);

    o = LIST("nets");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "MAdds M"));
    assert_non_null(strstr(o.out, "\nshufflenet_v2_x1_0 "));
    assert_non_null(strstr(o.out, " 144.91 "));
    outcome_free(&o);
    json_decref(rows);
}

static void test_kernels(void **state) {
    (void)state;
    json_t *rows = list_json("kernels", NULL);
    json_t *pw = row_named(rows, "pw_128x128_56");
    assert_non_null(pw);
    assert_int_equal(json_integer_value(json_object_get(pw, "madds")), 56 * 56 * 128 * 128);
    assert_non_null(strstr(json_string_value(json_object_get(pw, "kernel")), "lm_f32_"));
    assert_true(json_integer_value(json_object_get(pw, "executed_madds")) >= 56 * 56 * 128 * 128);
    json_decref(rows);
    /* under the reference cap: one row per case, plain C kernels, no tiles to round */
    outcome o = LIST("kernels", "--isa", "ref", "--format", "json");
    if (o.status != 0) fail_msg("exit %d: %s", o.status, o.err);
    rows = json_loads(o.out, 0, NULL);
    assert_non_null(rows);
    outcome_free(&o);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        assert_string_equal(json_string_value(json_object_get(row, "isa")), "reference");
        const char *kernel = json_string_value(json_object_get(row, "kernel"));
        if (strcmp(json_string_value(json_object_get(row, "category")), "conv") != 0) continue;
        assert_non_null(strstr(kernel, "__ref"));
        /* 3x3 windows in the padding are skipped by the reference, so at most the MAdds */
        assert_true(json_integer_value(json_object_get(row, "executed_madds")) <=
                    json_integer_value(json_object_get(row, "madds")));
    }
    json_decref(rows);
}

static void test_bad_invocations(void **state) {
    (void)state;
    assert_usage_error(LIST("models"), "latmac list: unknown list 'models' (expected suites, nets, kernels or model)");
    assert_usage_error(LIST("nets", "--format", "xml"), "latmac list: unknown format 'xml'");
    assert_usage_error(LIST("nets", "extra"), "latmac list: unexpected argument 'extra'");
    assert_usage_error(LIST("kernels", "--input", "320x320"), "--input and --batch apply to 'list nets' and 'list model'");
    assert_usage_error(LIST("nets", "--isa", "avx2"), "--isa applies to 'list kernels'");
    assert_usage_error(LIST("kernels", "--isa", "avx9"), "--isa: 'avx9': unknown instruction set");
    assert_usage_error(LIST("kernels", "--isa", "ref,ref"), "--isa: reference is listed twice");
    assert_usage_error(LIST("nets", "--input", "320"), "--input: '320' is not HEIGHTxWIDTH");
    assert_usage_error(LIST("nets", "--batch", "0"), "--batch: '0' is not a whole number");
    /* an input no network can take: named with the layer, nothing listed */
    outcome o = LIST("nets", "--input", "16384x16384", "--batch", "1024");
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(strstr(o.err, "latmac list: shufflenet_v2_x0_5: layer 'conv1.0'"));
    outcome_free(&o);
    if (access("/dev/full", W_OK) != 0) return;
    o = run_latmac("/dev/full", (const char *const[]){"list", "nets", NULL});
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac list: writing the output failed"));
    outcome_free(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suites_by_default),
        cmocka_unit_test(test_nets_in_every_format),
        cmocka_unit_test(test_kernels),
        cmocka_unit_test(test_bad_invocations),
    };
    return cmocka_run_group_tests_name("cli_list", tests, NULL, NULL);
}
