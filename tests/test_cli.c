/* The `latmac` program end to end: exit codes, messages and output of good and bad invocations.
 * The binary's path comes from the LATMAC environment variable (set by meson). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lm_build_info.h"

extern char **environ;

typedef struct outcome {
    int status; /* exit status */
    char *out, *err;
} outcome;

static char *slurp(FILE *f) {
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* Runs latmac with `args` (NULL-terminated); stdout goes to `stdout_path` when given. */
static outcome run_to(const char *stdout_path, const char *const *args) {
    const char *latmac = getenv("LATMAC");
    assert_non_null(latmac);
    char *argv[32] = {(char *)latmac};
    for (int i = 0; args[i]; i++) argv[i + 1] = (char *)args[i];
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdout_path) posix_spawn_file_actions_addopen(&fa, 1, stdout_path, O_WRONLY, 0);
    else posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, latmac, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int wstatus;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus));
    return (outcome){WEXITSTATUS(wstatus), slurp(out), slurp(err)};
}

#define RUN(...) run_to(NULL, (const char *const[]){__VA_ARGS__, NULL})

static void done(outcome *o) {
    free(o->out);
    free(o->err);
}

/* A usage error: exit 2, nothing on stdout, one line on stderr that contains `message`. */
static void assert_usage_error(outcome o, const char *message) {
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(strstr(o.err, message));
    assert_non_null(strstr(o.err, "--help')"));
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1); /* exactly one line */
    done(&o);
}

static void test_help_and_version(void **state) {
    (void)state;
    outcome o = RUN("--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac <command>"));
    assert_non_null(strstr(o.out, "info"));
    assert_string_equal(o.err, "");
    done(&o);
    o = RUN("--version");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "latmac " LM_VERSION "\n");
    done(&o);
    o = RUN("info", "--help");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "Usage: latmac info [--format text|json]"));
    done(&o);
}

static void test_bad_program_invocations(void **state) {
    (void)state;
    assert_usage_error(run_to(NULL, (const char *const[]){NULL}), "latmac: no command given");
    assert_usage_error(RUN("bogus"), "latmac: unknown command 'bogus'");
    assert_usage_error(RUN("--bogus"), "latmac: unknown option '--bogus'");
    assert_usage_error(RUN("-x", "info"), "latmac: unknown option '-x'");
}

static void test_bad_info_invocations(void **state) {
    (void)state;
    assert_usage_error(RUN("info", "--format", "xml"), "latmac info: unknown format 'xml'");
    assert_usage_error(RUN("info", "--format"), "latmac info: option '--format' needs a value");
    assert_usage_error(RUN("info", "-f"), "latmac info: option '-f' needs a value");
    assert_usage_error(RUN("info", "--frobnicate"), "latmac info: unknown option '--frobnicate'");
    assert_usage_error(RUN("info", "-q"), "latmac info: unknown option '-q'");
    assert_usage_error(RUN("info", "extra"), "latmac info: unexpected argument 'extra'");
}

static void test_info_text(void **state) {
    (void)state;
    outcome o = RUN("info");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    const char *lines[] = {"latmac " LM_VERSION "\n", "\nCPU ", "\n  SIMD ", "\nTopology ", "\nCaches ",
                           "\nClock ", "\nOS ", "\nBuild "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) assert_non_null(strstr(o.out, lines[i]));
    done(&o);
}

static void test_info_json_parses_with_the_essentials(void **state) {
    (void)state;
    const char *const variants[][4] = {{"info", "--format", "json", NULL}, {"info", "--format=json", NULL},
                                       {"info", "-f", "json", NULL}};
    for (size_t v = 0; v < 3; v++) {
        outcome o = run_to(NULL, variants[v]);
        assert_int_equal(o.status, 0);
        json_error_t error;
        json_t *root = json_loads(o.out, 0, &error);
        if (!root) fail_msg("not JSON: %s (line %d)", error.text, error.line);
        json_t *cpu = json_object_get(root, "cpu"), *topo = json_object_get(root, "topology");
        assert_true(json_is_string(json_object_get(cpu, "brand")));
        json_t *simd = json_object_get(cpu, "simd");
        assert_true(json_is_object(simd) || json_is_string(simd));
        if (json_is_object(simd)) {
            const char *features[] = {"sse4_2", "avx", "avx2", "fma", "avx512f"};
            for (size_t i = 0; i < 5; i++) assert_true(json_is_boolean(json_object_get(simd, features[i])));
        }
        assert_true(json_integer_value(json_object_get(topo, "physical_cores")) > 0);
        json_t *caches = json_object_get(topo, "caches");
        assert_true(json_array_size(caches) > 0);
        for (size_t i = 0; i < json_array_size(caches); i++) {
            json_t *c = json_array_get(caches, i);
            assert_true(json_integer_value(json_object_get(c, "level")) >= 1);
            assert_true(json_integer_value(json_object_get(c, "size_bytes")) > 0);
        }
        json_decref(root);
        done(&o);
    }
}

static void test_write_error_fails(void **state) {
    (void)state;
    if (access("/dev/full", W_OK) != 0) skip();
    outcome o = run_to("/dev/full", (const char *const[]){"info", "--format", "json", NULL});
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "latmac info: writing the output failed"));
    done(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_bad_program_invocations),
        cmocka_unit_test(test_bad_info_invocations),
        cmocka_unit_test(test_info_text),
        cmocka_unit_test(test_info_json_parses_with_the_essentials),
        cmocka_unit_test(test_write_error_fails),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
