/* Work in a child process (bench/measure/child_process.h): its output arrives whole, it runs in another
 * process whose memory the parent does not share, failures and signals come back as reasons, and a
 * stop set in the parent reaches the child, which can still report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/measure/child_process.h"

static int touched; /* set by work in the child: the parent's copy must stay 0 */

/* 300 000 bytes of a pattern (the pipe holds far less: the parent must read while the child writes),
 * then the child's pid. */
static int write_pattern(FILE *out, void *context) {
    (void)context;
    touched = 1;
    for (int i = 0; i < 300000; i++) fputc('a' + i % 26, out);
    const pid_t self = getpid();
    fwrite(&self, sizeof self, 1, out);
    return 0;
}

static void test_output_arrives_whole_from_another_process(void **state) {
    (void)state;
    char *bytes, err[256];
    size_t size;
    if (lm_child_run(write_pattern, NULL, NULL, &bytes, &size, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(size, 300000 + sizeof(pid_t));
    for (int i = 0; i < 300000; i++)
        if (bytes[i] != 'a' + i % 26) fail_msg("byte %d is %c", i, bytes[i]);
    pid_t child;
    memcpy(&child, bytes + 300000, sizeof child);
    assert_true(child != getpid());
    assert_int_equal(touched, 0);
    assert_false(lm_child_stop_requested());
    free(bytes);
}

static int fail_halfway(FILE *out, void *context) {
    (void)context;
    fputs("half a report", out);
    return -1;
}

static int die(FILE *out, void *context) {
    (void)out, (void)context;
    raise(SIGKILL);
    return 0;
}

static void test_a_failure_or_a_signal_is_a_reason_and_no_output(void **state) {
    (void)state;
    char *bytes = (char *)1, err[256];
    size_t size = 1;
    assert_int_equal(lm_child_run(fail_halfway, NULL, NULL, &bytes, &size, err, sizeof err), -1);
    assert_string_equal(err, "the process failed (exit status 1)");
    assert_null(bytes);
    assert_int_equal(size, 0);
    assert_int_equal(lm_child_run(die, NULL, NULL, &bytes, &size, err, sizeof err), -1);
    assert_non_null(strstr(err, "killed by signal 9"));
    assert_null(bytes);
}

/* Waits (up to 20 s) for a stop, then says whether one came. */
static int wait_for_stop(FILE *out, void *context) {
    (void)context;
    const time_t give_up = time(NULL) + 20;
    while (!lm_child_stop_requested() && time(NULL) < give_up) usleep(1000);
    fputs(lm_child_stop_requested() ? "stopped" : "never stopped", out);
    return 0;
}

static void test_a_stop_in_the_parent_reaches_the_child(void **state) {
    (void)state;
    static volatile sig_atomic_t stop = SIGINT; /* set before the child can catch it: it must not die of it */
    char *bytes, err[256];
    size_t size;
    if (lm_child_run(wait_for_stop, NULL, &stop, &bytes, &size, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(size, strlen("stopped"));
    assert_memory_equal(bytes, "stopped", size);
    free(bytes);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_arrives_whole_from_another_process),
        cmocka_unit_test(test_a_failure_or_a_signal_is_a_reason_and_no_output),
        cmocka_unit_test(test_a_stop_in_the_parent_reaches_the_child),
    };
    return cmocka_run_group_tests_name("child_process", tests, NULL, NULL);
}
