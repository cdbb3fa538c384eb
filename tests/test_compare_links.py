"""The compare engine stands alone: tests/test_compare links reports/liblm_compare.a and only what that
is built on (bench/stats, the JSON reader, lm_error, time units, jansson, libm), never Google Benchmark,
hwloc, libcpuid, the peers or the rest of latmac. Fails when such a dependency creeps back, in the build
files (the link line) or in the code (the symbols).

Usage: test_compare_links.py BUILD_ROOT TEST_COMPARE COMPARE_LIB [ALLOWED_LIB ...]
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

import tap

BUILD_ROOT, BINARY, COMPARE_LIB, *BUILT_ON = sys.argv[1:]
ALLOWED_ARCHIVES = {os.path.basename(p) for p in [COMPARE_LIB, *BUILT_ON]}
ALLOWED_SYSTEM = {"cmocka", "jansson", "m"}  # cmocka: the test's own framework
# Libraries and symbols that must never reach the compare engine: the C++ shim's Google Benchmark, the
# host probe's hwloc and libcpuid, the peers and their runtimes, and latmac's layers that use them.
FORBIDDEN_LIBRARY = re.compile(r"benchmark|hwloc|cpuid|dnnl|xnnpack|pthreadpool|gomp|stdc\+\+", re.I)
FORBIDDEN_SYMBOL = re.compile(
    r"^(_ZN9benchmark|benchmark_|hwloc_|cpuid_|cpu_identify|dnnl_|xnn_|pthreadpool_|GOMP_|omp_"
    r"|lm_gb_|lm_host|lm_isa|lm_peer|lm_result_|lm_results_|lm_verdict|lm_guideline|lm_runner|lm_plan|lm_op_"
    r"|lm_kernel)")


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def tool(*names):
    for name in names:
        if path := shutil.which(name):
            return path
    raise tap.Skip(f"{' or '.join(names)} is not installed")


def system_library(token):
    """The name of a system library on a link line ("-ljansson", "/usr/lib/.../libjansson.so.4"), or None."""
    if token.startswith("-l"):
        return token[2:]
    m = re.match(r"lib(.+?)\.(so(\.\d+)*|a)$", os.path.basename(token))
    return m.group(1) if m and os.path.isabs(token) else None


def link_breaches(command):
    """What a link command gives the linker beyond the compare library's own, one line each."""
    found = []
    for token in shlex.split(command):
        if token.endswith(".a") and not os.path.isabs(token):
            if os.path.basename(token) not in ALLOWED_ARCHIVES:
                found.append(f"latmac library {token}")
        elif (name := system_library(token)) is not None:
            if FORBIDDEN_LIBRARY.search(name) or name not in ALLOWED_SYSTEM:
                found.append(f"system library {token}")
    return found


def symbols(path, *options):
    """The symbol names `nm` lists for path (an archive's member headers left out)."""
    lines = run(tool("nm"), "-P", *options, path).splitlines()
    return {line.split()[0] for line in lines if line and not line.endswith(":") and not line.endswith("]:")}


@tap.check("test_compare's link line holds the compare library, what it is built on, jansson and libm only")
def link_line():
    ninja = tool("ninja", "ninja-build")
    target = os.path.relpath(BINARY, BUILD_ROOT)
    command = run(ninja, "-C", BUILD_ROOT, "-t", "commands", target).strip().splitlines()[-1]
    assert target in command, f"not the link of {target}: {command}"
    found = link_breaches(command)
    assert not found, "\n".join(found)


@tap.check("test_compare holds no symbol of Google Benchmark, hwloc, libcpuid, the peers or latmac's host, "
           "runner, results and kernels, and needs none of their shared libraries")
def binary_symbols():
    found = sorted(s for s in symbols(BINARY) if FORBIDDEN_SYMBOL.match(s))
    assert not found, "symbols: " + " ".join(found)
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", run(tool("readelf"), "-d", BINARY))
    assert needed, "readelf found no NEEDED entry: not a dynamic executable?"
    found = [n for n in needed if FORBIDDEN_LIBRARY.search(n)]
    assert not found, "shared libraries: " + " ".join(found)


@tap.check("every latmac function the compare library calls is defined in a library it is built on")
def compare_library_calls():
    undefined = symbols(COMPARE_LIB, "-u")
    defined = set().union(*(symbols(lib, "--defined-only") for lib in [COMPARE_LIB, *BUILT_ON]))
    missing = sorted(s for s in undefined if s.startswith("lm_") and s not in defined)
    assert not missing, "from elsewhere in latmac: " + " ".join(missing)
    forbidden = sorted(s for s in undefined if FORBIDDEN_SYMBOL.match(s))
    assert not forbidden, "forbidden: " + " ".join(forbidden)


@tap.check("a link line with hwloc, Google Benchmark and the result records is refused")
def planted_link_line():
    command = ("cc -o tests/test_compare tests/test_compare.p/test_compare.c.o -Wl,--start-group "
               "reports/liblm_compare.a bench/liblm_stats.a bench/liblm_results.a "
               "/usr/lib/x86_64-linux-gnu/libhwloc.so -lbenchmark -ljansson -lm -Wl,--end-group")
    assert link_breaches(command) == [
        "latmac library bench/liblm_results.a", "system library /usr/lib/x86_64-linux-gnu/libhwloc.so",
        "system library -lbenchmark"], link_breaches(command)
    assert FORBIDDEN_SYMBOL.match("hwloc_topology_init") and FORBIDDEN_SYMBOL.match("lm_result_seconds")
    assert not FORBIDDEN_SYMBOL.match("lm_bench_set_read") and not FORBIDDEN_SYMBOL.match("lm_median")


sys.exit(tap.run())
