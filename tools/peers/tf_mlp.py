"""The seed MLP in TensorFlow 2, the seed's own framework: Keras Dense layers and
Keras Adam, one training step (batch gather, forward, loss, gradient, Adam) as
a tf.function, i.e. one TF graph per step as the seed's sess.run was. No
jit_compile: XLA is what jax_mlp.py measures; this is TensorFlow's own runtime.

    python tools/peers/tf_mlp.py [--data DIR] [--epochs 3] [--batch 100] [--seed 5] [--threads N]

Threads: tf.config.threading sets the intra- and inter-op pools to N, on the
CPU set common.setup() pinned.
"""
import os

import common

args = common.setup("TensorFlow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # no banner about CPU instructions on every run

import keras  # noqa: E402  (after the pinning above)
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)
B = args.batch

data = common.load_mnist(args.data)
x_train, y_train = tf.constant(data["x_train"]), tf.constant(data["y_train"])
x_test, y_test = tf.constant(data["x_test"]), tf.constant(data["y_test"])

sizes = common.LAYERS
model = keras.Sequential(
    [keras.Input((sizes[0],))]
    + [keras.layers.Dense(n, activation="relu") for n in sizes[1:-1]]
    + [keras.layers.Dense(sizes[-1])]
)
model.set_weights([a for layer in common.init_params(args.seed) for a in layer])
# Keras' Adam is TF1's (bias correction in the step size); its epsilon default is 1e-7.
opt = keras.optimizers.Adam(learning_rate=common.LR, beta_1=common.BETA1, beta_2=common.BETA2, epsilon=common.EPS)
opt.build(model.trainable_variables)
loss_sum = tf.Variable(0.0)
initial = [v.numpy() for v in model.variables + opt.variables]


def batch(x, y, idx):
    return tf.cast(tf.gather(x, idx), tf.float32) * common.SCALE, tf.gather(y, idx)


@tf.function(input_signature=[tf.TensorSpec([None], tf.int32), tf.TensorSpec([], tf.int32)])
def train_step(order, i):
    pixels, labels = batch(x_train, y_train, order[i * B : (i + 1) * B])
    with tf.GradientTape() as tape:
        logits = model(pixels, training=True)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    loss_sum.assign_add(loss)


@tf.function(input_signature=[tf.TensorSpec([], tf.int32)])
def correct_in(start):
    end = tf.minimum(start + common.EVAL_BATCH, len(data["x_test"]))
    pixels, labels = batch(x_test, y_test, tf.range(start, end))
    predicted = tf.argmax(model(pixels, training=False), axis=1, output_type=tf.int32)
    return tf.reduce_sum(tf.cast(predicted == labels, tf.int32))


def warm_up(order):
    train_step(tf.constant(order), tf.constant(0))
    correct_in(tf.constant(0)).numpy()
    for v, value in zip(model.variables + opt.variables, initial):  # back to the initial state
        v.assign(value)


def train_epoch(order):
    order = tf.constant(order)
    steps = len(order) // B
    loss_sum.assign(0.0)
    for i in range(steps):
        train_step(order, tf.constant(i))
    return float(loss_sum.numpy()) / steps


def evaluate():
    return sum(int(correct_in(tf.constant(s))) for s in range(0, len(data["x_test"]), common.EVAL_BATCH))


common.run(args, "tf", tf.__version__, data, warm_up, train_epoch, evaluate, keras=keras.__version__)
