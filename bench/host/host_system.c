/* Clock, governor, memory, load, operating system and build facts, from the kernel and the build. */
#include "bench/host/host_internal.h"
#include "lm_build_info.h"

#include <libcpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#define CPUFREQ "/sys/devices/system/cpu/cpu0/cpufreq/"

/* Reads the first line of a small file into buf (newline removed); false when it cannot. */
static bool read_line(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    bool ok = fgets(buf, (int)n, f) != NULL;
    fclose(f);
    if (ok) buf[strcspn(buf, "\n")] = '\0';
    return ok;
}

/* A cpufreq value in kHz, as MHz; negative when absent. */
static double cpufreq_mhz(const char *file) {
    char buf[64];
    if (!read_line(file, buf, sizeof buf)) return -1.0;
    char *end;
    double khz = strtod(buf, &end);
    return end != buf && khz > 0 ? khz / 1000.0 : -1.0;
}

static void probe_clock(lm_host *host) {
    char buf[32] = "";
    lm_host_copy_field(host->governor, sizeof host->governor, read_line(CPUFREQ "scaling_governor", buf, sizeof buf) ? buf : NULL);
    host->mhz_max = cpufreq_mhz(CPUFREQ "cpuinfo_max_freq");
    host->mhz_current = cpufreq_mhz(CPUFREQ "scaling_cur_freq");
    if (host->mhz_current < 0) { /* no cpufreq (typical in VMs): the OS's own figure, /proc/cpuinfo */
        int mhz = cpu_clock_by_os();
        host->mhz_current = mhz > 0 ? mhz : -1.0;
    }
}

static void probe_os(lm_host *host) {
    lm_host_copy_field(host->os_name, sizeof host->os_name, NULL);
    FILE *f = fopen("/etc/os-release", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "PRETTY_NAME=", 12) != 0) continue;
            char *v = line + 12;
            v[strcspn(v, "\n")] = '\0';
            size_t len = strlen(v);
            if (len >= 2 && v[0] == '"' && v[len - 1] == '"') { v[len - 1] = '\0'; v++; }
            lm_host_copy_field(host->os_name, sizeof host->os_name, v);
        }
        fclose(f);
    }

    struct utsname u;
    char kernel[3 * sizeof u.release + 3] = "";
    if (uname(&u) == 0) snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
    lm_host_copy_field(host->kernel, sizeof host->kernel, kernel);

    char name[256] = "";
    if (gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
    lm_host_copy_field(host->host_name, sizeof host->host_name, name);
}

static void probe_memory_and_load(lm_host *host) {
    /* The kernel's total, not the sum of NUMA nodes: some VMs hot-plug memory outside node 0's count. */
    struct sysinfo si;
    if (sysinfo(&si) == 0) host->memory_bytes = (uint64_t)si.totalram * si.mem_unit;
    double load[3];
    const int n = getloadavg(load, 3);
    for (int i = 0; i < 3; i++) host->load_average[i] = i < n ? load[i] : -1.0;
}

void lm_host_probe_system(lm_host *host) {
    probe_clock(host);
    probe_memory_and_load(host);
    probe_os(host);
    host->latmac_version = LM_VERSION;
    host->compiler = LM_BUILD_C_COMPILER;
    host->build_type = LM_BUILD_TYPE;
    host->build_flags = LM_BUILD_FLAGS;
    host->benchmark_version = LM_BUILD_BENCHMARK_VERSION;
}
