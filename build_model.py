"""Train the tutorial's handwriting network on MNIST and save it.

The sections below follow the tutorial in order: load the data, scale the
pixels, build the model, compile it, evaluate it untrained, train it,
evaluate it again, save it. `python build_model.py` reproduces the tutorial;
`python build_model.py --help` lists the options that go beyond it.
"""
# First, so that from here on Ctrl-C is one line and closed streams are handled.
from tf_quiet import import_keras, run_script  # isort: skip

import argparse
import os
import sys
import time
import zipfile

import numpy as np

import compiled_fit
import safe_write

keras = import_keras()  # TensorFlow's Keras 3, without its C++ start-up log
layers = keras.layers

# The data and the model live beside this script, wherever it is run from.
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "mnist.npz")
OUTPUT = os.path.join(HERE, "handwriting.keras")

# The tutorial holds out 10% of the training digits to watch for overfitting.
VALIDATION_SPLIT = 0.1
# More passes than this is a typo (and overflows the convnet's schedule).
MAX_EPOCHS = 100_000
# Each architecture's tutorial-style defaults; flags override them.
DEFAULTS = {
    "mlp": {"epochs": 3, "batch_size": 32},
    "cnn": {"epochs": 15, "batch_size": 128},
}


class DataError(ValueError):
    """The dataset file is missing or is not MNIST as we expect it."""


# ## Load the data
# More digits than this in a split is a mistake, or a file made to exhaust
# memory: refused from the arrays' declared shapes, before they are read.
# (MNIST has 60,000; EMNIST's digits, 240,000.)
MAX_DIGITS = 250_000


def load_data(path, limit=None):
    """Load `path` and check it holds MNIST: 28x28 uint8 digits, labels 0-9.

    Only the first `limit` training digits are read, if given. Each array's
    declared type and shape are checked before any of its data is read.
    (The tutorial's `np.load(path)`, which reads whatever the file declares.)
    """
    if not os.path.exists(path):
        hint = " (mnist.npz ships with the project: `git checkout mnist.npz`)" if path == DATA else ""
        raise DataError("no such file" + hint)
    if not os.path.isfile(path):
        raise DataError("not a file")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":  # every .npz file is a zip archive
            raise DataError("not a .npz file (it does not start as a zip archive does)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n[:-4] for n in archive.namelist() if n.endswith(".npy")]
            splits = {}
            for split in ("train", "test"):
                rows = limit if split == "train" else None
                splits[split] = read_split(archive, names, split, rows)
    except DataError:
        raise
    except Exception as error:  # zip, zlib and I/O errors all mean "unreadable"
        raise DataError(f"cannot be read as a .npz file ({type(error).__name__}: "
                        f"{str(error).splitlines()[0] if str(error) else 'truncated?'})")
    return splits["train"], splits["test"]


def read_split(archive, names, split, rows=None):
    """x_SPLIT and y_SPLIT from an open .npz archive, checked; the first
    `rows` of them only, if given."""
    if f"x_{split}" not in names or f"y_{split}" not in names:
        raise DataError(f"missing arrays x_{split} and y_{split}; found {sorted(names)}")
    with archive.open(f"x_{split}.npy") as fx, archive.open(f"y_{split}.npy") as fy:
        x_dtype, x_shape, x_fortran = read_npy_header(fx, f"x_{split}")
        y_dtype, y_shape, y_fortran = read_npy_header(fy, f"y_{split}")
        if x_dtype != np.uint8 or len(x_shape) != 3 or x_shape[1:] != (28, 28) or x_shape[0] <= 0:
            raise DataError(f"x_{split} should be uint8 of shape (N, 28, 28), "
                            f"got {x_dtype} {x_shape}")
        if y_shape != x_shape[:1] or y_dtype.kind not in "iu":
            raise DataError(f"y_{split} should be {x_shape[0]} integer labels, "
                            f"got {y_dtype} {y_shape}")
        count = x_shape[0] if rows is None else min(rows, x_shape[0])
        # Column-major arrays are read whole: their first rows are not together.
        if max(count, x_shape[0] if x_fortran or y_fortran else 0) > MAX_DIGITS:
            raise DataError(f"x_{split} declares {x_shape[0]:,} digits, more than the "
                            f"{MAX_DIGITS:,} this script reads"
                            + (" (--limit reads fewer)" if split == "train" else ""))
        x = read_rows(fx, f"x_{split}", x_dtype, x_shape, x_fortran, count)
        y = read_rows(fy, f"y_{split}", y_dtype, y_shape, y_fortran, count)
    if y.min() < 0 or y.max() > 9:
        raise DataError(f"y_{split} labels should be 0-9, got {y.min()}-{y.max()}")
    return x, y


def read_npy_header(f, name):
    """The declared dtype, shape and order of a .npy stream, read cheaply."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise DataError(f"{name} is in .npy format {version[0]}.{version[1]}, not 1.0 or 2.0")
    return dtype, shape, fortran_order


def read_rows(f, name, dtype, shape, fortran_order, count):
    """The first `count` rows of an array whose header has been read from `f`."""
    rows = shape[0] if fortran_order else count  # column-major: read whole
    size = rows * int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize
    data = f.read(size)
    if len(data) != size:
        raise DataError(f"{name} is cut short: the file is truncated")
    array = np.frombuffer(data, dtype).reshape((rows,) + tuple(shape[1:]),
                                              order="F" if fortran_order else "C")
    return array[:count]


# ## Build the model
def build_model(arch="mlp"):
    """The tutorial's 784-128-128-10 MLP, or a small convnet for real handwriting."""
    if arch == "mlp":
        return keras.Sequential([
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ], name="mlp")
    # After Keras's "Simple MNIST convnet", with light augmentation (active only
    # in training: shifts of 2 px, turns of 10 degrees, 8% zoom) so shifted,
    # slanted and resized handwriting still reads.
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
        layers.RandomRotation(0.03, fill_mode="constant"),
        layers.RandomZoom(0.08, fill_mode="constant"),
        layers.Conv2D(32, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(64, kernel_size=3, activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ], name="cnn")


def compile_model(model, total_steps):
    """Adam and sparse categorical crossentropy, as in the tutorial."""
    optimizer = "adam"
    if model.name == "cnn":
        # The convnet trains longer: a learning rate that decays to zero settles it.
        optimizer = keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(0.002, decay_steps=total_steps))
    # steps_per_execution: model.fit and model.evaluate run 100 batches per
    # call into TensorFlow, not one: the same maths, less overhead.
    model.compile(optimizer=optimizer,
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"],
                  steps_per_execution=100)


