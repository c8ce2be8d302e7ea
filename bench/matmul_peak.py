"""This machine's FP32 matrix-multiply peak, in GFLOP/s, with numpy (OpenBLAS) and torch.

scripts/bench.mjs runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the
environment, so OpenBLAS picks the kernel for the real CPU; threadpoolctl reports which kernel
(architecture) and how many threads ran. Each size is multiplied several times; the best time
is the peak (the median is reported beside it). Prints one JSON line.

Usage: python matmul_peak.py [--sizes 1024,2048,3072] [--repeats 5]
"""

import argparse
import json
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info


def gflops(n: int, seconds: float) -> float:
    return 2 * n**3 / seconds / 1e9


def measure(multiply, n: int, repeats: int) -> dict:
    multiply()  # warm-up: thread pool start, page faults
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        multiply()
        times.append(time.perf_counter() - started)
    return {
        "n": n,
        "bestGflops": round(gflops(n, min(times)), 1),
        "medianGflops": round(gflops(n, statistics.median(times)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1024,2048,3072")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(0)

    numpy_runs = []
    for n in sizes:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        numpy_runs.append(measure(lambda a=a, b=b: a @ b, n, args.repeats))
    blas = [
        {k: info.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]

    torch_runs, torch_version = [], None
    try:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        torch_version = f"{torch.__version__} ({torch.get_num_threads()} threads, {torch.backends.cpu.get_cpu_capability()})"
        for n in sizes:
            a, b = torch.randn(n, n), torch.randn(n, n)
            torch_runs.append(measure(lambda a=a, b=b: torch.mm(a, b), n, args.repeats))
    except ImportError:
        pass

    best = lambda runs: max((r["bestGflops"] for r in runs), default=0)  # noqa: E731
    print(
        json.dumps(
            {
                "numpy": {"version": np.__version__, "blas": blas, "runs": numpy_runs, "peakGflops": best(numpy_runs)},
                "torch": {"version": torch_version, "runs": torch_runs, "peakGflops": best(torch_runs)},
                "peakGflops": max(best(numpy_runs), best(torch_runs)),
                "cpuCount": os.cpu_count(),
                "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")},
            }
        )
    )


if __name__ == "__main__":
    main()
