"""PyTorch reference for scripts/native-tf/measure.mjs (one-off measurement, not a test).

The same network as the fixture, MobileNet v1 alpha 0.25 at 224x224 (Keras layout: conv 3x3/2,
13 depthwise-separable blocks, BatchNorm + ReLU6), cut at conv_pw_13_relu, with the same head
(flatten -> dense 100 relu -> dense 2), batch 32, Adam. Weights are random: only speed is compared.
Usage: python measure_torch.py [--seconds S] [--threads N]
"""

import argparse
import json
import time

import torch
from torch import nn

BATCH = 32


def conv_bn(cin: int, cout: int, kernel: int, stride: int, groups: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(cin, cout, kernel, stride, padding=kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01),
        nn.ReLU6(inplace=True),
    ]


def mobilenet_v1_025_base() -> nn.Sequential:
    a = lambda c: int(c * 0.25)  # noqa: E731
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)]
    blocks += [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    layers = conv_bn(3, a(32), 3, 2)
    cin = a(32)
    for cout, stride in blocks:
        layers += conv_bn(cin, cin, 3, stride, groups=cin)  # depthwise
        layers += conv_bn(cin, a(cout), 1, 1)  # pointwise
        cin = a(cout)
    return nn.Sequential(*layers)


def head() -> nn.Sequential:
    return nn.Sequential(nn.Flatten(), nn.Linear(7 * 7 * 256, 100), nn.ReLU(), nn.Linear(100, 2))


def throughput(seconds: float, per_step: int, step) -> float:
    step()  # warm-up
    images, started = 0, time.perf_counter()
    while True:
        step()
        images += per_step
        if time.perf_counter() - started >= seconds:
            return round(images / (time.perf_counter() - started), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.rand(BATCH, 3, 224, 224) * 2 - 1
    y = torch.arange(BATCH) % 2
    base = mobilenet_v1_025_base()
    loss_fn = nn.CrossEntropyLoss()

    base.eval()
    with torch.no_grad():
        assert base(x[:1]).shape == (1, 256, 7, 7)

        def extract() -> None:
            base(x)

        features_ips = throughput(args.seconds, BATCH, extract)
        features = base(x).repeat(8, 1, 1, 1)  # 256 cached feature maps
    labels = y.repeat(8)

    top = head()
    top_opt = torch.optim.Adam(top.parameters(), 1e-3)

    def head_epoch() -> None:
        for i in range(0, len(features), BATCH):
            top_opt.zero_grad()
            loss_fn(top(features[i : i + BATCH]), labels[i : i + BATCH]).backward()
            top_opt.step()

    head_ips = throughput(args.seconds, len(features), head_epoch)

    model = nn.Sequential(base, head())
    model.train()
    opt = torch.optim.Adam(model.parameters(), 1e-4)

    def train_step() -> None:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    fine_tune_ips = throughput(args.seconds, BATCH, train_step)
    print(
        json.dumps(
            {
                "backend": f"pytorch {torch.__version__} ({torch.get_num_threads()} threads)",
                "featureExtraction": features_ips,
                "headTraining": head_ips,
                "fullFineTuning": fine_tune_ips,
            }
        )
    )


if __name__ == "__main__":
    main()
