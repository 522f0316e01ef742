"""What a model file must be before Keras reads it, and what the model must do.

A .keras file is a zip archive: a few bytes of it can declare gigabytes of
configuration, layers or weights. Each member's declared size, the layers
config.json asks for and the weights' declared shapes are checked before
TensorFlow unpacks anything; once loaded, the model must map 28x28 pixels
to ten probabilities. Every refusal is one line (SetupError).
"""
import io
import json
import os
import stat
import zipfile

import numpy as np

from safe_write import safe_name

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "handwriting.keras")  # where build_model.py saves it


class SetupError(Exception):
    """Something to fix before any image can be read (message: one line)."""


def first_line(error):
    return safe_name(str(error).strip().splitlines()[0]) if str(error).strip() \
        else type(error).__name__


# What a digit model's .keras file may unpack to, checked before Keras reads
# it: the tutorial's holds 4 KB of configuration and 1.4 MB of weights.
MODEL_BUDGET = {"config.json": 2**20, "metadata.json": 2**16, "model.weights.h5": 64 * 2**20,
                "model.weights.npz": 64 * 2**20}
MODEL_OTHER_BUDGET = 2**20  # anything else in the file, all together
# The layers config.json declares are built (their weights allocated) before
# any weight is read: a few bytes can ask for gigabytes. An estimate, high on
# purpose, of their numbers: the tutorial's is 0.2 million, the convnet's 5.
MODEL_MAX_WEIGHTS = 200_000_000
MODEL_MAX_VALUES = 2**22  # in one layer's input or output (the convnet's largest: 21,632)
# What the weights file's arrays may take once read, by their declared shapes:
# a compressed array can declare gigabytes in a few bytes.
MODEL_MAX_WEIGHT_BYTES = 256 * 2**20
WIDTH_KEYS = ("units", "filters", "output_dim", "input_dim", "key_dim", "num_heads", "n")
SHAPE_KEYS = ("batch_shape", "input_shape", "shape", "target_shape", "size")


