"""PyTorch peer of bench/tfjs-workloads.ts: workloads 1-3 on the same architectures.

MobileNet v1 0.25 and MobileNetV2 0.35 (Keras layouts, cut where the studio cuts them:
conv_pw_13_relu -> [7,7,256], out_relu -> [7,7,1280]) with random weights (only speed is
compared), batch 32 at 224x224, at PyTorch's best CPU settings: all cores, channels_last,
BatchNorm folded into the convolutions for inference, inference_mode; the fastest of a few
variants is reported, and which one it was. Prints one JSON line per workload.

Usage: python torch_workloads.py --model v1|v2 [--runs N] [--min-run S] [--budget S]
       [--images N] [--threads N]
"""

import argparse
import copy
import json
import os
import statistics
import time

import torch
from torch import nn

BATCH = 32
LARGE_ROWS = 16384  # the real-size cached head epoch (tfjs-workloads.ts LARGE_ROWS)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def conv_bn(cin: int, cout: int, kernel: int, stride: int, groups: int = 1, relu: bool = True):
    layers = [
        nn.Conv2d(cin, cout, kernel, stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout, eps=1e-3),
    ]
    if relu:
        layers.append(nn.ReLU6(inplace=True))
    return layers


def mobilenet_v1_base(alpha: float = 0.25) -> nn.Sequential:
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)]
    blocks += [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    cin = int(32 * alpha)
    layers = conv_bn(3, cin, 3, 2)
    for cout, stride in blocks:
        layers += conv_bn(cin, cin, 3, stride, groups=cin)  # depthwise
        layers += conv_bn(cin, int(cout * alpha), 1, 1)  # pointwise
        cin = int(cout * alpha)
    return nn.Sequential(*layers)


def make_divisible(value: float, divisor: int = 8) -> int:
    new = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * value else new


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expansion: int):
        super().__init__()
        hidden = cin * expansion
        layers = conv_bn(cin, hidden, 1, 1) if expansion != 1 else []
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
        layers += conv_bn(hidden, cout, 1, 1, relu=False)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2_base(alpha: float = 0.35) -> nn.Sequential:
    # (expansion, channels, repeats, first stride), as in Keras Applications' MobileNetV2.
    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2)]
    settings += [(6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    cin = make_divisible(32 * alpha)
    layers = conv_bn(3, cin, 3, 2)
    for expansion, channels, repeats, stride in settings:
        cout = make_divisible(channels * alpha)
        for i in range(repeats):
            layers.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expansion))
            cin = cout
    layers += conv_bn(cin, 1280, 1, 1)
    return nn.Sequential(*layers)


def fold_batchnorm(module: nn.Module) -> nn.Module:
    """A copy with every Conv2d+BatchNorm2d pair folded into one biased Conv2d (inference)."""
    module = copy.deepcopy(module).eval()

    def fold(seq: nn.Sequential) -> nn.Sequential:
        out, items, i = [], list(seq), 0
        while i < len(items):
            item = items[i]
            nxt = items[i + 1] if i + 1 < len(items) else None
            if isinstance(item, nn.Conv2d) and isinstance(nxt, nn.BatchNorm2d):
                out.append(torch.nn.utils.fusion.fuse_conv_bn_eval(item, nxt))
                i += 2
                continue
            if isinstance(item, nn.Sequential):
                item = fold(item)
            elif isinstance(item, InvertedResidual):
                item.body = fold(item.body)
            out.append(item)
            i += 1
        return nn.Sequential(*out)

    return fold(module)


def count_macs(model: nn.Module) -> int:
    total = 0

    def hook(layer, _inputs, output):
        nonlocal total
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            total += output[0].numel() * kh * kw * layer.in_channels // layer.groups
        elif isinstance(layer, nn.Linear):
            total += layer.in_features * layer.out_features

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, 224, 224))
    for handle in handles:
        handle.remove()
    return total


def count_weights(model: nn.Module) -> int:
    """Parameters plus BatchNorm moving statistics, the way Keras counts them."""
    stats = sum(
        m.running_mean.numel() + m.running_var.numel()
        for m in model.modules()
        if isinstance(m, nn.BatchNorm2d)
    )
    return sum(p.numel() for p in model.parameters()) + stats


def measure_rate(items: int, step, runs: int, min_run: float, budget: float) -> dict:
    started = time.perf_counter()
    step()  # warm-up
    warmup = time.perf_counter() - started
    rates, started = [], time.perf_counter()
    while not rates or (len(rates) < runs and time.perf_counter() - started < budget):
        done, run_start = 0, time.perf_counter()
        while True:
            step()
            done += items
            if time.perf_counter() - run_start >= min_run:
                break
        rates.append(done / (time.perf_counter() - run_start))
    return summary(rates, warmup)


def measure_seconds(run, runs: int, budget: float, warmup: bool = True) -> dict:
    first = 0.0
    if warmup:
        t = time.perf_counter()
        run()
        first = time.perf_counter() - t
    times, started = [], time.perf_counter()
    while not times or (len(times) < runs and time.perf_counter() - started < budget):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return summary(times, first)


def summary(values: list, warmup: float) -> dict:
    p = lambda v: float(f"{v:.4g}")  # noqa: E731
    return {
        "median": p(statistics.median(values)),
        "min": p(min(values)),
        "max": p(max(values)),
        "runs": len(values),
        "warmupSeconds": p(warmup),
    }


