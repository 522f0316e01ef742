"""model.fit for the tutorial's small network, an epoch at a time.

Keras's model.fit takes one training step at a time. For a network this
small a step's own arithmetic is quick, and the work around it (fetching
the batch through tf.data, starting the step, updating the metrics) takes
longer. `fit` below has XLA compile the steps themselves into one program
that runs many steps per call, so that work goes away. The maths is
model.fit's: the same held-out validation split, a fresh shuffle each
epoch, the same batches (the last one smaller), and the loss and optimiser
given to model.compile, applied once per batch.

It suits models whose layers XLA can compile; build_model.py uses
model.fit for the convnet, whose augmentation layers it cannot.
"""

import numpy as np

from tf_quiet import import_keras

keras = import_keras()  # first: it keeps TensorFlow's start-up log quiet
import tensorflow as tf  # noqa: E402  (loaded by now, with Keras)

STEPS_PER_CALL = 200  # the progress bar moves between calls


def fit(model, x, y, epochs, batch_size, validation_split=0.0, verbose=1, shuffle=True):
    """Train as model.fit(x, y, ...) does; return the history, as a dict of
    per-epoch lists (loss, accuracy, and val_ ones with validation_split).

    verbose: 0 silent, 1 a progress bar, 2 one line per epoch.
    """
    # Hold out the last part for validation, before shuffling, as model.fit does.
    n = int(len(x) * (1 - validation_split))
    x_val, y_val = x[n:], y[n:]
    x, y = tf.constant(x[:n]), tf.constant(y[:n])
    steps = -(-n // batch_size)
    run_steps = compile_steps(model, x, y, batch_size)

    history = {}
    for epoch in range(epochs):
        if verbose:
            print(f"Epoch {epoch + 1}/{epochs}")
        bar = keras.utils.Progbar(steps, verbose=verbose,
                                  stateful_metrics=["accuracy", "loss"])
        # A new order each epoch; -1 pads the last batch to full size, and
        # counts for nothing.
        order = np.full(steps * batch_size, -1, np.int32)
        order[:n] = np.random.permutation(n) if shuffle else np.arange(n)
        order = tf.constant(order)
        loss_sum = correct = 0.0
        for start in range(0, steps, STEPS_PER_CALL):
            stop = min(start + STEPS_PER_CALL, steps)
            losses, hits = run_steps(order, start, stop)
            loss_sum, correct = loss_sum + float(losses), correct + float(hits)
            seen = min(stop * batch_size, n)
            logs = {"accuracy": correct / seen, "loss": loss_sum / seen}
            if stop < steps:
                bar.update(stop, list(logs.items()))
        if validation_split:
            val_loss, val_accuracy = model.evaluate(x_val, y_val, batch_size=1000, verbose=0)
            logs.update(val_accuracy=val_accuracy, val_loss=val_loss)
        bar.update(steps, list(logs.items()), finalize=True)
        for name, value in logs.items():
            history.setdefault(name, []).append(value)
    return history


def compile_steps(model, x, y, batch_size):
    """An XLA program that runs training steps start..stop of an epoch.

    Returns the sums of the loss and of the right answers over those steps.
    """
    loss_fn = keras.losses.get(model.loss)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)

    def step(batch, totals):
        weight = tf.cast(batch >= 0, tf.float32)  # 0 for the padding
        batch = tf.maximum(batch, 0)
        x_batch, y_batch = tf.gather(x, batch), tf.gather(y, batch)
        with tf.GradientTape() as tape:
            prediction = model(x_batch, training=True)
            losses = loss_fn(y_batch, prediction) * weight
            loss = tf.reduce_sum(losses) / tf.reduce_sum(weight)  # the batch's mean
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        hits = tf.cast(tf.equal(tf.argmax(prediction, axis=1, output_type=y.dtype), y_batch),
                       tf.float32) * weight
        return totals[0] + tf.reduce_sum(losses), totals[1] + tf.reduce_sum(hits)

    @tf.function(jit_compile=True)
    def run_steps(order, start, stop):
        def body(i, totals):
            return i + 1, step(tf.slice(order, [i * batch_size], [batch_size]), totals)
        _, totals = tf.while_loop(lambda i, _: i < stop, body,
                                  (start, (tf.constant(0.0), tf.constant(0.0))))
        return totals

    return lambda order, start, stop: run_steps(order, tf.constant(start), tf.constant(stop))
