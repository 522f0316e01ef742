"""main.py run as a user runs it: a subprocess on real image files."""
import json
import os
import shutil

import cv2
import numpy as np

from conftest import ROOT, run
from tf_quiet import import_keras

SAMPLES = os.path.join(ROOT, "samples")


def digit_of(name):
    return 8 if name.startswith("eight") else int(name[0])


def test_default_sample_from_any_folder(model_path, tmp_path):
    result = run("main.py", "--model", model_path, "--no-plot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The number is probably a 8 (")
    assert result.stdout.rstrip().endswith("% sure)")
    assert result.stderr == ""


def test_every_sample_is_recognised(model_path):
    result = run("main.py", SAMPLES, "--model", model_path, "--no-plot")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    for line in lines:
        path, answer = line.split(": ")
        assert answer.startswith(f"The number is probably a {digit_of(os.path.basename(path))} ")


def test_json_lines_and_bad_images(model_path, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("this is not a picture\n")
    missing = tmp_path / "missing.png"
    folder = tmp_path / "folder.png"
    folder.mkdir()
    (folder / "readme.txt").write_text("no images here")
    sample = os.path.join(SAMPLES, "3.png")
    args = [sample, empty, text, missing, "--json", "--model", model_path]

    result = run("main.py", *args)
    assert result.returncode == 1  # some images could not be read
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["image"] for o in objects] == [str(a) for a in args[:4]]
    first = objects[0]
    assert first["digit"] == 3 and 0.5 < first["confidence"] <= 1
    assert len(first["probabilities"]) == 10
    assert abs(sum(first["probabilities"]) - 1) < 0.01
    assert first["confidence"] == max(first["probabilities"])
    for o in objects[1:]:
        assert set(o) == {"image", "error"} and "\n" not in o["error"]
    assert "Traceback" not in result.stderr

    # A folder with no images is one more input that could not be read.
    result = run("main.py", folder, sample, "--model", model_path, "--no-plot")
    assert result.returncode == 1
    assert result.stderr.strip() == f"{folder}: no images in this folder"
    assert result.stdout.startswith(f"{sample}: The number is probably a 3 (")