class Head(nn.Module):
    """The studio's head: global average pooling, dropout 0.2, dense softmax (2 classes)."""

    def __init__(self, channels: int):
        super().__init__()
        self.dropout = nn.Dropout(0.2)
        self.dense = nn.Linear(channels, 2)

    def forward(self, pooled):
        return self.dense(self.dropout(pooled))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["v1", "v2"], required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--min-run", type=float, default=2)
    parser.add_argument("--budget", type=float, default=30)
    parser.add_argument("--images", type=int, default=244)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    opts = dict(runs=args.runs, min_run=args.min_run, budget=args.budget)

    base = mobilenet_v1_base() if args.model == "v1" else mobilenet_v2_base()
    channels = 256 if args.model == "v1" else 1280
    emit(
        {
            "workload": "backend",
            "backend": "pytorch",
            "description": f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads, "
            f"{torch.backends.cpu.get_cpu_capability()})",
        }
    )
    emit({"workload": "model", "macsPerImage": count_macs(base), "params": count_weights(base)})

    x = torch.rand(BATCH, 3, 224, 224) * 2 - 1
    y = torch.arange(BATCH) % 2
    base.eval()
    folded = fold_batchnorm(base)
    variants = {
        "eager, BatchNorm unfolded, NCHW": (base, x),
        "eager, BatchNorm folded, NCHW": (folded, x),
        "eager, BatchNorm folded, channels_last": (
            copy.deepcopy(folded).to(memory_format=torch.channels_last),
            x.contiguous(memory_format=torch.channels_last),
        ),
    }
    try:
        with torch.inference_mode():
            frozen = torch.jit.optimize_for_inference(torch.jit.trace(base, x[:1]).eval())
        variants["TorchScript frozen (optimize_for_inference)"] = (frozen, x)
    except Exception as error:  # noqa: BLE001 - reported, the other variants still count
        emit({"workload": "note", "note": f"TorchScript variant unavailable: {error}"[:200]})

    # 1. Feature extraction: every variant, the fastest one is the peer.
    results = {}
    with torch.inference_mode():
        for name, (model, inp) in variants.items():
            results[name] = measure_rate(BATCH, lambda m=model, i=inp: m(i), **opts)
    best = max(results, key=lambda name: results[name]["median"])
    plain = "eager, BatchNorm unfolded, NCHW"
    emit({"workload": "features", "rate": results[plain], "variant": plain})
    emit({"workload": "features-fused", "rate": results[best], "variant": best, "all": results})
    best_model, best_input = variants[best]

    # 2. One epoch of head training, with cached pooled features and without (base re-run).
    images = torch.rand(args.images, 3, 224, 224) * 2 - 1
    labels = torch.arange(args.images) % 2
    if best_input.is_contiguous(memory_format=torch.channels_last):
        images = images.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        cache = torch.cat([best_model(images[i : i + BATCH]).mean((2, 3)) for i in range(0, args.images, BATCH)])
    head = Head(channels)
    optimizer = torch.optim.Adam(head.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def head_step(features, target):
        optimizer.zero_grad()
        loss_fn(head(features), target).backward()
        optimizer.step()

    def cached_epoch():
        order = torch.randperm(args.images)
        for i in range(0, args.images, BATCH):
            rows = order[i : i + BATCH]
            head_step(cache[rows], labels[rows])

    # The same epoch over a real-size training set: the rows repeated to LARGE_ROWS.
    large = cache.repeat((LARGE_ROWS + args.images - 1) // args.images, 1)[:LARGE_ROWS].contiguous()
    large_labels = labels.repeat((LARGE_ROWS + args.images - 1) // args.images)[:LARGE_ROWS]

    def large_epoch():
        order = torch.randperm(LARGE_ROWS)
        for i in range(0, LARGE_ROWS, BATCH):
            rows = order[i : i + BATCH]
            head_step(large[rows], large_labels[rows])

    def uncached_epoch():
        order = torch.randperm(args.images)
        for i in range(0, args.images, BATCH):
            rows = order[i : i + BATCH]
            with torch.inference_mode():
                features = best_model(images[rows]).mean((2, 3))
            head_step(features.clone(), labels[rows])

    head.train()
    cached = measure_seconds(cached_epoch, args.runs, args.budget)
    large_epoch_seconds = measure_seconds(large_epoch, min(3, args.runs), args.budget, warmup=False)
    uncached = measure_seconds(uncached_epoch, min(3, args.runs), args.budget, warmup=False)
    emit(
        {
            "workload": "head-epoch",
            "images": args.images,
            "cachedEpochSeconds": cached,
            "largeEpochRows": LARGE_ROWS,
            "largeEpochSeconds": large_epoch_seconds,
            "uncachedEpochSeconds": uncached,
            "speedup": float(f"{uncached['median'] / cached['median']:.4g}"),
            "variant": best,
        }
    )

    # 3. Full fine-tuning: every layer trainable, BatchNorm in inference mode (as the studio
    # holds it), Adam; NCHW and channels_last, the faster one reported.
    fine_tune = {}
    for layout in ["NCHW", "channels_last"]:
        net = nn.Sequential(copy.deepcopy(base), nn.AdaptiveAvgPool2d(1), nn.Flatten(), Head(channels))
        inp = x
        if layout == "channels_last":
            net = net.to(memory_format=torch.channels_last)
            inp = x.contiguous(memory_format=torch.channels_last)
        net.train()
        for module in net.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        opt = torch.optim.Adam(net.parameters(), 1e-4)

        def step(net=net, opt=opt, inp=inp):
            opt.zero_grad()
            loss_fn(net(inp), y).backward()
            opt.step()

        fine_tune[layout] = measure_rate(BATCH, step, **opts)
    best_layout = max(fine_tune, key=lambda k: fine_tune[k]["median"])
    emit({"workload": "fine-tune", "rate": fine_tune[best_layout], "variant": best_layout, "all": fine_tune})
    emit({"workload": "done"})


if __name__ == "__main__":
    main()
