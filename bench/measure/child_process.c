/* Work done in a child process (see child_process.h). */
#include "bench/measure/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels/error.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int signo) {
    (void)signo;
    stop_requested = 1;
}

bool lm_child_stop_requested(void) { return stop_requested; }

/* A signal whoever started the process ignores (nohup, a background job) stays ignored. */
static void catch_stop(int signo) {
    struct sigaction old, sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    if (sigaction(signo, NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(signo, &sa, NULL);
}

static _Noreturn void be_the_child(int fd, pid_t parent, const sigset_t *mask, lm_child_work work, void *context) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1); /* the parent died before the line above */
    catch_stop(SIGINT);
    catch_stop(SIGTERM);
    sigprocmask(SIG_SETMASK, mask, NULL); /* a stop sent before this point arrives now, and is caught */
    FILE *out = fdopen(fd, "w");
    int status = out && work(out, context) == 0 ? 0 : 1;
    if (out && fclose(out) != 0) status = 1;
    fflush(NULL); /* what the work printed (notes, progress) */
    _exit(status); /* no atexit handlers: they belong to the parent */
}

/* Reads the child's output until it closes its end, sending SIGTERM once *stop is set. Returns 0, or
 * an errno value. */
static int read_all(int fd, pid_t pid, const volatile sig_atomic_t *stop, char **buf, size_t *used) {
    size_t capacity = 0;
    bool forwarded = false;
    for (;;) {
        if (stop && *stop && !forwarded) {
            kill(pid, SIGTERM);
            forwarded = true;
        }
        /* poll, unlike read, returns on a signal even under SA_RESTART: *stop is checked again */
        struct pollfd p = {.fd = fd, .events = POLLIN};
        const int ready = poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) return errno;
        if (ready <= 0) continue;
        if (capacity - *used < 65536) {
            const size_t grown = 2 * capacity + 65536;
            char *bigger = realloc(*buf, grown);
            if (!bigger) return ENOMEM;
            *buf = bigger, capacity = grown;
        }
        const ssize_t n = read(fd, *buf + *used, capacity - *used);
        if (n < 0 && errno != EINTR) return errno;
        if (n == 0) return 0;
        if (n > 0) *used += (size_t)n;
    }
}

int lm_child_run(lm_child_work work, void *context, const volatile sig_atomic_t *stop, char **bytes, size_t *size,
                 char *err, size_t err_size) {
    *bytes = NULL, *size = 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return lm_error(err, err_size, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL); /* else the child would write the parent's buffered output a second time */
    /* Stop signals wait until the child has its handlers: one forwarded at once must not kill it. */
    sigset_t stops, mask;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigprocmask(SIG_BLOCK, &stops, &mask);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid != 0) sigprocmask(SIG_SETMASK, &mask, NULL);
    if (pid < 0) {
        const int e = errno;
        close(fds[0]), close(fds[1]);
        return lm_error(err, err_size, "cannot start a process: %s", strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        be_the_child(fds[1], parent, &mask, work, context);
    }
    close(fds[1]);
    char *buf = NULL;
    size_t used = 0;
    const int read_error = read_all(fds[0], pid, stop, &buf, &used);
    close(fds[0]); /* a child still writing gets SIGPIPE */
    int wstatus = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &wstatus, 0)) < 0 && errno == EINTR) {}
    if (read_error || waited != pid || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        free(buf);
        if (read_error) return lm_error(err, err_size, "reading the process's output failed: %s", strerror(read_error));
        if (waited != pid) return lm_error(err, err_size, "cannot wait for the process: %s", strerror(errno));
        if (WIFSIGNALED(wstatus))
            return lm_error(err, err_size, "the process was killed by signal %d (%s)", WTERMSIG(wstatus),
                            strsignal(WTERMSIG(wstatus)));
        return lm_error(err, err_size, "the process failed (exit status %d)", WEXITSTATUS(wstatus));
    }
    *bytes = buf ? buf : malloc(1);
    *size = used;
    return *bytes ? 0 : lm_error(err, err_size, "out of memory");
}