# ## Train and test
def train(model, x_train, y_train, epochs, batch_size):
    """Fit on the training split, holding out 10% to watch for overfitting.

    Returns the history: loss and accuracy per epoch, and their val_ twins.
    """
    # A progress bar on a terminal; one line per epoch in a log file or pipe.
    verbose = 1 if sys.stdout.isatty() else 2
    if model.name == "mlp":
        # The tutorial's model.fit(x_train, y_train, epochs=3, validation_split=0.1):
        # its maths, with XLA compiling many steps into one program:
        # over twice as fast for this small network (see compiled_fit.py).
        return compiled_fit.fit(model, x_train, y_train, epochs, batch_size,
                                validation_split=VALIDATION_SPLIT, verbose=verbose)
    # Scoring is not learning: 1,000 digits per step scores faster, same figures.
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                        validation_split=VALIDATION_SPLIT, validation_batch_size=1000,
                        verbose=verbose)
    return history.history


def test(model, x_test, y_test):
    """Return (cost, accuracy) on the test split."""
    cost, accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
    return cost, accuracy


# ## Save the model
def save_model(model, path):
    """Save atomically (see safe_write.py): an interrupted or failed save
    leaves any previous model untouched, and a symbolic link, folder or
    device at `path` is refused, never replaced."""
    safe_write.make_folders(os.path.dirname(os.path.abspath(path)))
    with safe_write.replacing(path) as tmp:
        model.save(tmp)