def check_model_file(path):
    """A model file is a regular file and a zip archive whose members fit a
    digit model: checked before Keras unpacks anything."""
    name = safe_name(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        # build_model.py makes the default one; another path is as the user named it.
        hint = ": run `python build_model.py` first" if os.path.abspath(path) == MODEL else ""
        raise SetupError(f"no model at {name}{hint}") from None
    except OSError as error:  # a symlink loop, no permission...
        raise SetupError(f"cannot open model {name}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise SetupError(f"{name} is a folder, not a model file")
    if not stat.S_ISREG(mode):
        raise SetupError(f"{name} is not a regular file")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_model_members(name, members)
            config = archive.read("config.json") if "config.json" in archive.namelist() else None
            check_model_weights(name, archive)
    except SetupError:
        raise
    except OSError as error:
        raise SetupError(f"cannot read model {name}: {error.strerror}") from None
    except Exception:  # BadZipFile, or a header zipfile cannot parse
        raise SetupError(f"cannot load model {name}: it is not a .keras file, "
                         "or it is cut short (not a whole zip archive)") from None
    if config is not None:
        check_model_config(name, config)


def check_model_members(name, members):
    """Each member of the zip within what a digit model needs, from the
    sizes the zip declares (zipfile reads no more than that)."""
    if len(members) > 64:
        raise SetupError(f"{name} is not a digit model: it holds {len(members):,} files")
    other = 0
    for member in members:
        budget = MODEL_BUDGET.get(member.filename)
        if budget is None:
            other += member.file_size
        if member.file_size > (budget or MODEL_OTHER_BUDGET) or other > MODEL_OTHER_BUDGET:
            raise SetupError(f"{name} is not a digit model: its {safe_name(member.filename)} "
                             f"unpacks to {member.file_size:,} bytes, more than a digit "
                             f"model needs ({budget or MODEL_OTHER_BUDGET:,})")


def check_model_weights(name, archive):
    """The arrays of the weights file within budget, from their declared
    shapes (HDF5 datasets, or .npy headers), before Keras reads any."""
    names = archive.namelist()
    sizes = []
    try:
        if "model.weights.h5" in names:
            import h5py  # Keras's own dependency, for .keras files
            with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as weights:
                weights.visititems(lambda key, item: sizes.append(
                    item.size * item.dtype.itemsize) if isinstance(item, h5py.Dataset) else None)
        elif "model.weights.npz" in names:
            with zipfile.ZipFile(io.BytesIO(archive.read("model.weights.npz"))) as weights:
                for member in weights.namelist():
                    with weights.open(member) as f:
                        version = np.lib.format.read_magic(f)
                        shape, _, dtype = (np.lib.format.read_array_header_1_0(f)
                                           if version == (1, 0)
                                           else np.lib.format.read_array_header_2_0(f))
                        sizes.append(float(np.prod(shape, dtype=float)) * dtype.itemsize)
    except Exception as error:  # h5py, zip and .npy header errors: a damaged file
        raise SetupError(f"cannot load model {name}: its weights cannot be read "
                         f"({first_line(error)})") from None
    if sum(sizes) > MODEL_MAX_WEIGHT_BYTES:
        raise SetupError(f"{name} is not a digit model: its weights would take "
                         f"{sum(sizes):,.0f} bytes once read, more than a digit model "
                         f"needs ({MODEL_MAX_WEIGHT_BYTES:,})")


def check_model_config(name, text):
    """Refuse a config.json that declares layers too big for a digit model,
    before Keras builds them."""
    try:
        config = json.loads(text)
    except (ValueError, RecursionError):
        raise SetupError(f"cannot load model {name}: its config.json is not JSON") from None
    layers, largest, stack = [], 28 * 28, [config]
    while stack:  # a loop, not recursion: any depth of nesting is fine
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        if not isinstance(item, dict):
            continue
        stack.extend(item.values())
        width = max([number(item.get(key)) for key in WIDTH_KEYS], default=0)
        kernel = item.get("kernel_size")
        area = np.prod([number(k) for k in kernel]) if isinstance(kernel, list) \
            else number(kernel) or 1
        layers.append((width, area))
        for key in SHAPE_KEYS:
            value = item.get(key)
            sizes = [number(v) or 1 for v in value] if isinstance(value, list) else [number(value)]
            if key == "size":  # UpSampling: a factor on the 28x28 picture
                sizes.append(28 * 28)
            largest = max(largest, float(np.prod(sizes, dtype=float)))
        largest = max(largest, number(item.get("height")) * number(item.get("width")))  # Resizing
    largest = max([largest] + [width for width, _ in layers])
    weights = sum(float(width) * area * largest for width, area in layers)
    if largest > MODEL_MAX_VALUES:  # an activation this big, for each picture
        raise SetupError(f"{name} is not a digit model: a layer of it holds {largest:,.0f} "
                         f"values per picture, more than a digit model needs "
                         f"({MODEL_MAX_VALUES:,})")
    if weights > MODEL_MAX_WEIGHTS:
        raise SetupError(f"{name} is not a digit model: its layers would hold about "
                         f"{weights:,.0f} numbers, more than a digit model needs "
                         f"({MODEL_MAX_WEIGHTS:,})")


def number(value):
    """A size from a config: a number, or 0 for anything else (None, text)."""
    return abs(float(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else 0


def check_model_shape(model, path):
    """One input of 28x28 pixels (any layout), one output of 10."""
    name = safe_name(path)
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise SetupError(f"{name} is not a digit model: it has {len(model.inputs)} input(s) "
                         f"and {len(model.outputs)} output(s), not one of each")
    size = model.input_shape[1:]
    if (None in size or int(np.prod(size)) != 28 * 28
            or tuple(model.output_shape[1:]) != (10,)):
        raise SetupError(f"{name} is not a digit model: it maps {size} "
                         f"to {tuple(model.output_shape[1:])}, not 28x28 pixels to 10 digits")
