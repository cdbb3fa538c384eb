"""`latmac predict` end to end: a calibration at one thread count writes the models' file and its
table; predictions for zoo networks and an ONNX model, whole and per step (the steps add up to the
network), beside a real run's measurements with the agreement per thread count; and what is refused
with exit 2 and one line: no calibration, a file from another host, a malformed file, a thread count
or cap not calibrated, options that do not go together, an unknown network."""
import json
import os
import shutil
import sys
import tempfile

import tap
from latmac_cli import latmac

TMP = tempfile.mkdtemp(prefix="latmac-predict-")
MODELS = os.path.join(TMP, "latmac", "step_models.json")  # where XDG_CACHE_HOME=TMP puts them
NETS = "shufflenet_v2_x0_5,mobilenet_v3_small"


def refused(args, expected):
    r = latmac("predict", *args)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert len(r.stderr.splitlines()) == 1 and expected in r.stderr, (args, expected, r.stderr)


@tap.check("--calibrate at 1 thread (one round) writes the models (every class fitted) and prints its table")
def calibrate():
    r = latmac("predict", "--calibrate", "--threads", "1", "--rounds", "1", "--calibration", MODELS)
    assert r.returncode == 0, r.stderr
    assert "models saved to " + MODELS in r.stdout, r.stdout
    doc = json.load(open(MODELS))
    (model,) = doc["models"]
    assert model["threads"] == 1 and model["near_limit"] > 0, model
    for name in ["conv_pointwise", "conv_depthwise", "conv_grouped", "conv_dense", "fc", "elementwise", "data",
                 "pool", "resize"]:
        assert model["classes"][name]["samples"] >= 5, (name, model["classes"].get(name))
    assert any(k["kernel"].startswith("lm_f32_pwconv") for k in model["kernels"]), model["kernels"]


@tap.check("zoo networks are predicted whole and per step, and the steps add up to the network")
def predict_networks():
    r = latmac("predict", "--calibration", MODELS, "--nets", NETS, "--threads", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {row["network"]: row for row in json.loads(r.stdout)}
    assert set(rows) == set(NETS.split(",")), rows
    assert all(row["predicted_ms"] > 0 and row["steps"] > 10 for row in rows.values()), rows
    r = latmac("predict", "--calibration", MODELS, "--nets", NETS, "--threads", "1", "--per-step", "--format", "json")
    steps = json.loads(r.stdout)
    for name, row in rows.items():
        mine = [s for s in steps if s["network"] == name]
        assert len(mine) == row["steps"], (name, len(mine))
        assert abs(sum(s["predicted_ms"] for s in mine) / row["predicted_ms"] - 1) < 1e-9, name
    r = latmac("predict", "--calibration", MODELS, "--nets", "mobilenet_v3_small", "--threads", "1", "--batch", "2")
    assert r.returncode == 0 and "mobilenet_v3_small" in r.stdout, r.stderr


@tap.check("a run on a calibrated host predicts its networks; --against puts its medians beside the predictions")
def against_a_run():
    out = os.path.join(TMP, "run")
    os.environ["XDG_CACHE_HOME"] = TMP  # the run finds the calibration and predicts its networks too
    try:
        r = latmac("run", "--suite", "nets", "--nets", NETS, "--threads", "1", "--repetitions", "3", "--min-time",
                   "0.01", "--no-roofline", "--out", out)
    finally:
        del os.environ["XDG_CACHE_HOME"]
    assert r.returncode == 0, r.stderr
    assert "predicted ms  predicted/median" in r.stdout, r.stdout
    assert "predicted against measured, " in r.stdout and " of 2 networks within 10%" in r.stdout, r.stdout
    benchmarks = json.load(open(os.path.join(out, "results.json")))["benchmarks"]
    assert all(b["predicted_seconds"] > 0 for b in benchmarks if b.get("aggregate_name") == "median"), benchmarks
    r = latmac("predict", "--calibration", MODELS, "--nets", NETS, "--threads", "1", "--against",
               os.path.join(out, "results.json"), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    for row in doc["networks"]:
        assert row["measured_ms"] > 0, row
        assert abs(row["predicted_over_measured"] - row["predicted_ms"] / row["measured_ms"]) < 1e-9, row
    (agreement,) = doc["agreement"]
    assert agreement["networks"] == 2 and 0 <= agreement["within_10_percent"] <= 1 and agreement["mape"] >= 0, agreement
    assert agreement["rmspe"] >= agreement["mape"], agreement
    r = latmac("predict", "--calibration", MODELS, "--nets", NETS, "--threads", "1", "--against",
               os.path.join(out, "results.json"))
    assert "within 10%" in r.stdout and "MAPE" in r.stdout, r.stdout


@tap.check("no calibration, another host's, a malformed one, an uncalibrated thread count, bad options: exit 2")
def refusals():
    refused(["--calibration", os.path.join(TMP, "none.json")], "calibrate with 'latmac predict --calibrate'")
    doc = json.load(open(MODELS))
    doc["host"] = "another CPU"
    other = os.path.join(TMP, "other.json")
    json.dump(doc, open(other, "w"))
    refused(["--calibration", other], "was calibrated on another host (another CPU)")
    bad = os.path.join(TMP, "bad.json")
    open(bad, "w").write('{"latmac_step_models": 1, "host": ')
    refused(["--calibration", bad], "bad.json")
    if (os.cpu_count() or 1) >= 2:
        refused(["--calibration", MODELS, "--threads", "2", "--nets", NETS], "holds no model of")
    refused(["--calibrate", "--nets", NETS], "--calibrate takes only")
    refused(["--rounds", "2", "--calibration", MODELS], "--rounds applies to --calibrate")
    refused(["--calibrate", "--rounds", "0"], "--rounds: '0'")
    refused(["--calibration", MODELS, "--nets", "nonet", "--threads", "1"], "unknown network 'nonet'")
    refused(["--calibration", MODELS, "--format", "xml"], "unknown format 'xml'")
    refused(["--calibration", MODELS, "--model", os.path.join(TMP, "missing.onnx"), "--threads", "1"], "missing.onnx")


if __name__ == "__main__":
    sys.exit(tap.run(cleanup=lambda: shutil.rmtree(TMP, ignore_errors=True)))
