# The training steps of bench/cpu.ts written in NumPy, for issue 10's "within 1.5x of single-threaded
# numpy": a peer process that numpy-peer.ts drives one step at a time, so its steps interleave with
# Saturn's. Each request is one line on stdin, the step's name; the answer is one line on stdout,
# "<wall ms> <cpu ms>" measured here around the step alone (the pipe's round trip is left out).
# Single-threaded: the BLAS thread counts are fixed to 1 before NumPy loads.
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[var] = "1"

import sys
import time

import numpy as np

f32 = np.float32
rng = np.random.default_rng(10)


def uniform(shape, scale=1.0):
    return (rng.uniform(-1.0, 1.0, size=shape) * scale).astype(f32)


def logistic_step_factory():
    # 10,000 x 100 f32, the same step as bench/cpu.ts's tfjs version: cost, gradients, SGD update.
    n, k, rate = 10000, 100, f32(0.1)
    x = uniform((n, k))
    y = (rng.uniform(size=n) < 0.5).astype(f32)
    state = {"w": uniform(k, 0.1), "b": f32(0.0)}

    def step():
        w, b = state["w"], state["b"]
        p = f32(1.0) / (f32(1.0) + np.exp(-(x @ w + b)))
        xent = -y * np.log(p) - (f32(1.0) - y) * np.log(f32(1.0) - p)
        cost = xent.mean() + f32(0.01) * np.sum(w * w)
        d = (p - y) / f32(n)
        gw = x.T @ d + f32(0.02) * w
        state["w"] = w - rate * gw
        state["b"] = f32(b - rate * d.sum())
        return cost

    return step


def mlp_step_factory():
    # batch 256, 784 -> 256 (ReLU) -> 10, softmax cross-entropy: bench/cpu.ts's MLP step.
    batch, inputs, hidden, classes, rate = 256, 784, 256, 10, f32(0.1)
    x = uniform((batch, inputs))
    labels = np.zeros((batch, classes), dtype=f32)
    labels[np.arange(batch), rng.integers(0, classes, size=batch)] = 1
    state = {
        "w1": uniform((inputs, hidden), 0.05),
        "b1": np.zeros(hidden, dtype=f32),
        "w2": uniform((hidden, classes), 0.05),
        "b2": np.zeros(classes, dtype=f32),
    }

    def step():
        w1, b1, w2, b2 = state["w1"], state["b1"], state["w2"], state["b2"]
        pre = x @ w1 + b1
        h = np.maximum(pre, f32(0.0))
        logits = h @ w2 + b2
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        cost = -np.mean(np.sum(labels * np.log(probs), axis=1))
        dl = (probs - labels) / f32(batch)
        gw2 = h.T @ dl
        dh = (dl @ w2.T) * (pre > 0)
        gw1 = x.T @ dh
        state["w1"] = w1 - rate * gw1
        state["b1"] = b1 - rate * dh.sum(axis=0)
        state["w2"] = w2 - rate * gw2
        state["b2"] = b2 - rate * dl.sum(axis=0)
        return cost

    return step


steps = {"logreg": logistic_step_factory(), "mlp": mlp_step_factory()}
print("ready " + np.__version__, flush=True)
for line in sys.stdin:
    name = line.strip()
    if name not in steps:
        print("error unknown step '%s'" % name, flush=True)
        continue
    cpu0, wall0 = time.process_time(), time.perf_counter()
    steps[name]()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print("%.6f %.6f" % (wall * 1000, cpu * 1000), flush=True)