def shown_path(path):
    """A path as a person reads it: relative to here when it is below here."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA,
                        help="MNIST .npz file (default: mnist.npz beside build_model.py)")
    parser.add_argument("--output", default=OUTPUT,
                        help="where to save the model (default: handwriting.keras beside "
                             "build_model.py, where main.py looks for it)")
    parser.add_argument("--arch", choices=sorted(DEFAULTS), default="mlp",
                        help="mlp: the tutorial's network (default); cnn: a small convnet")
    parser.add_argument("--epochs", type=int,
                        help="passes over the training data (default: 3, cnn 15)")
    parser.add_argument("--batch-size", type=int,
                        help="images per training step (default: 32, cnn 128)")
    parser.add_argument("--seed", type=int, default=42,
                        help="random seed: the same seed gives the same model (default: %(default)s)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="train on the first N training digits only, for quick trials")
    parser.add_argument("--report", nargs="?", const="reports", metavar="DIR",
                        help="write training curves, a confusion matrix, the mistakes "
                             "and summary.json to DIR (default DIR: reports)")
    args = parser.parse_args(argv)
    for name, value in DEFAULTS[args.arch].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.epochs < 1 or args.batch_size < 1 or (args.limit is not None and args.limit < 10):
        parser.error("--epochs and --batch-size must be at least 1, --limit at least 10")
    if args.epochs > MAX_EPOCHS:
        parser.error(f"--epochs must be at most {MAX_EPOCHS:,}")
    if not 0 <= args.seed < 2**32:
        parser.error("--seed must be between 0 and 4294967295 (2**32 - 1), as NumPy's are")
    if not args.output.endswith(".keras"):
        parser.error("--output must end in .keras: Keras loads models only by that name")
    return args


def main(argv=None):
    args = parse_args(argv)
    # The same seed gives the same weights, run after run, on this CPU.
    keras.utils.set_random_seed(args.seed)

    # Load the data: 60,000 training and 10,000 test digits.
    path = args.data
    try:
        (x_train, y_train), (x_test, y_test) = load_data(path, limit=args.limit)
    except DataError as error:
        print(f"build_model.py: error: {path}: {error}", file=sys.stderr)
        return 2

    # Flags that depend on the data, and the output path: checked before training.
    trained_on = int(len(x_train) * (1 - VALIDATION_SPLIT))
    if args.batch_size == DEFAULTS[args.arch]["batch_size"]:
        args.batch_size = min(args.batch_size, trained_on)  # --limit 100 with cnn's 128
    if args.batch_size > trained_on:
        print(f"build_model.py: error: --batch-size {args.batch_size} is more than the "
              f"{trained_on} digits trained on", file=sys.stderr)
        return 2
    try:
        safe_write.check_writable(args.output)
    except OSError as error:
        print(f"build_model.py: error: cannot save {args.output}: {error.strerror}",
              file=sys.stderr)
        return 2

    # Scale pixels from 0-255 to 0-1. Dividing by a float32 255 gives float32,
    # what the network computes in: half the memory of float64, no conversion.
    images_test = x_test  # the pixels as they were, for --report's pictures
    x_train = x_train / np.float32(255)
    x_test = x_test / np.float32(255)
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")

    # Build and compile the model.
    model = build_model(args.arch)
    steps_per_epoch = -(-trained_on // args.batch_size)
    compile_model(model, total_steps=args.epochs * steps_per_epoch)

    # Evaluate the untrained model: about 10% accuracy, a guess per digit.
    cost, accuracy = test(model, x_test, y_test)
    print(f"Initial cost: {cost:.4f}, Initial accuracy: {accuracy:.4f}")

    # Train on the training split only.
    start = time.perf_counter()
    history = train(model, x_train, y_train, args.epochs, args.batch_size)
    seconds = time.perf_counter() - start

    # Evaluate again on digits the model has never seen.
    cost, accuracy = test(model, x_test, y_test)
    print(f"Final cost: {cost:.4f}, Final accuracy: {accuracy:.4f}")
    print(f"Trained in {seconds:.2f} s")

    # Save it for main.py.
    try:
        save_model(model, args.output)
    except OSError as error:
        print(f"build_model.py: error: cannot save {args.output}: {error.strerror}",
              file=sys.stderr)
        return 1
    print(f"Saved {shown_path(args.output)}")

    # Optionally, pictures of what was learnt.
    if args.report:
        from report import write_report
        probabilities = model.predict(x_test, batch_size=1000, verbose=0)
        try:
            paths = write_report(args.report, history, images_test,
                                 y_test, probabilities, seconds, args)
        except OSError as error:
            print(f"build_model.py: error: cannot write the report to {args.report}: "
                  f"{error.strerror}", file=sys.stderr)
            return 1
        print(f"Report: {', '.join(paths)}")
    return 0


if __name__ == "__main__":
    run_script(main)
