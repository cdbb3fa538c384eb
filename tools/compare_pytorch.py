#!/usr/bin/python3
"""Time torchvision's versions of latmac's networks and print latmac/PyTorch ratios side by side.

For each thread count in turn, `latmac run --suite nets` times every net first, then PyTorch times
the same nets on the same cores (the two alternate per thread count, so slow drift of the machine
hits both sides alike). PyTorch is timed the way latmac times a network: batch 1, a warm-up as long
as --min-time, then --repetitions repetitions, each running the model again and again for at least
--min-time seconds and recording the mean time of one inference; the median is quoted.

Each model (random weights, BatchNorm statistics taken from the input so that values keep their
scale, eval mode, torch.inference_mode, denormals flushed like latmac) is compiled by TorchScript
and timed in two inference forms, torch.jit.freeze + optimize_for_inference and
optimize_for_mobile; the faster one is reported. A form whose output differs from the eager
model's is rejected (torch 1.13's optimize_for_inference gets hardswish and hardsigmoid wrong when
the channel count is not a multiple of 16, as in every MobileNetV3); plain torch.jit.freeze is the
last resort when both are rejected. The process is pinned to latmac's placement for that thread
count (one hardware thread per physical core first) and torch.set_num_threads is set to it.

OMP_WAIT_POLICY is PASSIVE unless set otherwise: with more than one thread, optimize_for_mobile
runs XNNPACK's convolutions on its own worker threads and the ops between them on OpenMP's, and
OpenMP workers spinning after each op take the cores XNNPACK's need (many times slower on two
cores). The policy in effect is printed with the results. Debian's torch computes Linear layers
outside XNNPACK with the BLAS that update-alternatives selects for libblas.so.3: the reference
BLAS unless OpenBLAS (libopenblas0) is installed.

PyTorch is optional: when torch or torchvision cannot be imported (Debian: apt-get install
python3-torch python3-torchvision, for /usr/bin/python3) the script says so and exits 0.
Exit status: 0 success or skipped, 1 latmac failed or its results lack a net, 2 bad arguments.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when torch loads libgomp
try:
    import torch
    import torchvision
    from torch.utils.mobile_optimizer import optimize_for_mobile
except ImportError:
    torch = None

# Every network of latmac's zoo that torchvision can build with the same structure: its own
# builders, MobileNetV2's width_mult argument, and MobileNetV3 at 0.75 through the configuration
# function torchvision's builders use (latmac's counts equal torchvision's for each of them).
NETS = ("shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
        "mobilenet_v2_x0_35", "mobilenet_v2_x0_5", "mobilenet_v2_x0_75", "mobilenet_v2", "mobilenet_v2_x1_4",
        "mobilenet_v3_large_x0_75", "mobilenet_v3_large", "mobilenet_v3_small_x0_75", "mobilenet_v3_small",
        "lraspp_mobilenet_v3_large")
WIDTH = re.compile(r"^(mobilenet_v2|mobilenet_v3_large|mobilenet_v3_small)_x(\d)_(\d+)$")
FREEZE, MOBILE, FROZEN = "freeze+optimize_for_inference", "optimize_for_mobile", "freeze"
UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}  # Google Benchmark's time units, in ms
ALL_CPUS = sorted(os.sched_getaffinity(0))  # the CPUs this process was started on


def fail(message):
    print(f"compare_pytorch: {message}", file=sys.stderr)
    sys.exit(1)


def note(message):
    print(f"compare_pytorch: {message}", file=sys.stderr, flush=True)


# ---- command line ----

def thread_list(text):
    try:
        counts = [int(t) for t in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a comma-separated list of thread counts >= 1")
    return counts


def net_list(text):
    nets = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in nets if n not in NETS]
    if not nets or unknown:
        raise argparse.ArgumentTypeError(f"unknown net(s) {', '.join(unknown) or repr(text)}; "
                                         f"known: {', '.join(NETS)}")
    return nets


def input_size(text):
    m = re.fullmatch(r"([1-9]\d*)x([1-9]\d*)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not HxW (e.g. 224x224)")
    return int(m.group(1)), int(m.group(2))


def positive(kind):
    def check(text):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number above 0")
        return value
    return check


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="compare_pytorch.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--latmac", default="build/latmac", metavar="PATH",
                   help="latmac binary (default build/latmac)")
    p.add_argument("--threads", type=thread_list, default=[1, 2], metavar="LIST",
                   help="comma-separated thread counts (default 1,2)")
    p.add_argument("--nets", type=net_list, default=list(NETS), metavar="LIST",
                   help="comma-separated nets (default: all of " + ", ".join(NETS) + ")")
    p.add_argument("--repetitions", type=positive(int), default=9, metavar="N",
                   help="repetitions (default 9)")
    p.add_argument("--min-time", type=positive(float), default=0.05, metavar="S",
                   help="seconds per repetition and of the warm-up (default 0.05)")
    p.add_argument("--input", type=input_size, default=(224, 224), metavar="HxW",
                   help="input size (default 224x224)")
    p.add_argument("--out", metavar="DIR", help="where latmac writes, DIR/threads-N/results.json per thread "
                   "count (default: a temporary directory, removed afterwards)")
    p.add_argument("--format", choices=("text", "markdown"), default="text",
                   help="table format (default text)")
    p.add_argument("--pytorch-only", action="store_true",
                   help="time PyTorch only (no latmac run; the latmac columns stay empty)")
    return p.parse_args(argv)


# ---- CPU placement ----

def core_first_order():
    """ALL_CPUS with one hardware thread of each physical core first, like latmac's placement."""
    def sibling_rank(cpu):
        try:
            with open(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list") as f:
                text = f.read().strip()
        except OSError:
            return 0
        siblings = []
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            siblings.extend(range(int(lo), int(hi or lo) + 1))
        return sorted(siblings).index(cpu) if cpu in siblings else 0
    return sorted(ALL_CPUS, key=lambda cpu: (sibling_rank(cpu), cpu))


def pin_process(cpus):
    """Restricts every thread of this process (torch's OpenMP and pthreadpool workers too) to cpus."""
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:
            pass  # the thread has exited meanwhile


# ---- latmac ----

def run_latmac(args, threads, out_dir):
    """Runs latmac for all nets at one thread count; returns ({net: median ms}, placement or None)."""
    cmd = [args.latmac, "run", "--suite", "nets", "--nets", ",".join(args.nets), "--threads", str(threads),
           "--repetitions", str(args.repetitions), "--min-time", str(args.min_time),
           "--input", "%dx%d" % args.input, "--out", out_dir]
    note("running " + " ".join(cmd))
    pin_process(ALL_CPUS)  # the child inherits our affinity; latmac pins its own threads
    try:
        status = subprocess.run(cmd, stdout=sys.stderr).returncode  # keep stdout for the table
    except OSError as e:
        fail(f"cannot run latmac ({args.latmac}): {e}")
    if status != 0:
        fail(f"latmac failed (exit status {status}): {' '.join(cmd)}")
    return read_latmac(os.path.join(out_dir, "results.json"), args.nets, threads)


def read_latmac(path, nets, threads):
    """The whole-network medians (ms) and parameter counts of results.json (suite nets, no per-layer
    rows) at one thread count, by network, and latmac's placement for that count."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read latmac's results {path}: {e}")
    times = {}
    for b in doc.get("benchmarks", []):
        if (b.get("aggregate_name") != "median" or b.get("suite") != "nets" or "layer" in b
                or b.get("backend", "latmac") != "latmac" or b.get("threads") != threads
                or b.get("network") not in nets):
            continue
        if b.get("error_occurred"):
            fail(f"latmac failed on {b['network']}: {b.get('error_message', 'no message')}")
        if b.get("time_unit") not in UNIT_MS:
            fail(f"{path}: unknown time_unit {b.get('time_unit')!r} for {b['network']}")
        times[b["network"]] = (b["real_time"] * UNIT_MS[b["time_unit"]], b.get("params"))
    missing = [n for n in nets if n not in times]
    if missing:
        fail(f"{path} has no median for {', '.join(missing)} at {threads} thread(s)")
    placement = None
    for t in doc.get("context", {}).get("latmac", {}).get("thread_counts", []):
        if t.get("threads") == threads and t.get("placement"):
            placement = t["placement"]
    return times, placement


# ---- PyTorch ----

def build_model(name):
    """torchvision's model with random weights (nothing is downloaded), in eval mode."""
    width = WIDTH.match(name)
    if name == "lraspp_mobilenet_v3_large":
        model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(
            weights=None, weights_backbone=None, num_classes=21)
    elif width and width.group(1) == "mobilenet_v2":
        model = torchvision.models.mobilenet_v2(weights=None, width_mult=float(f"{width.group(2)}.{width.group(3)}"))
    elif width:
        from torchvision.models import mobilenetv3
        setting, last_channel = mobilenetv3._mobilenet_v3_conf(
            width.group(1), width_mult=float(f"{width.group(2)}.{width.group(3)}"))
        model = mobilenetv3.MobileNetV3(setting, last_channel)
    else:
        model = getattr(torchvision.models, name)(weights=None)
    return model.eval()


def calibrate_batchnorm(model, x):
    """Gives every BatchNorm the statistics of x's activations, so that values keep their scale
    through the random network instead of fading (the output check then sees every branch)."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # a cumulative average: after one batch, that batch's statistics
    with torch.no_grad():
        model.train()(x)
    model.eval()


def output_tensor(y):
    return y["out"] if isinstance(y, dict) else y  # LRASPP returns {"out": tensor}


def inference_forms(model, x):
    """{mode: builder} for the inference forms, all from the model compiled by TorchScript.

    Scripted rather than traced: optimize_for_mobile drops the folded BatchNorm's shift from a
    traced conv without bias (torch 1.13). Tracing is the fallback for a model script rejects."""
    try:
        compiled = torch.jit.script(model)
    except Exception as e:
        note(f"torch.jit.script failed ({e}); tracing instead")
        with torch.no_grad():
            compiled = torch.jit.trace(model, x, strict=False)  # strict=False: LRASPP's dict output
    return {FREEZE: lambda: torch.jit.optimize_for_inference(torch.jit.freeze(compiled)),
            MOBILE: lambda: optimize_for_mobile(compiled),
            FROZEN: lambda: torch.jit.freeze(compiled)}


def time_repetitions(fn, x, repetitions, min_time):
    """Mean seconds per inference of each repetition, after a warm-up of min_time."""
    def run_for(seconds):
        count, start = 0, time.perf_counter()
        while True:
            fn(x)
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return elapsed / count
    for _ in range(3):  # TorchScript's profiling executor optimises the graph after the first runs
        fn(x)
    run_for(min_time)
    return [run_for(min_time) for _ in range(repetitions)]


def time_pytorch(name, args):
    """Times both inference forms of one net; returns (mode, median ms, min ms, CV) of the faster and
    the model's parameter count."""
    torch.manual_seed(0)
    model = build_model(name)
    x = torch.randn(1, 3, *args.input)
    calibrate_batchnorm(model, x)
    with torch.inference_mode():
        expected = output_tensor(model(x))
    tolerance = 1e-3 * float(expected.abs().max())

    def check(y):
        if not torch.allclose(output_tensor(y), expected, rtol=1e-3, atol=tolerance):
            raise RuntimeError("its output differs from the eager model's")

    forms = inference_forms(model, x)
    best = None
    for mode in (FREEZE, MOBILE, FROZEN):
        if mode == FROZEN and best is not None:
            break  # plain freeze (several times slower) is the last resort only
        try:
            with torch.inference_mode():
                fast = forms[mode]()
                check(fast(x))  # the first run's graph
                times = time_repetitions(fast, x, args.repetitions, args.min_time)
                check(fast(x))  # and the one TorchScript optimised after profiling it
        except Exception as e:  # a form the installed torch cannot build or gets wrong is skipped
            note(f"{name}: {mode} skipped: {e}")
            continue
        mean = statistics.fmean(times)
        cv = statistics.stdev(times) / mean if len(times) > 1 else 0.0
        result = (mode, statistics.median(times) * 1e3, min(times) * 1e3, cv)
        note(f"{name} threads={torch.get_num_threads()}: {mode} median {result[1]:.3f} ms, "
             f"min {result[2]:.3f} ms, CV {cv:.1%}")
        if best is None or result[1] < best[1]:
            best = result
    if best is None:
        fail(f"{name}: PyTorch could not build a correct inference form")
    return best, sum(p.numel() for p in model.parameters())


# ---- report ----

def render(rows, notes, fmt):
    header = ("net", "threads", "latmac ms", "PyTorch ms", "PyTorch min", "PyTorch CV", "PyTorch mode",
              "latmac/PyTorch", "latmac is", "same params")
    numeric = {1, 2, 3, 4, 5, 7}  # right-aligned columns
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines + [""] + [n + "  " for n in notes])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    def line(row):
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows] + [""] + notes)


