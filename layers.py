"""The learner's network run layer by layer, fast enough for a live pad.

draw.py shows what each layer makes of the drawing. model.predict's
overhead per call alone is tens of milliseconds, so the tutorial's MLP runs
as a NumPy forward pass (each layer's activations come out on the way), and
any other model (the convnet) as one Keras model that returns its layers'
outputs. The weights can be broken (biases dropped, noise added) and
restored, to show what each part does.
"""
import dataclasses

import numpy as np

from forward import ACTIVATIONS  # the activations NumPy computes in a line

NOISE = 0.5  # each `n` adds noise with half the spread of each layer's weights


# ## The network, layer by layer: every hidden layer's activations, fast
@dataclasses.dataclass
class Reading:
    """What the network made of the drawing."""
    x: np.ndarray = None  # the 28x28 input it saw
    hidden: list = None  # each shown hidden layer's activations
    inputs: list = None  # what each shown hidden layer received (to look inside)
    probabilities: np.ndarray = None
    reason: str = None  # why there is nothing to read (an empty pad)


@dataclasses.dataclass
class Grid:
    """A hidden layer shown as a grid of its neurons: rows x cols tiles, each
    a single activation (a dense layer) or a feature map (a convolution)."""
    title: str
    rows: int
    cols: int
    tile: tuple = (1, 1)


def network_for(model):
    """The fastest way to run this model layer by layer."""
    kinds = {type(layer).__name__ for layer in model.layers}
    if kinds <= {"InputLayer", "Flatten", "Dense", "Dropout"} and DenseNetwork.fits(model):
        return DenseNetwork(model)
    return KerasNetwork(model)


class Network:
    """Weights that can be broken and restored; the subclasses run them."""

    def __init__(self, model):
        self.model = model
        self.original = [np.array(w) for w in model.get_weights()]
        self.is_bias = [v.name == "bias" for v in model.weights]
        self.weights = [w.copy() for w in self.original]
        self.rng = np.random.default_rng(0)
        self.no_bias, self.noise = False, 0

    def state(self):
        """What has been done to the weights, for the title ('' when intact)."""
        done = (["biases dropped"] if self.no_bias else []) + (
            [f"weights noised x{self.noise}"] if self.noise else [])
        return ", ".join(done)

    def drop_biases(self):
        self.no_bias = True
        self.weights = [np.zeros_like(w) if bias else w
                        for w, bias in zip(self.weights, self.is_bias)]
        self.use(self.weights)

    def add_noise(self):
        self.noise += 1
        self.weights = [w if bias else
                        (w + self.rng.normal(0, NOISE * w.std(), w.shape)).astype(w.dtype)
                        for w, bias in zip(self.weights, self.is_bias)]
        self.use(self.weights)

    def restore(self):
        self.no_bias, self.noise = False, 0
        self.weights = [w.copy() for w in self.original]
        self.use(self.weights)

    def use(self, weights):
        """Run with these weights from now on, here and in the model itself
        (which reads a whole number as main.py does)."""
        self.model.set_weights(weights)


class DenseNetwork(Network):
    """The tutorial's MLP (Flatten, then Dense layers) as a NumPy forward
    pass: a few microseconds, and every layer's activations on the way."""

    @staticmethod
    def fits(model):
        dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
        return (len(model.get_weights()) == 2 * len(dense)
                and all(layer.get_config().get("activation") in ACTIVATIONS
                        and layer.get_config().get("use_bias", True) for layer in dense))

    def __init__(self, model):
        super().__init__(model)
        dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
        self.activations = [ACTIVATIONS[layer.get_config()["activation"]] for layer in dense]
        self.grids = [Grid(f"layer {n}: {w.shape[1]} neurons", *grid_shape(w.shape[1]))
                      for n, w in enumerate(self.weights[0:-2:2], 1)]

    def read(self, x):
        a = x.reshape(-1).astype(np.float32)
        inputs, outputs = [], []
        for kernel, bias, activation in zip(self.weights[0::2], self.weights[1::2],
                                            self.activations):
            inputs.append(a)
            a = activation(a @ kernel + bias)
            outputs.append(a)
        return Reading(x, outputs[:-1], inputs[:-1], outputs[-1])

    def look_inside(self, layer, neuron, reading):
        """The weights this neuron learnt and what each part of the drawing
        adds to it: two pictures, each with its title."""
        kernel = self.weights[2 * layer]
        if layer == 0:  # its 784 weights, one for each pixel
            weights = kernel[:, neuron].reshape(28, 28)
            what = "its 784 weights\n(one for each pixel)"
        else:  # one weight from each neuron of the layer before
            weights = to_grid(kernel[:, neuron], self.grids[layer - 1])
            strongest = np.argsort(kernel[:, neuron])[::-1][:3]
            what = "its weights from\nlayer {} (most from {})".format(
                layer, ", ".join(str(n) for n in strongest))
        push = None
        if reading is not None and reading.x is not None:
            # Through the neurons of earlier layers that are on (a ReLU that
            # is off passes nothing), each pixel's share of this neuron's sum.
            through = kernel[:, neuron]
            for earlier in range(layer - 1, -1, -1):
                on = reading.hidden[earlier] > 0
                through = self.weights[2 * earlier] @ (through * on)
            push = (reading.x.reshape(-1) * through).reshape(28, 28)
        what = f"layer {layer + 1}, neuron {neuron}: {what}"
        return weights, what, push, "what each part of the drawing\nadds to it (input x weight)"


