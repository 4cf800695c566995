"""The seed recipe as every peer runs it: options, thread pinning, MNIST, the
initial parameters, the epoch orders, the timing and the result line.

A peer script (jax_mlp.py, tf_mlp.py, torch_mlp.py) calls setup() first,
imports its framework only after it (frameworks size their thread pools from
the CPU set and the environment at import), builds the model from
init_params(), and hands three functions to run():

    warm_up(order)      one training step and one evaluation batch (tracing,
                        compiling, first allocations), then the initial state back
    train_epoch(order)  one epoch over the batches of `order`; returns the mean
                        loss, read back from the framework, so the work is done
    evaluate()          correct predictions over the 10 000 test images
"""
import argparse
import gzip
import os
import resource
import struct
import sys
import time
from pathlib import Path

import numpy as np

from line import format_line

# The seed (configs/seed-mlp.yaml, from the seed's TF1 code): 784-400-400-500-10,
# ReLU, weights and biases from N(0, 1) (tf.random_normal), mean softmax
# cross-entropy, Adam with TF1's defaults (lr 1e-3, eps 1e-8), batch 100.
LAYERS = (784, 400, 400, 500, 10)
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
EVAL_BATCH = 1000  # clmlp's training.eval_batch_size default
SCALE = 1.0 / 255.0  # pixels to [0, 1], as the seed's input_data and clmlp's gather

REPO = Path(__file__).resolve().parents[2]
MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


def fail(message):
    sys.exit(f"{Path(sys.argv[0]).name}: {message}")


def setup(peer):
    """Parses the options every peer takes and pins the threads."""
    cpus = sorted(os.sched_getaffinity(0))
    ap = argparse.ArgumentParser(description=f"The seed MLP in {peer}; prints one result line.")
    ap.add_argument("--data", default=str(REPO / "data" / "mnist"), help="folder with the four MNIST .gz files")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--seed", type=int, default=5, help="initial parameters and shuffle (default 5, as the config)")
    ap.add_argument("--threads", type=int, default=len(cpus), help=f"CPU threads (default: all {len(cpus)})")
    args = ap.parse_args()
    if not 1 <= args.threads <= len(cpus):
        fail(f"--threads {args.threads}: this process may use 1..{len(cpus)} CPUs")
    if args.epochs < 1 or args.batch < 1:
        fail("--epochs and --batch must be at least 1")
    pin_threads(cpus[: args.threads])
    return args


def pin_threads(cpus):
    """Runs this process on `cpus` only. XLA and TensorFlow size their pools
    from the CPU set; the environment covers OpenMP and OpenBLAS (PyTorch).
    Each script also tells its framework the count where it has a call for it."""
    os.sched_setaffinity(0, cpus)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(len(cpus))


def read_idx(path):
    """An IDX file (gzip): uint8 images as rows of pixels, or uint8 labels."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail(f"{path}: not an IDX file (too short)")
    (magic,) = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 3):  # 0x08: unsigned bytes
        fail(f"{path}: not an IDX file of bytes (magic {magic:#010x})")
    dims = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    # A bytearray, so the arrays are writable (torch.from_numpy warns otherwise).
    values = np.frombuffer(bytearray(data), np.uint8, offset=4 + 4 * ndim)
    if values.size != np.prod(dims):
        fail(f"{path}: {values.size} bytes of data, the header says {np.prod(dims)}")
    return values.reshape(dims[0], -1) if ndim == 3 else values


def load_mnist(folder):
    """The four MNIST sets: pixels as uint8 (each framework scales them in its
    step, as clmlp does on the device), labels as int32."""
    sets = {}
    for key, name in MNIST_FILES.items():
        path = Path(folder) / name
        if not path.is_file():
            fail(f"{path} is missing (tools/fetch-data puts MNIST in data/mnist)")
        sets[key] = read_idx(path)
    for kind in ("train", "test"):
        if len(sets["x_" + kind]) != len(sets["y_" + kind]):
            fail(f"{folder}: {kind} images and labels differ in count")
        sets["y_" + kind] = sets["y_" + kind].astype(np.int32)
    return sets


def init_params(seed):
    """[(W, b)] per layer, W of shape (fan_in, fan_out), every value from
    N(0, 1). Drawn here, once, so all peers start from the same numbers."""
    rng = np.random.default_rng([seed, 0])
    return [
        (rng.standard_normal((fan_in, fan_out), dtype=np.float32), rng.standard_normal(fan_out, dtype=np.float32))
        for fan_in, fan_out in zip(LAYERS, LAYERS[1:])
    ]


def epoch_orders(seed, n, epochs):
    """One seeded permutation of the training set per epoch (the same for all
    peers); an epoch runs n // batch full batches, as clmlp does."""
    return [np.random.default_rng([seed, 1, e]).permutation(n).astype(np.int32) for e in range(epochs)]


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run(args, peer, version, data, warm_up, train_epoch, evaluate, **extra):
    """Times the three pieces the same way for every peer and prints the line."""
    n_train = len(data["x_train"])
    if args.batch > n_train:
        fail(f"--batch {args.batch} is larger than the {n_train} training images")
    orders = epoch_orders(args.seed, n_train, args.epochs)

    start = time.perf_counter()
    warm_up(orders[0])
    compile_s = time.perf_counter() - start

    epoch_s, losses = [], []
    for order in orders:
        start = time.perf_counter()
        losses.append(train_epoch(order))
        epoch_s.append(time.perf_counter() - start)

    start = time.perf_counter()
    correct = evaluate()
    eval_s = time.perf_counter() - start

    fields = dict(peer=peer, version=version, batch=args.batch, epochs=args.epochs, threads=args.threads,
                  steps=n_train // args.batch, epoch_s=epoch_s, compile_s=compile_s, eval_s=eval_s,
                  accuracy=correct / len(data["x_test"]), loss=losses, peak_rss_mib=round(peak_rss_mib()))
    print(format_line({**fields, **extra}), flush=True)