def compare(args, threads, out_dir):
    """latmac then PyTorch at one thread count: the table's rows and the geometric mean ratio."""
    latmac, placement = {}, None
    if not args.pytorch_only:
        latmac, placement = run_latmac(args, threads, out_dir)
    cpus = placement or core_first_order()[:threads]
    pin_process(cpus)
    torch.set_num_threads(threads)
    pin_process(cpus)  # again, for worker threads set_num_threads just created
    rows, ratios = [], []
    for name in args.nets:
        (mode, median, fastest, cv), params = time_pytorch(name, args)
        latmac_ms, ratio, verdict, same = "-", "-", "-", "-"
        if name in latmac:
            ms, latmac_params = latmac[name]
            ratios.append(ms / median)
            latmac_ms, ratio = f"{ms:.3f}", f"{ratios[-1]:.3f}"
            verdict = "faster" if ratios[-1] < 1 else "slower"
            # the same network on both sides: its parameter count is a cheap check of that
            same = "yes" if latmac_params == params else f"no ({latmac_params} vs {params})"
        rows.append([name, str(threads), latmac_ms, f"{median:.3f}", f"{fastest:.3f}", f"{cv:.1%}", mode,
                     ratio, verdict, same])
    pin_process(ALL_CPUS)
    geomean = math.exp(statistics.fmean(math.log(r) for r in ratios)) if ratios else None
    return rows, geomean


def main(argv=None):
    args = parse_args(argv)
    if torch is None:
        print("compare_pytorch: skipped: PyTorch (python3-torch, python3-torchvision) is not installed "
              f"for {sys.executable}", file=sys.stderr)
        return 0
    torch.set_flush_denormal(True)  # latmac flushes denormals to zero too
    # optimize_for_inference's oneDNN graphs pad channels to blocks and warn when they resize
    # outputs; whether the result is still right is checked against the eager model instead
    warnings.filterwarnings("ignore", message="An output with one or more elements was resized")
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="compare_pytorch-") as tmp:
        for threads in args.threads:
            more, g = compare(args, threads, os.path.join(args.out or tmp, f"threads-{threads}"))
            rows += more
            if g is not None:
                notes.append(f"geometric mean latmac/PyTorch at {threads} thread(s): {g:.3f} "
                             f"(latmac {'faster' if g < 1 else 'slower'})")
    height, width = args.input
    print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}; input 1x3x{height}x{width}; "
          f"{args.repetitions} repetitions of >= {args.min_time} s each, median quoted; "
          f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}")
    print()
    print(render(rows, notes, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
