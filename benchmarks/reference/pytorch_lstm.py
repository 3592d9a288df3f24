#!/usr/bin/env python3
"""PyTorch reference for suite 1 (training throughput): the same network, data layout, hyperparameters and
loop as the raw TorchSharp loop in benchmarks/MLNet.Lstm.Benchmarks/TrainingSuite.cs.

Network: nn.LSTM(F, hidden, layers, batch_first=True) -> last step -> nn.Linear(hidden, 1); Adam, MSE,
shuffled mini-batches. Windows are normalised relative to their first row (w / w0 - 1), labels likewise.

Data: --series FILE reads the float32 little-endian [rows, F] series that
`MLNet.Lstm.Benchmarks dump-series FILE --rows N` writes (the series the C# suites use); without it, a
random walk of the same shape is generated here (same statistics, not the same numbers).

Prints one line per repetition and a final "median windows/s" line. Runs on CPU by default; --device cuda.
Debian: apt-get install python3-torch (CPU build, 1.13 on Debian 12).
"""
import argparse
import statistics
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:  # pragma: no cover - reported, not hidden
    print(f"MISSING: {e.name} is not installed (Debian: apt-get install python3-torch python3-numpy)", file=sys.stderr)
    sys.exit(3)


class Net(nn.Module):
    def __init__(self, features, hidden, layers):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1, :]).squeeze(-1)


def synthetic_series(rows, features, seed):
    rng = np.random.default_rng(seed)
    steps = 1 + (rng.random((rows, features)) - 0.5) * 0.02
    start = 100 + 50 * np.arange(features)
    return (start * np.cumprod(steps, axis=0)).astype(np.float32)


def relative_to_first_windows(series, window):
    n = series.shape[0] - window
    idx = np.arange(window)[None, :] + np.arange(n)[:, None]
    x = series[idx]                       # [N, T, F]
    first = x[:, :1, :]
    y = series[window:window + n, 0] / first[:, 0, 0] - 1
    return (x / first - 1).astype(np.float32), y.astype(np.float32)


def train(x, y, args, device):
    torch.manual_seed(args.seed)
    net = Net(x.shape[2], args.hidden, args.layers).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.MSELoss()
    xs, ys = x.to(device), y.to(device)
    n = xs.shape[0]
    gen = torch.Generator().manual_seed(args.seed)
    for _ in range(args.epochs):
        perm = torch.randperm(n, generator=gen).to(device)
        for start in range(0, n, args.batch):
            idx = perm[start:start + args.batch]
            pred = net(xs.index_select(0, idx))
            loss = loss_fn(pred, ys.index_select(0, idx))
            opt.zero_grad()
            loss.backward()
            opt.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return n * args.epochs


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--series", help="float32 [rows, F] series written by MLNet.Lstm.Benchmarks dump-series")
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--features", type=int, default=2)
    p.add_argument("--window", type=int, default=49)
    p.add_argument("--hidden", type=int, default=32)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmups", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--quick", action="store_true", help="one tiny repetition (smoke)")
    args = p.parse_args()
    if args.quick:
        args.rows, args.window, args.hidden, args.epochs, args.reps, args.warmups = 300, 10, 8, 1, 1, 0

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("MISSING: this PyTorch has no CUDA device (CPU-only build or no NVIDIA driver)", file=sys.stderr)
        sys.exit(3)
    torch.set_num_threads(args.threads)
    if args.series:
        series = np.fromfile(args.series, dtype="<f4").reshape(-1, args.features)
    else:
        series = synthetic_series(args.rows, args.features, args.seed)
    x, y = relative_to_first_windows(series, args.window)
    x, y = torch.from_numpy(x), torch.from_numpy(y)

    print(f"# PyTorch {torch.__version__}, device {device}, threads {args.threads}; {x.shape[0]} windows "
          f"T={args.window} F={args.features}, LSTM {args.layers}x{args.hidden}, batch {args.batch}, "
          f"{args.epochs} epoch(s), Adam lr {args.lr}")
    for _ in range(args.warmups):
        train(x, y, args, device)
    rates = []
    for r in range(args.reps):
        t0 = time.perf_counter()
        windows = train(x, y, args, device)
        dt = time.perf_counter() - t0
        rates.append(windows / dt)
        print(f"rep {r + 1}: {dt:.3f} s, {windows / dt:,.0f} windows/s")
    print(f"median windows/s: {statistics.median(rates):,.0f}")


if __name__ == "__main__":
    main()
