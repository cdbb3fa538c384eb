#!/usr/bin/env python3
"""tools/compare_pytorch.py without timing anything: it skips cleanly (exit 0, one line) when PyTorch
cannot be imported, rejects bad arguments with exit 2, and reads latmac's results.json correctly
(whole-network medians in any time unit, per-layer rows and other suites ignored; a missing network or
a failed case is exit 1). Speaks TAP, so each check counts."""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import tap

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "tools", "compare_pytorch.py")


def run_script(args, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, SCRIPT] + args, capture_output=True, text=True, env=env, timeout=120)


def load_module():
    spec = importlib.util.spec_from_file_location("compare_pytorch", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tap.check("skips with exit 0 and one line when torch cannot be imported")
def _():
    with tempfile.TemporaryDirectory() as shadow:
        os.makedirs(os.path.join(shadow, "torch"))
        with open(os.path.join(shadow, "torch", "__init__.py"), "w") as f:
            f.write("raise ImportError('hidden by the test')\n")
        r = run_script(["--threads", "1"], {"PYTHONPATH": shadow})
    assert r.returncode == 0, r
    assert r.stdout == "", r.stdout
    assert r.stderr.startswith("compare_pytorch: skipped: PyTorch"), r.stderr
    assert r.stderr.count("\n") == 1, r.stderr


@tap.check("bad arguments exit 2")
def _():
    for args in (["--threads", "0"], ["--nets", "resnet50"], ["--input", "224"], ["--repetitions", "x"]):
        r = run_script(args)
        assert r.returncode == 2, (args, r)
        assert "error" in r.stderr, r.stderr


def write_results(path, benchmarks):
    with open(path, "w") as f:
        json.dump({"context": {"latmac": {"thread_counts": [{"threads": 1, "placement": [0]}]}},
                   "benchmarks": benchmarks}, f)


def median(network, value, unit, threads=1, **extra):
    b = {"name": f"nets/{network}@1x224x224/latmac/threads:{threads}_median", "aggregate_name": "median",
         "suite": "nets", "backend": "latmac", "network": network, "threads": threads, "real_time": value,
         "time_unit": unit, "params": 42}
    b.update(extra)
    return b


@tap.check("reads whole-network medians of results.json in any time unit")
def _():
    m = load_module()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "results.json")
        write_results(path, [
            median("mobilenet_v2", 7000.0, "us"),
            median("mobilenet_v2", 1.0, "ms", threads=2),  # another thread count
            median("shufflenet_v2_x1_0", 0.004, "s"),
            dict(median("shufflenet_v2_x1_0", 1.0, "us"), layer="conv1.0", layer_index=0),  # a layer
            dict(median("mobilenet_v2", 1.0, "us"), suite="kernels"),
        ])
        times, placement = m.read_latmac(path, ["mobilenet_v2", "shufflenet_v2_x1_0"], 1)
    assert times == {"mobilenet_v2": (7.0, 42), "shufflenet_v2_x1_0": (4.0, 42)}, times
    assert placement == [0], placement


@tap.check("a missing network, a failed case or an unreadable file is exit 1")
def _():
    m = load_module()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "results.json")
        cases = ([median("mobilenet_v2", 1.0, "ms")],
                 [median("mobilenet_v2", 1.0, "ms"), median("mobilenet_v3_small", 1.0, "ms", error_occurred=True)])
        for benchmarks in cases:
            write_results(path, benchmarks)
            try:
                m.read_latmac(path, ["mobilenet_v2", "mobilenet_v3_small"], 1)
            except SystemExit as e:
                assert e.code == 1
            else:
                raise AssertionError("no exit")
        with open(path, "w") as f:
            f.write('{"benchmarks": [')
        try:
            m.read_latmac(path, ["mobilenet_v2"], 1)
        except SystemExit as e:
            assert e.code == 1
        else:
            raise AssertionError("no exit")


if __name__ == "__main__":
    sys.exit(tap.run())
