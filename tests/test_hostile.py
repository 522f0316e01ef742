"""Hostile files and faults (issue 27): each made on the fly, each answered in
one line, with nothing outside what was asked for written or lost."""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from conftest import ROOT, ctrl_c_as_on_a_terminal, run

import safe_write

SEVEN = os.path.join(ROOT, "samples", "7.png")
NO_DISPLAY = {k: v for k, v in os.environ.items()
              if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
MEMORY_BUDGET_MB = 1500


def one_line_error(result, code):
    """The run ended with `code` and said why in one line, no traceback."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def run_measured(tmp_path, script, *args):
    """Run a script from a fresh wrapper process; return the finished run and
    the script's peak memory in MB (the wrapper's RUSAGE_CHILDREN)."""
    peak_file = tmp_path / "peak.txt"
    wrapper = ("import resource, subprocess, sys\n"
               "code = subprocess.run(sys.argv[2:]).returncode\n"
               "open(sys.argv[1], 'w').write(str("
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
               "sys.exit(code)\n")
    result = subprocess.run([sys.executable, "-c", wrapper, peak_file, sys.executable,
                             os.path.join(ROOT, script), *map(str, args)],
                            capture_output=True, text=True, timeout=300)
    return result, int(peak_file.read_text()) / 1024  # ru_maxrss is in KB on Linux


# ## Nothing written through a link, nor over what is not ours
def test_a_figure_never_replaces_a_link_a_fifo_or_a_foreign_file(model_path, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for name in ("a", "b", "c", "d"):
        shutil.copy(SEVEN, pictures / f"{name}.png")
    (tmp_path / "a.prediction.png").symlink_to(notes)
    (tmp_path / "b.prediction.png").write_text("not a picture\n")
    os.mkfifo(tmp_path / "c.prediction.png")
    result = run("main.py", pictures, "--model", model_path, "--figures", tmp_path,
                 env=NO_DISPLAY, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert notes.read_text() == "my notes\n"
    assert os.readlink(tmp_path / "a.prediction.png") == str(notes)
    assert (tmp_path / "b.prediction.png").read_text() == "not a picture\n"
    messages = result.stderr.splitlines()
    assert len(messages) == 4
    assert "cannot save" in messages[0] and "symbolic link" in messages[0]
    assert "cannot save" in messages[1] and "not a PNG" in messages[1]
    assert "cannot save" in messages[2] and "not a regular file" in messages[2]
    assert messages[3].startswith("No display: saved the figure to")
    assert (tmp_path / "d.prediction.png").read_bytes().startswith(b"\x89PNG")
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path):
    target = tmp_path / "summary.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".summary.json.tmp-{dead}-0123abcd.json"
    live = tmp_path / f".summary.json.tmp-{os.getppid()}-0123abcd.json"  # pytest's parent lives
    other = tmp_path / f".notes.txt.tmp-{dead}-0123abcd.txt"  # another file's: not ours to judge
    for path in (stale, live, other):
        path.write_text("half written")
    safe_write.write_text(str(target), "{}\n")
    assert target.read_text() == "{}\n"
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name, target.name])


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "curves.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with safe_write.replacing(str(target)) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half")
            raise RuntimeError("disk full, say")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["curves.png"]


def test_the_report_does_not_write_through_a_link(tmp_path):
    import argparse
    import report
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    (tmp_path / "mistakes.png").symlink_to(notes)
    history = {"loss": [1.0], "accuracy": [0.5], "val_loss": [float("nan")],
               "val_accuracy": [0.5]}
    y_test = np.arange(20) % 10
    probabilities = np.eye(10)[(y_test + (y_test > 7)) % 10]  # two mistakes
    with pytest.raises(OSError, match="symbolic link"):
        report.write_report(str(tmp_path), history, np.zeros((20, 28, 28), np.uint8),
                            y_test, probabilities, 1.0, argparse.Namespace())
    assert notes.read_text() == "my notes\n"
    assert sorted(os.listdir(tmp_path)) == ["confusion.png", "curves.png",
                                            "mistakes.png", "notes.txt"]
    os.unlink(tmp_path / "mistakes.png")  # and without the link: a NaN loss is JSON's null
    report.write_report(str(tmp_path), history, np.zeros((20, 28, 28), np.uint8),
                        y_test, probabilities, 1.0, argparse.Namespace())
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["history"]["val_loss"] == [None]


def test_an_output_whose_folder_is_a_file_is_refused_before_training(tmp_path):
    blocker = tmp_path / "models"
    blocker.write_text("a file")
    result = run("build_model.py", "--output", blocker / "m.keras")
    message = one_line_error(result, 2)
    assert message == (f"build_model.py: error: cannot save {blocker / 'm.keras'}: "
                       f"{blocker} is a file, not a folder")
    assert "Initial cost" not in result.stdout


# ## The model file
def edited_model(model_path, tmp_path, name, edit):
    """A copy of the real model with its zip members changed by `edit`."""
    path = tmp_path / name
    with zipfile.ZipFile(model_path) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            edit(dst, info.filename, src.read(info.filename))
    return path


def config_bomb(dst, name, data):
    """config.json padded with 300 MB of spaces: valid JSON, 300 KB zipped."""
    if name != "config.json":
        dst.writestr(name, data)
        return
    with dst.open(name, "w", force_zip64=True) as f:
        f.write(data[:-1])
        for _ in range(300):
            f.write(b" " * 2**20)
        f.write(data[-1:])


def test_a_model_that_unpacks_too_big_is_refused_before_keras_reads_it(model_path, tmp_path):
    bomb = edited_model(model_path, tmp_path, "bomb.keras", config_bomb)
    assert os.path.getsize(bomb) < 3_000_000
    result, peak = run_measured(tmp_path, "main.py", SEVEN, "--model", bomb)
    message = one_line_error(result, 2)
    assert "is not a digit model: its config.json unpacks to 314,5" in message
    assert peak < MEMORY_BUDGET_MB


def a_million_units(dst, name, data):
    """The first Dense layer declared a million units wide: 3 GB of weights
    that Keras would allocate before reading any."""
    if name == "config.json":
        data = data.replace(b'"units": 128', b'"units": 1000000', 1)
    dst.writestr(name, data)


def test_a_model_declaring_huge_layers_is_refused_before_they_are_built(model_path, tmp_path):
    wide = edited_model(model_path, tmp_path, "wide.keras", a_million_units)
    result, peak = run_measured(tmp_path, "main.py", SEVEN, "--model", wide)
    message = one_line_error(result, 2)
    assert "is not a digit model: its layers would hold about 1,000," in message
    assert peak < MEMORY_BUDGET_MB


def test_weights_declaring_gigabytes_are_refused_before_they_are_read(model_path, tmp_path):
    import h5py
    with zipfile.ZipFile(model_path) as archive:
        weights = io.BytesIO(archive.read("model.weights.h5"))
    with h5py.File(weights, "a") as f:  # an 8 GB array of zeros in a few bytes
        del f["layers/dense/vars/0"]
        f.create_dataset("layers/dense/vars/0", shape=(200_000, 10_000), dtype="float32",
                         compression="gzip", chunks=(1000, 1000), fillvalue=0)
    bomb = edited_model(model_path, tmp_path, "bomb.keras", lambda dst, name, data: dst.writestr(
        name, weights.getvalue() if name == "model.weights.h5" else data))
    result, peak = run_measured(tmp_path, "main.py", SEVEN, "--model", bomb)
    assert "its weights would take 8,001,0" in one_line_error(result, 2)
    assert peak < MEMORY_BUDGET_MB


def test_a_model_declaring_a_huge_picture_inside_is_refused():
    """UpSampling2D by 1000: 3 GB per picture at the first prediction,
    though it holds only 10 weights per unit."""
    import model_file
    config = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 28, 28]}},
        {"class_name": "Reshape", "config": {"target_shape": [28, 28, 1]}},
        {"class_name": "UpSampling2D", "config": {"size": [1000, 1000]}},
        {"class_name": "GlobalAveragePooling2D", "config": {}},
        {"class_name": "Dense", "config": {"units": 10}}]}}
    with pytest.raises(model_file.SetupError, match="holds 784,000,000 values per picture"):
        model_file.check_model_config("up.keras", json.dumps(config))


@pytest.mark.parametrize("make, message", [
    (lambda p, m: p.write_bytes(m.read_bytes()[:700_000]),
     "cannot load model {p}: it is not a .keras file, or it is cut short "
     "(not a whole zip archive)"),
    (lambda p, m: p.mkdir(), "{p} is a folder, not a model file"),
    (lambda p, m: (p.symlink_to(p.with_name("b.keras")),
                   p.with_name("b.keras").symlink_to(p)),
     "cannot open model {p}: Too many levels of symbolic links"),
    (lambda p, m: None, "no model at {p}"),  # named as given: build_model.py would not make it
])
def test_model_path_problems_are_named(model_path, tmp_path, make, message):
    path = tmp_path / "a.keras"
    make(path, model_path)
    result = run("main.py", SEVEN, "--model", path)
    assert one_line_error(result, 2) == "main.py: error: " + message.format(p=path)


def tiny_models(tmp_path):
    """Models that are not digit models, each a second to make and save."""
    from tf_quiet import import_keras
    keras = import_keras()
    layers = keras.layers
    a, b = keras.Input((28, 28)), keras.Input((28, 28))
    two = keras.Model([a, b], layers.Dense(10, activation="softmax")(
        layers.Flatten()(layers.Add()([a, b]))))
    rows = keras.Sequential([keras.Input((None, 28)), layers.GlobalAveragePooling1D(),
                             layers.Dense(10, activation="softmax")])
    logits = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(10)])
    logits.set_weights([w * 0 + 0.01 if w.ndim == 2 else np.arange(10, dtype="float32")
                        for w in logits.get_weights()])  # scores 0-9 plus a little
    damaged = keras.Sequential([keras.Input((28, 28)), layers.Flatten(),
                                layers.Dense(10, activation="softmax")])
    damaged.set_weights([np.full_like(w, np.nan) for w in damaged.get_weights()])
    paths = {}
    for name, model in (("two", two), ("rows", rows), ("logits", logits),
                        ("damaged", damaged)):
        paths[name] = tmp_path / f"{name}.keras"
        model.save(paths[name])
    return paths


@pytest.fixture(scope="module")
def odd_models(tmp_path_factory):
    return tiny_models(tmp_path_factory.mktemp("odd"))


@pytest.mark.parametrize("name, message", [
    ("two", "is not a digit model: it has 2 input(s) and 1 output(s), not one of each"),
    ("rows", "is not a digit model: it maps (None, 28) to (10,), not 28x28 pixels"),
    ("damaged", "is damaged: it holds or answers NaN (not a number) or infinity"),
])
def test_models_that_cannot_answer_are_refused(odd_models, name, message):
    import main
    with pytest.raises(main.SetupError) as refused:
        main.load_model(str(odd_models[name]))
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_a_refused_model_is_one_line_and_exit_2(odd_models):
    result = run("main.py", SEVEN, "--json", "--model", odd_models["damaged"])
    assert "is damaged" in one_line_error(result, 2)
    assert result.stdout == ""


def test_a_model_that_gives_scores_is_softmaxed_and_says_so_once(odd_models, capsys):
    import main  # in this process: the model is a second to load, not five
    assert main.main([SEVEN, SEVEN, "--json", "--model", str(odd_models["logits"])]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "gives scores, not probabilities" in err
    for line in out.splitlines():
        answer = json.loads(line)
        assert answer["digit"] == 9
        assert all(0 <= p <= 1 for p in answer["probabilities"])
        assert abs(sum(answer["probabilities"]) - 1) < 0.01


def test_a_keras_that_cannot_import_is_one_line(tmp_path):
    # Keras imports matplotlib, which refuses a backend it does not know.
    # (main.py runs the tutorial's network without Keras: build_model.py
    # always needs it.)
    result = run("build_model.py", "--output", tmp_path / "m.keras",
                 env=dict(os.environ, MPLBACKEND="nonsense"))
    message = one_line_error(result, 2)
    assert message.startswith("build_model.py: error: cannot import TensorFlow's Keras: ")


def test_ctrl_c_that_keras_turns_into_an_import_error_is_still_ctrl_c(tmp_path):
    # Keras's lazy imports catch what `import optree` raises, a Ctrl-C too,
    # and then say "you need to have `optree` installed". Whether a real
    # Ctrl-C lands inside that import is a matter of microseconds, so a
    # stand-in package does exactly that, every time.
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "__init__.py").write_text(
        "import os, signal, time\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "except BaseException:\n"
        "    pass\n"
        "raise ImportError('To use Keras, you need to have `optree` installed.')\n")
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "build_model.py"), "--output", tmp_path / "m.keras"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(tmp_path)),
        preexec_fn=ctrl_c_as_on_a_terminal, timeout=60)
    assert (result.returncode, result.stderr) == (130, "Interrupted\n")
    assert not (tmp_path / "m.keras").exists()


# ## Names that are not plain text
def test_names_with_control_characters_and_bad_bytes_stay_one_line(model_path, tmp_path,
                                                                    capsys):
    import main
    forged = "a\nThe number is probably a 3.png"
    undecodable = os.fsdecode(b"b-\xff\x1b[31m.png")
    for name in (forged, undecodable):
        shutil.copy(SEVEN, tmp_path / name)
    assert main.main([str(tmp_path), "--no-plot", "--model", str(model_path)]) == 0
    expected = [f"{tmp_path}/a\\nThe number is probably a 3.png",
                f"{tmp_path}/b-\\xff\\x1b[31m.png"]
    assert [line.split(": ")[0] for line in capsys.readouterr().out.splitlines()] == expected
    as_json = run("main.py", tmp_path, "--json", "--model", model_path)
    assert as_json.returncode == 0, as_json.stderr
    as_json.stdout.encode("utf-8")  # no lone surrogate: valid UTF-8
    assert [json.loads(line)["image"] for line in as_json.stdout.splitlines()] == expected


# ## Closed and full streams
def run_with_fds(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close=()):
    """main.py with some standard streams closed (as `>&-` or `2>&-` do)."""
    def closing():
        for fd in close:
            os.close(fd)
    return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), *map(str, args)],
                          stdout=stdout, stderr=stderr, preexec_fn=closing, timeout=120)


def test_answers_reach_stdout_when_stderr_is_closed(model_path):
    result = run_with_fds(SEVEN, "missing.png", "--no-plot", "--model", model_path,
                          stderr=None, close=(2,))
    assert result.returncode == 1  # missing.png, said on the stderr nobody reads
    assert result.stdout.decode().startswith(f"{SEVEN}: The number is probably a 7 (")


@pytest.mark.parametrize("where, reason", [
    ("closed", "it is closed"),
    ("/dev/full", "No space left on device"),
])
def test_a_closed_or_full_stdout_is_one_line_and_exit_1(model_path, where, reason):
    if where == "closed":
        result = run_with_fds(SEVEN, "--no-plot", "--model", model_path,
                              stdout=None, close=(1,))
    else:
        with open(where, "w") as full:
            result = run_with_fds(SEVEN, "--no-plot", "--model", model_path, stdout=full)
    assert result.returncode == 1
    assert result.stderr.decode() == f"main.py: error: cannot write to stdout: {reason}\n"


# ## The data file
def npy_header(shape, dtype):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {
        "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
        "fortran_order": False, "shape": shape})
    return buffer.getvalue()


@pytest.fixture(scope="module")
def three_million_zeros(tmp_path_factory):
    """An npz of 3,000,000 blank digits (2.4 GB once read), 10 MB on disk; its
    test split is 100 real MNIST digits."""
    path = tmp_path_factory.mktemp("data") / "zeros.npz"
    count = 3_000_000
    with np.load(os.path.join(ROOT, "mnist.npz")) as data:
        x_test, y_test = data["x_test"][:100], data["y_test"][:100]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("x_train.npy", "w", force_zip64=True) as f:
            f.write(npy_header((count, 28, 28), "uint8"))
            block = bytes(28 * 28 * 50_000)
            for _ in range(count // 50_000):
                f.write(block)
        with archive.open("y_train.npy", "w") as f:
            f.write(npy_header((count,), "uint8") + bytes(count))
        for name, array in (("x_test", x_test), ("y_test", y_test)):
            buffer = io.BytesIO()
            np.save(buffer, array)
            archive.writestr(name + ".npy", buffer.getvalue())
    return path


def test_too_many_digits_are_refused_from_the_declared_shape(three_million_zeros, tmp_path):
    result, peak = run_measured(tmp_path, "build_model.py", "--data", three_million_zeros,
                                "--output", tmp_path / "m.keras")
    assert result.returncode == 2
    assert "x_train declares 3,000,000 digits, more than the 250,000" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert peak < MEMORY_BUDGET_MB


def test_limit_is_applied_while_reading(three_million_zeros, tmp_path):
    result, peak = run_measured(tmp_path, "build_model.py", "--data", three_million_zeros,
                                "--limit", 1000, "--epochs", 1,
                                "--output", tmp_path / "m.keras")
    assert result.returncode == 0, result.stderr
    assert peak < MEMORY_BUDGET_MB
    import build_model
    (x_train, y_train), (x_test, _) = build_model.load_data(str(three_million_zeros), limit=10)
    assert x_train.shape == (10, 28, 28) and y_train.shape == (10,) and len(x_test) == 100


# ## Flags
def test_a_batch_bigger_than_the_data_is_one_line_and_exit_2(tmp_path):
    result = run("build_model.py", "--batch-size", 1_000_000_000, "--limit", 1000,
                 "--output", tmp_path / "m.keras")
    assert one_line_error(result, 2) == ("build_model.py: error: --batch-size 1000000000 "
                                         "is more than the 900 digits trained on")
    assert not os.path.exists(tmp_path / "m.keras")


@pytest.mark.parametrize("args, message", [
    (["--seed", "-1"], "--seed must be between 0 and 4294967295"),
    (["--seed", str(2**32)], "--seed must be between 0 and 4294967295"),
    (["--epochs", "-3"], "--epochs and --batch-size must be at least 1"),
    (["--epochs", str(10**20)], "--epochs must be at most 100,000"),
])
def test_flags_out_of_range_are_refused(capsys, args, message):
    import build_model
    with pytest.raises(SystemExit) as exit:
        build_model.parse_args(args)
    assert exit.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]  # after argparse's usage lines
    assert error.split(": error: ")[1].startswith(message)  # argv[0] is pytest's


# ## Ctrl-C
def saving(folder):
    """True once the process has begun writing its temporary model file."""
    return lambda process: any(f".tmp-{process.pid}-" in name for name in os.listdir(folder))


def training(process):
    """True once an epoch has ended (stdout unbuffered: PYTHONUNBUFFERED)."""
    return "Epoch 2/" in process.stdout.readline()


def after(seconds):
    start = time.monotonic()
    return lambda process: time.monotonic() - start > seconds


def interrupt_build(folder, epochs, when):
    """Run build_model.py in `folder`, send it Ctrl-C (SIGINT) once
    `when(process)` says so; return the exit code, whether the signal was
    sent while it ran, and its stderr."""
    process = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "build_model.py"), "--data",
         os.path.join(ROOT, "mnist.npz"), "--limit", "1000", "--epochs", str(epochs),
         "--output", "handwriting.keras"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"), preexec_fn=ctrl_c_as_on_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and not when(process) and time.monotonic() < deadline:
            time.sleep(0.001)
        running = process.poll() is None
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # (a training of 100,000 epochs must not outlive the test)
            process.kill()
            process.communicate()
    return process.returncode, running, err


@pytest.mark.parametrize("moment", ["starting", "importing TensorFlow", "training", "saving"])
def test_ctrl_c_at_any_moment_is_one_line_and_keeps_the_model(model_path, tmp_path, moment):
    model = tmp_path / "handwriting.keras"
    shutil.copy(model_path, model)
    before = model.read_bytes()
    epochs = 100_000 if moment == "training" else 1
    for attempt in range(3):  # a save can end before the poll sees it: try again
        when = {"starting": after(0.3), "importing TensorFlow": after(1.2),
                "training": training, "saving": saving(tmp_path)}[moment]
        code, running, err = interrupt_build(tmp_path, epochs, when)
        if running:
            break
        shutil.copy(model_path, model)
    assert running
    assert code == 130, err
    assert err == "Interrupted\n"
    assert model.read_bytes() == before
    assert os.listdir(tmp_path) == [model.name]  # no temporary file left
