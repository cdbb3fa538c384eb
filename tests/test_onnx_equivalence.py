"""latmac computes what PyTorch computes: torchvision's ShuffleNet V2 1.0x and MobileNets, and small
modules that use each operator the ONNX import reads, exported by torch.onnx.export with their seeded
weights, run by `latmac infer` on a seeded input at 1 and 2 threads under every instruction set this
host can run; the largest difference from PyTorch's output, scaled by the range of that output, must
stay within 1e-4. The table of errors is printed as TAP comments (the closing note quotes it).
Skipped when PyTorch, torchvision or Python's onnx is not installed."""
import os
import shutil
import sys
import tempfile

import tap
from latmac_cli import latmac, runnable_isas

TMP = tempfile.mkdtemp(prefix="latmac-equivalence-")
TOLERANCE = 1e-4

try:
    import numpy as np
    import torch
    import torchvision
except ImportError:  # tools/setup.sh test installs python3-torch and python3-torchvision
    torch = None


def need_torch():
    if torch is None:
        raise tap.Skip("PyTorch or torchvision is not installed (python3-torch, python3-torchvision)")


def thread_counts():
    return [1, 2] if (os.cpu_count() or 1) >= 2 else [1]


def randomize_batchnorm(model, generator):
    """Non-trivial BatchNorm statistics and affine terms, so that folding them into convolutions is
    tested (torchvision initialises mean 0, variance 1, gamma 1, beta 0)."""
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.rand(c, generator=generator) * 0.2 - 0.1)
            m.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=generator) * 0.5 + 0.5)
            m.bias.data.copy_(torch.rand(c, generator=generator) * 0.2 - 0.1)


def export(model, name, shape, keep_batchnorm=True):
    """Exports `model` (eval mode) to TMP/name.onnx and writes a seeded input; returns the paths and
    PyTorch's output for that input."""
    generator = torch.Generator().manual_seed(7)
    x = torch.randn(*shape, generator=generator)
    path = os.path.join(TMP, name + ".onnx")
    options = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) if keep_batchnorm else {}
    with torch.no_grad():
        torch.onnx.export(model, x, path, **options)
        expected = model(x).numpy()
    x_path = os.path.join(TMP, name + ".x.npy")
    np.save(x_path, x.numpy())
    return path, x_path, expected


def scaled_error(got, expected):
    span = float(expected.max() - expected.min()) or 1.0
    return float(np.abs(got.reshape(expected.shape) - expected).max()) / span


def errors_of(path, x_path, expected, isas, threads):
    """latmac's scaled error for each (ISA, threads); raises when a run fails or the shape differs."""
    out = {}
    for isa in isas:
        for t in threads:
            y_path = os.path.join(TMP, "y.npy")
            r = latmac("infer", "--model", path, "--input", x_path, "--output", y_path, "--isa", isa,
                       "--threads", str(t))
            assert r.returncode == 0, (path, isa, t, r.stderr)
            got = np.load(y_path)
            assert got.size == expected.size, (path, got.shape, expected.shape)
            out[(isa, t)] = scaled_error(got, expected)
    return out


def report(name, errors):
    worst = max(errors.values())
    print("# " + name + ": " + ", ".join(f"{isa} {t}t {e:.1e}" for (isa, t), e in sorted(errors.items())))
    assert worst <= TOLERANCE, f"{name}: largest scaled error {worst:.2e} > {TOLERANCE:.0e}: {errors}"


@tap.check("torchvision's ShuffleNet V2 1.0x, MobileNet V2, V3 large and small compute PyTorch's logits "
           "within 1e-4 at 1 and 2 threads and every instruction set")
def torchvision_models():
    need_torch()
    isas, threads = runnable_isas(), thread_counts()
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    for name in ["shufflenet_v2_x1_0", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]:
        model = getattr(torchvision.models, name)().eval()
        randomize_batchnorm(model, generator)
        path, x_path, expected = export(model, name, (1, 3, 224, 224))
        report(name, errors_of(path, x_path, expected, isas, threads))


@tap.check("a model exported with PyTorch's defaults (BatchNorm folded into the weights) computes the same")
def folded_export():
    need_torch()
    torch.manual_seed(1)
    model = torchvision.models.mobilenet_v3_small().eval()
    randomize_batchnorm(model, torch.Generator().manual_seed(1))
    path, x_path, expected = export(model, "folded", (1, 3, 224, 224), keep_batchnorm=False)
    report("mobilenet_v3_small (folded)", errors_of(path, x_path, expected, runnable_isas()[:1], [1]))


class Operators(torch.nn.Module if torch else object):
    """One module that uses the operators the import reads beyond the torchvision models: PReLU (per
    channel and shared), a dilated and a grouped convolution with asymmetric strides, AvgPool,
    MaxPool with ceil_mode where the windows tile the input, sigmoid, a bias added per channel, bilinear
    resizing (half-pixel by a scale factor, corner-aligned to a size), and Linear with its weight as
    MatMul input."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 16, 3, stride=(2, 1), padding=2, dilation=2)
        self.prelu = torch.nn.PReLU(16)
        self.grouped = torch.nn.Conv2d(16, 32, 3, padding=1, groups=4, bias=False)
        self.shared = torch.nn.PReLU()
        self.maxpool = torch.nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.avgpool = torch.nn.AvgPool2d(2, stride=2, count_include_pad=False)
        self.bias = torch.nn.Parameter(torch.randn(32, 1, 1) * 0.1)
        self.fc = torch.nn.Linear(32, 10)
        self.matrix = torch.nn.Parameter(torch.randn(10, 7) * 0.3)

    def forward(self, x):
        x = self.prelu(self.conv(x))
        x = self.shared(self.grouped(x))
        x = self.avgpool(torch.sigmoid(self.maxpool(x)) + self.bias)
        x = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = torch.nn.functional.interpolate(x, size=(5, 9), mode="bilinear", align_corners=True)
        x = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return torch.matmul(self.fc(x), self.matrix)


@tap.check("PReLU, dilated and grouped convolutions, pooling with ceil_mode, a bias, bilinear resizing, Linear "
           "and MatMul compute PyTorch's values at every instruction set")
def operators():
    need_torch()
    torch.manual_seed(2)
    path, x_path, expected = export(Operators().eval(), "operators", (2, 3, 33, 31))
    report("operators", errors_of(path, x_path, expected, runnable_isas(), thread_counts()))


@tap.check("the zoo's networks run through infer too: a seeded network's output is finite and the same at "
           "1 and 2 threads")
def zoo_network():
    need_torch()  # numpy comes with it here
    outputs = []
    for t in thread_counts():
        y_path = os.path.join(TMP, f"zoo{t}.npy")
        r = latmac("infer", "--net", "mobilenet_v3_small", "--output", y_path, "--threads", str(t), "--seed", "3")
        assert r.returncode == 0, r.stderr
        outputs.append(np.load(y_path))
    assert outputs[0].shape == (1, 1000), outputs[0].shape
    assert np.isfinite(outputs[0]).all() and outputs[0].std() > 0
    assert scaled_error(outputs[-1], outputs[0]) <= TOLERANCE


if __name__ == "__main__":
    sys.exit(tap.run(cleanup=lambda: shutil.rmtree(TMP, ignore_errors=True)))