class KerasNetwork(Network):
    """Any other model (the convnet): one Keras model, built once, that
    returns the first convolution's feature maps, each hidden dense layer's
    activations (and what it received) and the probabilities."""

    def __init__(self, model):
        import keras
        super().__init__(model)
        conv = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"][:1]
        dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"][:-1]
        self.shown = conv + dense
        self.grids = []
        for layer in self.shown:
            shape = tuple(layer.output.shape[1:])
            if len(shape) == 3:  # feature maps: one tile each
                rows, cols = grid_shape(shape[2])
                self.grids.append(Grid(f"{layer.name}: {shape[2]} feature maps", rows, cols,
                                       shape[:2]))
            else:
                self.grids.append(Grid(f"{layer.name}: {shape[-1]} neurons",
                                       *grid_shape(shape[-1])))
        # Where each layer's weights are in model.get_weights().
        self.first = {}
        n = 0
        for layer in model.layers:
            self.first[layer.name] = n
            n += len(layer.weights)
        self.probe = keras.Model(model.inputs, [layer.output for layer in self.shown]
                                 + [layer.input for layer in self.shown] + [model.outputs[0]])
        self.input_shape = (1,) + tuple(model.input_shape[1:])
        self.read(np.zeros((28, 28), np.float32))  # compiled now, not at the first stroke

    def read(self, x):
        # predict_on_batch runs the model as one compiled TensorFlow graph:
        # under a millisecond here, against 7 for calling it eagerly and tens
        # for model.predict, which sets up a dataset each time.
        outputs = [o[0] for o in
                   self.probe.predict_on_batch(x.reshape(self.input_shape).astype(np.float32))]
        k = len(self.shown)
        return Reading(x, outputs[:k], outputs[k:2 * k], outputs[-1])

    def look_inside(self, layer, neuron, reading):
        shown = self.shown[layer]
        kernel = self.weights[self.first[shown.name]]
        received = None if reading is None or reading.x is None else reading.inputs[layer]
        if kernel.ndim == 4:  # a convolution: its small kernel, and the map it makes
            weights = kernel[:, :, :, neuron].mean(axis=2)
            push = None if received is None else reading.hidden[layer][:, :, neuron]
            h, w = weights.shape
            return (weights, f"{shown.name}, map {neuron}: its\n{h}x{w} kernel", push,
                    "what it finds\nin the drawing")
        weights = kernel[:, neuron]
        shape = self.fed_shape(shown)
        push = None if received is None else tiles(received.reshape(-1) * weights, shape)
        what = f"{shown.name}, neuron {neuron}: its\n{weights.size} weights"
        return tiles(weights, shape), what, push, "what each input\nadds to it (input x weight)"

    def fed_shape(self, layer):
        """The shape of what feeds a dense layer, before it was flattened."""
        i = self.model.layers.index(layer) - 1
        while i >= 0 and type(self.model.layers[i]).__name__ == "Dropout":
            i -= 1
        if i >= 0 and type(self.model.layers[i]).__name__ == "Flatten":
            return tuple(self.model.layers[i].input.shape[1:])
        return tuple(layer.input.shape[1:])


def grid_shape(n):
    """Rows and columns for n tiles, about twice as wide as tall: 128 -> 8x16."""
    rows = max(r for r in range(1, int(np.sqrt(n / 2)) + 2) if n % r == 0)
    return rows, n // rows


def to_grid(values, grid):
    return np.asarray(values).reshape(grid.rows, grid.cols)


def tiles(values, shape):
    """Values shaped (h, w, maps) laid out as a mosaic of maps, one pixel apart;
    a flat vector of another shape as one row."""
    if len(shape) == 2 and np.prod(shape) == np.size(values):
        return np.asarray(values).reshape(shape)
    if len(shape) != 3:
        return np.asarray(values).reshape(1, -1)
    h, w, maps = shape
    rows, cols = grid_shape(maps)
    values = np.asarray(values).reshape(h, w, maps)
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan, np.float32)
    for m in range(maps):
        r, c = divmod(m, cols)
        out[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = values[:, :, m]
    return out