def test_bad_images_are_one_line_each_and_the_rest_still_answered(model_path, tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = run("main.py", empty, tmp_path, os.path.join(SAMPLES, "7.png"),
                 tmp_path / "nope.jpg", "--model", model_path, "--no-plot")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors == [f"{empty}: cannot read image: empty file",
                      f"{empty}: cannot read image: empty file",  # the folder holds empty.png
                      f"{tmp_path / 'nope.jpg'}: cannot read image: no such file"]
    seven = os.path.join(SAMPLES, "7.png")
    assert result.stdout.startswith(f"{seven}: The number is probably a 7 (")


def test_a_missing_model_is_named(tmp_path):
    """A model named with --model is taken as given: the path tried is named,
    and build_model.py is not suggested, as it would not make that file."""
    result = run("main.py", "--model", tmp_path / "none.keras", "--no-plot", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"main.py: error: no model at {tmp_path / 'none.keras'}"


def test_without_a_display_the_figure_is_saved(model_path, tmp_path):
    """In figures/ in the current folder, made for it: nothing is written
    beside the user's pictures."""
    (tmp_path / "pictures").mkdir()
    (tmp_path / "here").mkdir()
    image = tmp_path / "pictures" / "four.png"
    shutil.copy(os.path.join(SAMPLES, "4.png"), image)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    result = run("main.py", image, "--model", model_path, env=env, cwd=tmp_path / "here",
                 timeout=120)
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp_path / "pictures") == ["four.png"]
    figure = os.path.join("figures", "four.prediction.png")
    assert f"saved the figure to {figure}" in result.stderr
    figure = tmp_path / "here" / figure
    picture = cv2.imread(str(figure))
    assert picture is not None and picture.shape[1] > 600
    assert np.std(picture) > 10  # something was drawn


def test_tutorial_preprocessing_from_the_command_line(model_path, tmp_path):
    """--preprocess tutorial: fine on an MNIST look-alike, lost on a small
    digit off to one side of a big page, which --preprocess mnist finds."""
    page = np.full((600, 800), 235, np.uint8)
    page[40:110, 680:750] = cv2.resize(cv2.imread(os.path.join(SAMPLES, "3.png"), 0), (70, 70))
    cv2.imwrite(str(tmp_path / "corner.png"), page)
    answers = {}
    for method in ("tutorial", "mnist"):
        result = run("main.py", os.path.join(SAMPLES, "7.png"), tmp_path / "corner.png",
                     "--preprocess", method, "--json", "--model", model_path)
        assert result.returncode == 0, result.stderr
        answers[method] = [json.loads(line)["digit"] for line in result.stdout.splitlines()]
    assert answers["mnist"] == [7, 3]
    assert answers["tutorial"][0] == 7 and answers["tutorial"][1] != 3


def test_no_digit_is_not_a_guess(model_path, tmp_path):
    cv2.imwrite(str(tmp_path / "blank.png"), np.full((300, 400), 240, np.uint8))
    result = run("main.py", tmp_path / "blank.png", "--json", "--model", model_path)
    assert result.returncode == 0  # the file was read: there is just nothing on it
    answer = json.loads(result.stdout)
    assert answer["digit"] is None and answer["reason"].startswith("no digit found")
    result = run("main.py", tmp_path / "blank.png", "--no-plot", "--model", model_path)
    assert result.stdout.startswith("no digit found")


def test_a_batch_of_images_takes_one_call_to_the_model(model_path):
    """The real model, watched: 20 prepared images are predicted in one call
    (main.py predicts up to BATCH pictures together)."""
    import main
    model = main.load_model(str(model_path))
    batches = []

    class Watched:
        input_shape, output_shape = model.input_shape, model.output_shape

        def predict_on_batch(self, batch):
            batches.append(len(batch))
            return model.predict_on_batch(batch)

    results = main.find_images([SAMPLES, SAMPLES])
    prepared = [main.prepare_one((r, False), "mnist", steps=False) for r in results]
    main.read_results(Watched(), prepared)
    assert batches == [sum(len(r.writing.candidates) for r in prepared)]
    samples = sorted(name for name in os.listdir(SAMPLES)  # a saved figure is no sample
                     if name.endswith(".png") and not name.endswith(main.FIGURE_SUFFIX))
    assert [r.digits[0].digit for r in prepared] == [digit_of(name) for name in samples] * 2
    assert all(r.writing is None for r in results)  # the list found is not filled in


def test_a_model_of_another_shape_is_refused(tmp_path):
    keras = import_keras()
    other = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
    other.save(tmp_path / "other.keras")
    result = run("main.py", "--model", tmp_path / "other.keras", "--no-plot")
    assert result.returncode == 2
    assert result.stderr.startswith(f"main.py: error: {tmp_path / 'other.keras'} is not a digit model")
    assert result.stderr.count("\n") == 1


def test_a_file_name_that_is_not_text(model_path, tmp_path):
    name = os.fsdecode(b"seven-\xff.png")
    shutil.copy(os.path.join(SAMPLES, "7.png"), tmp_path / name)
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    result = run("main.py", tmp_path, "--no-plot", "--model", model_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "The number is probably a 7" in result.stdout


def test_steps_strip_is_drawn_under_the_figure(model_path, tmp_path):
    """--steps with no display: the figure saved in --figures has the
    strip of seven stages under the usual three panels, and the answer is
    the same as without it."""
    photo = tmp_path / "five.jpg"
    shutil.copy(os.path.join(SAMPLES, "photos", "five-on-squared-paper.jpg"), photo)
    env = dict(os.environ, MPLBACKEND="Agg")
    plain = run("main.py", photo, "--model", model_path, "--figures", tmp_path / "plain", env=env)
    steps = run("main.py", photo, "--model", model_path, "--steps", "--figures", tmp_path,
                env=env)
    assert steps.returncode == 0, steps.stderr
    assert steps.stdout == plain.stdout
    assert steps.stdout.startswith("The number is probably a 5 (")
    figure = cv2.imread(str(tmp_path / "five.prediction.png"))
    # The plain figure is 10 inches wide, 3.5 high; with the strip, 12 by
    # 5.7 (100 dpi).
    assert figure.shape[:2] == (572, 1200)
    # The strip's row: seven pictures, each with its own black-and-white
    # content, in the lower third of the figure.
    strip = cv2.cvtColor(figure[400:540], cv2.COLOR_BGR2GRAY)
    dark_columns = np.flatnonzero((strip < 60).sum(axis=0) > 10)
    assert dark_columns.size > 0 and np.ptp(dark_columns) > 800


def test_the_readmes_numbers_from_the_command_line(model_path):
    """The README's photos of whole numbers, read by main.py as a subprocess:
    a year, a postcode in a comb of boxes, an amount in a labelled field,
    an amount on a form's printed line, a house number on its plate."""
    photos = os.path.join(SAMPLES, "photos")
    names = ("2024.jpg", "postcode-comb.jpg", "amount-field.jpg", "amount-on-a-line.jpg",
             "house-number.jpg")
    result = run("main.py", *(os.path.join(photos, n) for n in names), "--json",
                 "--model", model_path)
    assert result.returncode == 0, result.stderr
    read = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["number"] for r in read] == ["2024", "75018", "60192", "31052", "147"]
    assert all(len(r["digits"]) == len(r["number"]) and "digit" not in r for r in read)


def test_writing_read_as_nothing_but_specks_says_so_in_one_line():
    """When leaving every piece out is likelier than reading any as a digit
    (a fuzzed 1-pixel strip's scraps), best_reading chooses nothing: the
    answer is "no digit found", not a crash on the least sure of no digits."""
    import main
    import preprocessing
    C = preprocessing.Candidate
    result = main.Result("strip.png")
    result.writing = preprocessing.Writing(1, [C(0, 0, np.zeros((28, 28), np.float32), None, prior=-10.0)],
                                           skips=[-0.5])
    main.choose(result, np.full((1, 10), 0.1))
    assert main.describe(result).startswith("no digit found")
    assert main.as_json(result)["number"] is None


def test_a_numbers_candidates_are_read_shifted_too_in_the_same_call(model_path):
    """A picture that may split more than one way: each candidate is read as
    it is and a pixel down, up, right and left, in the one call, and the
    digits are chosen by the geometric mean of the five readings (the
    tutorial's MLP reads a digit a pixel off centre less surely, and a
    pair of digits pressed into one input less surely still). A single
    digit is read once, as before."""
    import main
    import preprocessing
    model = main.load_model(str(model_path))
    batches = []

    class Watched:
        input_shape, output_shape = model.input_shape, model.output_shape

        def predict_on_batch(self, batch):
            batches.append(np.array(batch))
            return model.predict_on_batch(batch)

    number, digit = main.Result("2024.jpg"), main.Result("7.png")
    main.prepare(number, preprocessing.read_image(os.path.join(SAMPLES, "photos", "2024.jpg")), "mnist")
    main.prepare(digit, preprocessing.read_image(os.path.join(SAMPLES, "7.png")), "mnist")
    main.read_results(Watched(), [number, digit])
    n = len(number.writing.candidates)
    assert n > 1 and len(digit.writing.candidates) == 1
    assert [len(b) for b in batches] == [n + 1 + 4 * n]
    assert number.number == "2024" and digit.number == "7"
    # The shifted inputs are the candidates' own, moved a pixel.
    first = number.writing.candidates[0].x
    right = np.zeros_like(first)
    right[:, 1:] = first[:, :-1]
    assert np.array_equal(batches[0][n + 1 + 2].reshape(28, 28), right)
    # Ink on an edge leaves the input, not wrapped round to the other side.
    edge = np.zeros((28, 28), np.float32)
    edge[27, 10:20] = 1.0
    down, up, _, _ = main.shifted([edge])
    assert not down.any() and up[26, 10:20].all() and up[27].sum() == 0
    # Each digit's probabilities: the five readings' geometric mean.
    readings = np.asarray(model.predict_on_batch(np.stack([c.x for c in number.writing.candidates]
                                                          + main.shifted([c.x for c in number.writing.candidates]))))
    alone, moved = readings[:n], readings[n:].reshape(n, 4, 10)
    mean = np.exp((np.log(alone) + np.log(moved).sum(axis=1)) / 5)
    mean /= mean.sum(axis=1, keepdims=True)
    chosen = [next(i for i, c in enumerate(number.writing.candidates) if c.box == d.box and
                   np.array_equal(c.x, d.x)) for d in number.digits]
    for d, i in zip(number.digits, chosen):
        np.testing.assert_allclose(d.prediction, mean[i], rtol=1e-4, atol=1e-7)
    # The single digit: its one reading, as it is.
    assert np.array_equal(batches[0][n].reshape(28, 28), digit.writing.candidates[0].x)
    np.testing.assert_allclose(digit.digits[0].prediction,
                               np.asarray(model.predict_on_batch(batches[0][n:n + 1]))[0], rtol=1e-5)
