#!/usr/bin/python3
"""results.json keeps Google Benchmark's layout, proven with Google Benchmark's own tool: Debian's
/usr/share/benchmark/compare.py (libbenchmark-tools, with python3-scipy) compares two tiny real
`latmac run --suite kernels` runs, exits 0 and lists every case name of the files, each repeated
case with its Mann-Whitney U test line (3 repetitions: compare.py tests from 2); its `filters` mode
compares two latmac cases of one file by name pattern.

Run it with /usr/bin/python3 (Debian's python, which has scipy); LATMAC names the binary.
Speaks TAP, so each check counts."""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import tap

COMPARE = "/usr/share/benchmark/compare.py"
CASES = ("dw3x3s1_116_14", "add_116_28", "shuffle_g2_116_28")
RUN = ["run", "--suite", "kernels", "--filter", f"^kernels/({'|'.join(CASES)})/latmac/", "--threads", "1,2",
       "--repetitions", "3", "--min-time", "0.002"]
state = {}


def compare(args):
    r = subprocess.run([sys.executable, COMPARE, "--no-color"] + args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"compare.py {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[-2000:]}"
    return r.stdout


def rows(output):
    """compare.py's table as {first column: [the rest of each line]}; columns are 2+ spaces apart."""
    table = {}
    for line in output.splitlines():
        name, *rest = re.split(r"\s{2,}", line.strip(), maxsplit=1)
        table.setdefault(name, []).append(" ".join(rest))
    return table


@tap.check("compare.py and its modules (scipy, numpy) are installed")
def _():
    missing = [] if os.path.isfile(COMPARE) else [f"{COMPARE} (libbenchmark-tools)"]
    missing += [f"python3-{m} (for {sys.executable})" for m in ("scipy", "numpy")
                if not importlib.util.find_spec(m)]
    assert not missing, f"missing {', '.join(missing)}: run tools/setup.sh test"


@tap.check("two tiny latmac runs write results.json")
def _():
    exe = os.environ.get("LATMAC")
    assert exe, "set LATMAC to the latmac binary (meson test does)"
    tmp = state["tmp"] = tempfile.mkdtemp(prefix="latmac-gbench-")
    for run in ("a", "b"):
        out = os.path.join(tmp, run)  # a fresh folder: latmac refuses a non-empty one
        r = subprocess.run([exe] + RUN + ["--out", out], capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"latmac exited {r.returncode}: {r.stderr.strip()[-2000:]}"
        state[run] = os.path.join(out, "results.json")
        with open(state[run]) as f:
            state.setdefault("names", set()).update(b["name"] for b in json.load(f)["benchmarks"])
    seen = {c for c in CASES if any(f"kernels/{c}/" in n for n in state["names"])}
    assert seen == set(CASES), f"cases missing from results.json: {set(CASES) - seen}"


@tap.check("compare.py benchmarks A B exits 0 and lists every case name of the files")
def _():
    assert "a" in state, "the runs failed"
    out = state["benchmarks"] = compare(["benchmarks", state["a"], state["b"]])
    missing = state["names"] - set(rows(out))
    assert not missing, f"not in compare.py's output: {sorted(missing)}\n{out}"


@tap.check("compare.py gives each repeated case a U test line (3 vs 3 repetitions)")
def _():
    assert "benchmarks" in state, "compare.py failed"
    table = rows(state["benchmarks"])
    repeated = {n for n in state["names"] if not re.search(r"_(mean|median|stddev|cv|min|max)$", n)}
    for name in repeated:
        lines = table.get(name + "_pvalue")
        assert lines, f"no U test line for {name}\n{state['benchmarks']}"
        time_p, cpu_p = (float(x) for x in lines[0].split()[:2])
        assert 0 <= time_p <= 1 and 0 <= cpu_p <= 1, lines[0]
        assert "Repetitions: 3 vs 3" in lines[0], lines[0]


@tap.check("compare.py filters mode compares two latmac cases of one file by name pattern")
def _():
    assert "a" in state, "the runs failed"
    base, other = f"kernels/{CASES[0]}/", f"kernels/{CASES[1]}/"
    out = compare(["filters", state["a"], base, other])
    table = rows(out)
    for suffix in ("latmac/threads:1", "latmac/threads:1_pvalue", "latmac/threads:2_median"):
        name = f"[{base} vs. {other}]{suffix}"
        assert name in table, f"no {name} in\n{out}"


def cleanup():
    if "tmp" in state:
        shutil.rmtree(state["tmp"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(tap.run(cleanup))
