"""The seed MLP in JAX: the whole training step (batch gather, forward, loss,
gradient, Adam) is one jax.jit, so XLA compiles it into one fused CPU program.

    python tools/peers/jax_mlp.py [--data DIR] [--epochs 3] [--batch 100] [--seed 5] [--threads N]

Threads: XLA's CPU pool takes the CPU set, which common.setup() pins before
jax is imported; with one thread XLA is also told not to use Eigen's pool.
"""
import functools
import os

import common

args = common.setup("JAX")
if args.threads == 1:
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false").strip()

import jax  # noqa: E402  (after the pinning above)
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_platforms", "cpu")
B = args.batch


def forward(params, pixels):
    h = pixels.astype(jnp.float32) * common.SCALE
    for w, b in params[:-1]:
        h = jax.nn.relu(h @ w + b)
    w, b = params[-1]
    return h @ w + b


def loss_fn(params, pixels, labels):
    logp = jax.nn.log_softmax(forward(params, pixels))
    return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))


def adam(params, grads, m, v, t):
    """TF1's Adam (as the seed and clmlp): the bias correction folded into the step size."""
    lr_t = common.LR * jnp.sqrt(1 - common.BETA2**t) / (1 - common.BETA1**t)
    m = jax.tree.map(lambda m, g: common.BETA1 * m + (1 - common.BETA1) * g, m, grads)
    v = jax.tree.map(lambda v, g: common.BETA2 * v + (1 - common.BETA2) * g * g, v, grads)
    params = jax.tree.map(lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + common.EPS), params, m, v)
    return params, m, v


# The state is donated: XLA updates parameters and moments in place.
@functools.partial(jax.jit, donate_argnums=0)
def train_step(state, x, y, order, i):
    """state = (params, m, v, t, loss_sum); batch i of `order`, gathered on the device."""
    params, m, v, t, loss_sum = state
    idx = jax.lax.dynamic_slice_in_dim(order, i * B, B)
    loss, grads = jax.value_and_grad(loss_fn)(params, x[idx], y[idx])
    t = t + 1
    params, m, v = adam(params, grads, m, v, t.astype(jnp.float32))
    return params, m, v, t, loss_sum + loss


@jax.jit
def correct_in(params, pixels, labels):
    return jnp.sum(jnp.argmax(forward(params, pixels), axis=1) == labels)


data = common.load_mnist(args.data)
x_train, y_train = jnp.asarray(data["x_train"]), jnp.asarray(data["y_train"])
x_test, y_test = jnp.asarray(data["x_test"]), jnp.asarray(data["y_test"])
params0 = [(jnp.asarray(w), jnp.asarray(b)) for w, b in common.init_params(args.seed)]
zeros = jax.tree.map(jnp.zeros_like, params0)
state = None


def fresh_state():
    # Copies: the step donates (and so invalidates) the arrays it is given.
    copy = lambda tree: jax.tree.map(jnp.copy, tree)  # noqa: E731
    return copy(params0), copy(zeros), copy(zeros), jnp.int32(0), jnp.float32(0)


def warm_up(order):
    global state
    out = train_step(fresh_state(), x_train, y_train, jnp.asarray(order), 0)
    correct_in(out[0], x_test[: common.EVAL_BATCH], y_test[: common.EVAL_BATCH]).block_until_ready()
    state = fresh_state()


def train_epoch(order):
    global state
    order = jnp.asarray(order)
    steps = len(order) // B
    params, m, v, t, _ = state
    state = (params, m, v, t, jnp.float32(0))
    for i in range(steps):
        state = train_step(state, x_train, y_train, order, i)
    return float(state[4]) / steps  # waits for the last step: jax dispatches asynchronously


def evaluate():
    params = state[0]
    return int(sum(correct_in(params, x_test[s : s + common.EVAL_BATCH], y_test[s : s + common.EVAL_BATCH])
                   for s in range(0, len(x_test), common.EVAL_BATCH)))


common.run(args, "jax", jax.__version__, data, warm_up, train_epoch, evaluate, backend=jax.default_backend())
