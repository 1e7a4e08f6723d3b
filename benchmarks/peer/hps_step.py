#!/usr/bin/env python3
"""PyTorch peer of mtl4j's hard-sharing training step (benchmarks/README.md).

Builds the very same network as mtl4j's `Architectures.hardSharing()` with `Encoders.resNet(width)`:
  encoder: conv3x3 s2 (no bias) -> BN -> ReLU -> residual(w) -> conv3x3 s2 to 2w (no bias) -> BN -> ReLU -> residual(2w)
  residual(c): conv3x3 (no bias) -> BN -> ReLU -> conv3x3 (no bias) -> BN, + x, ReLU
  head per dense task: conv3x3(32) -> ReLU -> conv1x1(C), bilinear upsampling to the input size
    (antialias=True, align_corners=False: what DJL's PyTorch engine calls)
and the same losses (s: cross-entropy over 6 classes; n: 1 - cos on normalised vectors; others: L1), summed with
equal weights, Adam at 2e-3. Times forward + backward + update over random data of the right shapes, with the same
number of intra-/inter-op threads as the DJL run, and prints JSON.
Run with Debian's python3-torch: /usr/bin/python3 benchmarks/peer/hps_step.py --threads 2
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = {"s": 6, "d": 1, "n": 3, "k": 1, "t": 1, "e": 1, "r": 1, "c": 2}


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + x)


class HardSharing(nn.Module):
    def __init__(self, tasks, width, head=32):
        super().__init__()
        w = width
        self.encoder = nn.Sequential(
            nn.Conv2d(3, w, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), Residual(w),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(),
            Residual(2 * w))
        self.tasks = tasks
        self.heads = nn.ModuleList([nn.Sequential(nn.Conv2d(2 * w, head, 3, padding=1), nn.ReLU(),
                                                  nn.Conv2d(head, CHANNELS[t], 1)) for t in tasks])

    def forward(self, x):
        z = self.encoder(x)
        size = x.shape[-2:]
        return [F.interpolate(h(z), size=size, mode="bilinear", align_corners=False, antialias=True)
                for h in self.heads]


def loss_of(task, pred, label):
    if task == "s":
        return F.cross_entropy(pred, label)
    if task == "n":
        p = pred / pred.norm(dim=1, keepdim=True).clamp_min(1e-8)
        g = label / label.norm(dim=1, keepdim=True).clamp_min(1e-8)
        return (1 - (p * g).sum(1)).mean()
    return (pred - label).abs().mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--tasks", default="s,d,n,k,e")
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--serve", action="store_true",
                    help="after set-up and warm-up, read a step count per line from stdin, run that many steps and "
                         "print their times as JSON (lets the caller interleave blocks with its own)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(a.threads)
    torch.manual_seed(0)
    tasks = a.tasks.split(",")
    net = HardSharing(tasks, a.width)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    x = torch.rand(a.batch, 3, a.size, a.size)
    labels = []
    for t in tasks:
        if t == "s":
            labels.append(torch.randint(0, 6, (a.batch, a.size, a.size)))
        else:
            labels.append(torch.rand(a.batch, CHANNELS[t], a.size, a.size))
    def step():
        start = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        preds = net(x)
        total = sum(loss_of(t, p, l) for t, p, l in zip(tasks, preds, labels))
        total.backward()
        opt.step()
        return (time.perf_counter() - start) * 1000

    params = sum(p.numel() for p in net.parameters())
    header = {"peer": "pytorch", "torch_version": torch.__version__, "threads": a.threads, "batch": a.batch,
              "size": a.size, "tasks": a.tasks, "width": a.width, "parameters": params}
    for _ in range(a.warmup):
        step()
    if a.serve:
        print(json.dumps(dict(header, ready=True)), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if not line or line == "quit":
                break
            print(json.dumps({"times_ms": [step() for _ in range(int(line))]}), flush=True)
        return
    times = [step() for _ in range(a.steps)]
    q = statistics.quantiles(times, n=4)
    print(json.dumps(dict(header, median_ms=statistics.median(times), p25_ms=q[0], p75_ms=q[2], steps=a.steps)))

if __name__ == "__main__":
    main()
