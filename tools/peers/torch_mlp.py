"""The seed MLP in PyTorch, eager mode: nn.Linear layers, torch.optim.Adam, the
batch gathered from uint8 tensors as the other peers do.

    python3 tools/peers/torch_mlp.py [--data DIR] [--epochs 3] [--batch 100] [--seed 5] [--threads N]

Threads: torch.set_num_threads(N) (OpenMP), OPENBLAS_NUM_THREADS=N for the
GEMMs where torch calls OpenBLAS (Debian's build), on the CPU set
common.setup() pinned. OpenMP's threads spin while they wait for work; on
cores that other processes share, that collapses (a step of 7 ms took 350 ms
on the 2 shared cores of the machine this was written on), and
OMP_WAIT_POLICY=PASSIVE avoids it. The line says which policy ran.
"""
import ctypes
import os

import common

args = common.setup("PyTorch")

import torch  # noqa: E402  (after the pinning above)
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
B = args.batch

data = common.load_mnist(args.data)
x_train, y_train = torch.from_numpy(data["x_train"]), torch.from_numpy(data["y_train"]).long()
x_test, y_test = torch.from_numpy(data["x_test"]), torch.from_numpy(data["y_test"]).long()

sizes = common.LAYERS
linears = [torch.nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes, sizes[1:])]
model = torch.nn.Sequential(*[m for lin in linears for m in (lin, torch.nn.ReLU())][:-1])
with torch.no_grad():
    for lin, (w, b) in zip(linears, common.init_params(args.seed)):
        lin.weight.copy_(torch.from_numpy(w.T))  # Linear keeps W as (out, in)
        lin.bias.copy_(torch.from_numpy(b))
initial = {k: v.clone() for k, v in model.state_dict().items()}


def new_adam():
    # torch's Adam divides by sqrt(v_hat) + eps, TF1's by sqrt(v) + eps: the
    # same step but for where eps (1e-8) enters. Its own default implementation.
    return torch.optim.Adam(model.parameters(), lr=common.LR, betas=(common.BETA1, common.BETA2), eps=common.EPS)


opt = new_adam()


def pixels(x, idx):
    return x[idx].float().mul_(common.SCALE)


def train_step(idx):
    loss = F.cross_entropy(model(pixels(x_train, idx)), y_train[idx])
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.detach()


def correct_in(start):
    idx = slice(start, start + common.EVAL_BATCH)
    return int((model(pixels(x_test, idx)).argmax(1) == y_test[idx]).sum())


def warm_up(order):
    global opt
    train_step(torch.from_numpy(order[:B]).long())
    with torch.no_grad():
        correct_in(0)
    model.load_state_dict(initial)  # back to the initial parameters, with a fresh Adam
    opt = new_adam()


def train_epoch(order):
    order = torch.from_numpy(order).long()
    steps = len(order) // B
    loss_sum = torch.zeros(())
    for i in range(steps):
        loss_sum += train_step(order[i * B : (i + 1) * B])
    return float(loss_sum) / steps


def evaluate():
    with torch.no_grad():
        return sum(correct_in(s) for s in range(0, len(x_test), common.EVAL_BATCH))


def blas():
    """The BLAS that torch's GEMMs call: Debian's build links the system's libblas.so.3."""
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_config.restype = lib.openblas_get_corename.restype = ctypes.c_char_p
    except (OSError, AttributeError):
        return "not-OpenBLAS"
    return f"OpenBLAS-{lib.openblas_get_config().split()[1].decode()}-{lib.openblas_get_corename().decode()}"


common.run(args, "torch", torch.__version__, data, warm_up, train_epoch, evaluate,
           blas=blas(), omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "default"))
