/* Writing a file so that readers see the old version or the new one, never a part (see results.h). */
#include "reports/results.h"

#include "kernels/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lm_make_directory(const char *dir, char *err, size_t err_size) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path || !path[0])
        return lm_error(err, err_size, "bad directory name '%s'", dir);
    /* Each parent in turn, then the directory itself. */
    for (char *p = path + 1;; p++) {
        const bool end = *p == '\0';
        if (*p != '/' && !end) continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return lm_error(err, err_size, "cannot create %s: %s", path, strerror(errno));
        if (end) break;
        *p = '/';
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return lm_error(err, err_size, "%s is not a directory", dir);
    return 0;
}

/* Flushes the directory entry of a rename to disk; some file systems refuse, which costs nothing. */
static void sync_directory(const char *dir) {
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

int lm_atomic_file_write(lm_atomic_file *f, const char *dir, const char *name, lm_file_writer write,
                         const void *context, char *err, size_t err_size) {
    memset(f, 0, sizeof *f);
    if (snprintf(f->dir, sizeof f->dir, "%s", dir) >= (int)sizeof f->dir ||
        snprintf(f->path, sizeof f->path, "%s/%s", dir, name) >= (int)sizeof f->path ||
        snprintf(f->temp, sizeof f->temp, "%s/%s.tmp", dir, name) >= (int)sizeof f->temp)
        return lm_error(err, err_size, "path too long: %s/%s", dir, name);
    /* O_EXCL is not used: a .tmp left by a killed run is ours to replace. O_NOFOLLOW: never write
     * through a link someone planted. */
    const int fd = open(f->temp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) return lm_error(err, err_size, "cannot create %s: %s", f->temp, strerror(errno));
    FILE *out = fdopen(fd, "w");
    if (!out) {
        const int e = errno;
        close(fd);
        unlink(f->temp);
        return lm_error(err, err_size, "cannot write %s: %s", f->temp, strerror(e));
    }
    errno = 0;
    int failed = write(out, context) != 0 || fflush(out) != 0 || ferror(out);
    int e = errno ? errno : EIO;
    if (!failed && fsync(fd) != 0) failed = 1, e = errno;
    if (fclose(out) != 0 && !failed) failed = 1, e = errno;
    if (failed) {
        unlink(f->temp);
        return lm_error(err, err_size, "writing %s failed: %s", f->path, strerror(e));
    }
    f->written = true;
    return 0;
}

int lm_atomic_file_commit(lm_atomic_file *f, char *err, size_t err_size) {
    if (!f->written) return lm_error(err, err_size, "nothing was written for %s", f->path);
    if (rename(f->temp, f->path) != 0) {
        const int e = errno;
        lm_atomic_file_discard(f);
        return lm_error(err, err_size, "cannot replace %s: %s", f->path, strerror(e));
    }
    f->written = false;
    sync_directory(f->dir);
    return 0;
}

void lm_atomic_file_discard(lm_atomic_file *f) {
    if (f->written) unlink(f->temp);
    f->written = false;
}

int lm_write_file_atomically(const char *dir, const char *name, lm_file_writer write, const void *context, char *err,
                             size_t err_size) {
    lm_atomic_file f;
    if (lm_atomic_file_write(&f, dir, name, write, context, err, err_size) != 0) return -1;
    return lm_atomic_file_commit(&f, err, err_size);
}

int lm_write_path_atomically(const char *path, lm_file_writer write, const void *context, char *err, size_t err_size) {
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path) >= (int)sizeof dir)
        return lm_error(err, err_size, "path too long: %s", path);
    return lm_write_file_atomically(dir, slash ? slash + 1 : path, write, context, err, err_size);
}
