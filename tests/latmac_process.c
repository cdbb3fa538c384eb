/* Running the `latmac` binary from a test (see latmac_process.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "latmac_process.h"

extern char **environ;

char *slurp(FILE *f) {
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    rewind(f);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

outcome run_latmac(const char *stdout_path, const char *const *args) {
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

void outcome_free(outcome *o) {
    free(o->out);
    free(o->err);
}

void assert_usage_error(outcome o, const char *message) {
    if (o.status != 2) fail_msg("exit %d, stderr: %s", o.status, o.err);
    assert_string_equal(o.out, "");
    if (!strstr(o.err, message)) fail_msg("expected '%s' in: %s", message, o.err);
    assert_non_null(strstr(o.err, " --help')"));
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1); /* exactly one line */
    outcome_free(&o);
}
