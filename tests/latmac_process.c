/* Running the `latmac` binary from a test (see latmac_process.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/latmac_process.h"

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

/* Starts latmac with `args`, stdout to `stdout_path` or `out`, stderr to `err`. SIGINT and SIGTERM start
 * at their defaults, whatever the test inherited (a background job ignores SIGINT). */
static pid_t spawn_latmac(const char *stdout_path, const char *const *args, FILE *out, FILE *err) {
    const char *latmac = getenv("LATMAC");
    assert_non_null(latmac);
    char *argv[32] = {(char *)latmac};
    for (int i = 0; args[i]; i++) argv[i + 1] = (char *)args[i];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdout_path) posix_spawn_file_actions_addopen(&fa, 1, stdout_path, O_WRONLY, 0);
    else posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    posix_spawnattr_t attr;
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, latmac, &fa, &attr, argv, environ), 0);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static outcome collect(pid_t pid, FILE *out, FILE *err) {
    int wstatus;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    if (!WIFEXITED(wstatus)) fail_msg("latmac did not exit: killed by signal %d", WTERMSIG(wstatus));
    return (outcome){WEXITSTATUS(wstatus), slurp(out), slurp(err)};
}

outcome run_latmac(const char *stdout_path, const char *const *args) {
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    return collect(spawn_latmac(stdout_path, args, out, err), out, err);
}

outcome run_latmac_signalled(const char *const *args, double delay, int signo) {
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    const pid_t pid = spawn_latmac(NULL, args, out, err);
    const struct timespec wait = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
    nanosleep(&wait, NULL);
    assert_int_equal(kill(pid, signo), 0); /* still ours even if it has exited: not reaped yet */
    return collect(pid, out, err);
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
