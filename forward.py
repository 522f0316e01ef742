"""The tutorial's network run in NumPy: the same answers as Keras, without TensorFlow.

Importing TensorFlow takes most of the time main.py needs for one picture.
The tutorial's network is three matrix products: a Flatten, then Dense
layers with ReLU between them and a softmax at the end. A `.keras` file is a
zip archive holding the layers (config.json) and their weights
(model.weights.h5, read with h5py, which comes with TensorFlow but does not
import it). For such a model we read both and compute

    hidden = relu(x @ W1 + b1)
    hidden = relu(hidden @ W2 + b2)
    probabilities = softmax(hidden @ W3 + b3)

Any other model (a convnet from `build_model.py --arch cnn`, another
activation, weights that are not finite numbers) is not ours to run:
`load()` returns None and main.py loads it with Keras.
"""
import dataclasses
import io
import json
import zipfile

import numpy as np


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # minus the largest: no overflow
    return e / e.sum(axis=-1, keepdims=True)


# The activations NumPy computes in a line; "linear" is no activation.
ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0),
    "linear": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "softmax": softmax,
}


@dataclasses.dataclass
class Network:
    """A Flatten and Dense layers: what `predict_on_batch` needs of a Keras model."""
    input_shape: tuple  # as Keras says it: (None, 28, 28)
    layers: list  # (weights, bias, activation name) for each Dense layer

    @property
    def output_shape(self):
        return (None, self.layers[-1][0].shape[1])

    def predict_on_batch(self, x):
        """The probabilities for a batch of inputs, as Keras computes them (float32)."""
        x = np.asarray(x, np.float32).reshape(len(x), -1)  # Flatten
        for weights, bias, activation in self.layers:  # Dense
            x = ACTIVATIONS[activation](x @ weights + bias)
        return x


def load(path):
    """The model at `path` as a Network, or None if NumPy alone should not run it
    (not a zip, layers other than Flatten and Dense, an unknown activation,
    weights missing or not finite). Raises OSError if the file cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            weights_file = archive.read("model.weights.h5")
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None  # not a Keras 3 file as we know it: Keras will say what is wrong
    if config.get("class_name") != "Sequential":
        return None
    layers = config["config"].get("layers", [])
    if not layers or layers[0].get("class_name") != "InputLayer":
        return None
    input_shape = tuple(layers[0]["config"].get("batch_shape") or ())
    dense = []
    for layer in layers[1:]:
        kind, settings = layer.get("class_name"), layer.get("config", {})
        if kind == "Flatten" and not dense:
            continue
        if kind != "Dense" or settings.get("activation") not in ACTIVATIONS \
                or not settings.get("use_bias", True):
            return None
        dense.append(settings["name"])
    if not dense or len(input_shape) < 2:
        return None
    try:
        import h5py  # only here: a model we will not run in NumPy does not need it
        with h5py.File(io.BytesIO(weights_file), "r") as h5:
            stored = [(np.asarray(h5[f"layers/{name}/vars/0"], np.float32),
                       np.asarray(h5[f"layers/{name}/vars/1"], np.float32)) for name in dense]
    except (ImportError, KeyError, OSError, ValueError):
        return None
    activations = [layer["config"]["activation"] for layer in layers if layer["class_name"] == "Dense"]
    size = int(np.prod(input_shape[1:]))
    for weights, bias in stored:  # each layer must feed the next
        if weights.ndim != 2 or weights.shape[0] != size or bias.shape != weights.shape[1:]:
            return None
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            return None
        size = weights.shape[1]
    if activations[-1] != "softmax":
        return None  # a model that gives logits: Keras's loader judges it
    return Network(input_shape, [(w, b, a) for (w, b), a in zip(stored, activations)])
