"""main.py --draw: mouse and key events sent through a real matplotlib canvas
(Agg: no window needed) to the pad, with a trained network reading it."""
import io
import json
import os

import cv2
import numpy as np
import pytest
from matplotlib.backend_bases import KeyEvent, MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import draw
import layers
import main
from conftest import ROOT, run


@pytest.fixture(scope="module")
def model(model_path):
    return main.load_model(model_path)


def open_pad(model, **options):
    fig = Figure(figsize=draw.FIGSIZE, dpi=100)
    FigureCanvasAgg(fig)
    return draw.Pad(draw.network_for(model), fig, **options)


@pytest.fixture
def pad(model):
    return open_pad(model)


# Events, as a mouse and a keyboard send them; points are in pad pixels (280x280).
def mouse(pad, name, point, ax=None):
    x, y = (ax or pad.ax_pad).transData.transform(point)
    MouseEvent(name, pad.canvas, x, y, button=1)._process()


def stroke(pad, points):
    mouse(pad, "button_press_event", points[0])
    for point in points[1:]:
        mouse(pad, "motion_notify_event", point)
    mouse(pad, "button_release_event", points[-1])


def key(pad, name):
    KeyEvent("key_press_event", pad.canvas, name)._process()


def click_neuron(pad, layer, row, col):
    mouse(pad, "button_press_event", (col, row), ax=pad.ax_grids[layer])
    mouse(pad, "button_release_event", (col, row), ax=pad.ax_grids[layer])


VERTICAL = [(140, y) for y in range(60, 221, 8)]
ANGLES = np.radians(np.arange(0, 361, 10))
OVAL = list(zip(140 + 45 * np.sin(ANGLES), 140 - 90 * np.cos(ANGLES)))
ACROSS = [(x, 140) for x in range(60, 221, 8)]


def read_digit(pad):
    return int(np.argmax(pad.reading.probabilities))


def stroke_width(x):
    """Average stroke width of a 28x28 input: twice the ink's area over its outline."""
    mask = (x > 0.5).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    return 2 * mask.sum() / sum(cv2.arcLength(c, True) for c in contours)


def test_a_vertical_stroke_reads_1_with_mnist_strokes(pad):
    stroke(pad, VERTICAL)
    assert read_digit(pad) == 1
    assert pad.title.get_text().startswith("The number is probably a 1 (")
    # One smooth stroke, not dots: dark all the way down the line.
    assert (pad.ink[60:221, 140] < 64).all()
    assert 1.5 <= stroke_width(pad.reading.x) <= 3.5
    # The input panel shows what the network read.
    assert np.array_equal(pad.input_image.get_array(), pad.reading.x)


def test_an_oval_reads_0(pad):
    stroke(pad, OVAL)
    assert read_digit(pad) == 0
    assert 1.5 <= stroke_width(pad.reading.x) <= 3.5
    assert pad.bars[0].get_height() == pytest.approx(pad.reading.probabilities[0])


def test_a_small_digit_in_a_corner_reads_as_well(pad):
    # Prepared as MNIST's digits were (cropped, scaled, centred): not misread
    # as a tiny digit off to one side would be.
    stroke(pad, [(60 + 12 * np.sin(a), 60 - 24 * np.cos(a)) for a in ANGLES])
    assert read_digit(pad) == 0
    assert pad.reading.x[10:18, 10:18].sum() < pad.reading.x.sum() / 4  # a ring round the centre


def test_the_numpy_forward_pass_is_the_models(pad, model):
    stroke(pad, OVAL)
    expected = model.predict_on_batch(pad.reading.x[None])[0]
    assert np.allclose(pad.reading.probabilities, expected, atol=1e-5)
    assert [h.shape for h in pad.reading.hidden] == [(128,), (128,)]
    assert pad.grid_images[0].get_array().shape == (8, 16)


def test_c_clears(pad):
    stroke(pad, OVAL)
    key(pad, "c")
    assert (pad.ink == 255).all()
    assert pad.reading.reason.startswith("no digit found")
    assert pad.title.get_text() == "Draw a digit on the pad"
    assert all(bar.get_height() == 0 for bar in pad.bars)


def test_u_undoes_the_last_stroke(pad):
    stroke(pad, VERTICAL)
    one = pad.ink.copy()
    stroke(pad, ACROSS)
    assert not np.array_equal(pad.ink, one)
    key(pad, "u")
    assert np.array_equal(pad.ink, one)
    assert read_digit(pad) == 1
    key(pad, "u")
    assert (pad.ink == 255).all()
    # A key in the middle of a stroke ends it; moving on draws nothing.
    mouse(pad, "button_press_event", VERTICAL[0])
    key(pad, "c")
    mouse(pad, "motion_notify_event", VERTICAL[-1])
    assert (pad.ink == 255).all()


def test_s_saves_a_png_that_main_reads_the_same_way(model, model_path, tmp_path, monkeypatch,
                                                     capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "drawing-1.png").write_bytes(b"someone else's file")
    pad = open_pad(model, json_lines=True)
    stroke(pad, OVAL)
    key(pad, "s")
    assert (tmp_path / "drawing-1.png").read_bytes() == b"someone else's file"  # never overwritten
    assert "drawing-2.png" in capsys.readouterr().err
    assert "drawing-2.png" in pad.status.get_text()

    result = run("main.py", "drawing-2.png", "--json", "--model", model_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from_file = json.loads(result.stdout)
    key(pad, "q")
    from_pad = json.loads(capsys.readouterr().out)
    assert from_file == from_pad  # the same digit, probabilities and name
    assert from_pad["image"] == "drawing-2.png" and from_pad["digit"] == 0


def test_clicking_a_neuron_shows_its_weights_and_what_the_drawing_adds(pad, model):
    stroke(pad, VERTICAL)
    kernels = model.get_weights()[0::2]
    click_neuron(pad, 0, 2, 5)  # layer 1, row 2, column 5 of 16
    assert pad.selected == (0, 37)
    assert np.allclose(pad.weights_image.get_array(), kernels[0][:, 37].reshape(28, 28))
    assert np.allclose(pad.push_image.get_array(),
                       pad.reading.x * kernels[0][:, 37].reshape(28, 28))
    assert pad.weights_title.get_text().startswith("layer 1, neuron 37: its 784 weights")

    click_neuron(pad, 1, 0, 3)
    assert pad.selected == (1, 3)
    assert np.allclose(pad.weights_image.get_array(), kernels[1][:, 3].reshape(8, 16))
    # What each pixel adds, through layer 1's neurons that are on, sums to
    # the neuron's input less the biases' part.
    on = pad.reading.hidden[0] > 0
    weights = model.get_weights()
    without_biases = pad.reading.hidden[0] @ kernels[1][:, 3] - (weights[1] * on) @ kernels[1][:, 3]
    assert pad.push_image.get_array().sum() == pytest.approx(without_biases, rel=1e-4)


def test_b_n_r_break_the_network_and_restore_it(pad):
    stroke(pad, OVAL)
    intact = pad.reading.probabilities.copy()
    key(pad, "b")
    assert "biases dropped" in pad.title.get_text()
    assert not np.allclose(pad.reading.probabilities, intact)
    key(pad, "n")
    key(pad, "n")
    assert "weights noised x2" in pad.title.get_text()
    key(pad, "r")
    assert np.allclose(pad.reading.probabilities, intact)
    assert "[" not in pad.title.get_text()
    key(pad, "b")  # ending with a broken network prints what a file would get
    pad.finish()
    assert np.allclose(pad.reading.probabilities, intact)


def test_b_and_r_reach_a_number_read_as_a_file_too(pad):
    """Digits side by side are read by the model itself, as main.py reads a
    file: dropping the biases changes that reading too, and r restores it."""
    stroke(pad, [(70, y) for y in range(80, 201, 8)])
    stroke(pad, list(zip(190 + 35 * np.sin(ANGLES), 140 - 60 * np.cos(ANGLES))))
    intact = [d.prediction.copy() for d in pad.number[1].digits]
    key(pad, "b")
    broken = [d.prediction for d in pad.number[1].digits]
    assert len(broken) != len(intact) or not all(np.allclose(a, b) for a, b in zip(intact, broken))
    key(pad, "r")
    assert all(np.allclose(a, d.prediction) for a, d in zip(intact, pad.number[1].digits))


def test_q_prints_the_last_reading_as_for_a_file(pad, capsys):
    stroke(pad, VERTICAL)
    key(pad, "q")
    said = main.describe(pad.number[1])  # the drawing read as main.py reads a file
    assert capsys.readouterr().out == said + "\n"
    assert said.startswith("The number is probably a 1 (")
    key(pad, "q")  # and closing the window after: printed once
    pad.finish()
    assert capsys.readouterr().out == ""


def test_json_of_a_drawing_and_of_an_empty_pad(model):
    out = io.StringIO()
    pad = open_pad(model, json_lines=True, out=out)
    stroke(pad, VERTICAL)
    key(pad, "q")
    said = json.loads(out.getvalue())
    assert set(said) == {"image", "digit", "confidence", "probabilities", "number", "digits"}
    assert said["image"] == "drawing" and said["digit"] == 1 and said["number"] == "1"

    out = io.StringIO()
    pad = open_pad(model, out=out)
    key(pad, "q")
    assert out.getvalue() == "no digit found: the image is blank\n"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # from inside Keras
def test_the_convnet_shows_its_feature_maps(tmp_path):
    # build_model.py's convnet, trained briefly here (in-process: seconds).
    import build_model
    (x_train, y_train), _ = build_model.load_data(os.path.join(ROOT, "mnist.npz"))
    cnn = build_model.build_model("cnn")
    build_model.compile_model(cnn, total_steps=16)
    cnn.fit(x_train[:2000] / np.float32(255), y_train[:2000], epochs=1, batch_size=128, verbose=0)
    build_model.save_model(cnn, str(tmp_path / "cnn.keras"))
    model = main.load_model(str(tmp_path / "cnn.keras"))
    pad = open_pad(model)
    assert isinstance(pad.network, layers.KerasNetwork)
    stroke(pad, VERTICAL)
    expected = model.predict_on_batch(pad.reading.x[None])[0]
    assert np.allclose(pad.reading.probabilities, expected, atol=1e-5)
    maps = pad.reading.hidden[0]
    assert maps.shape == (26, 26, 32)
    assert pad.grid_images[0].get_array().shape == (4 * 27 - 1, 8 * 27 - 1)  # 4x8 maps
    mouse(pad, "button_press_event", (27 + 13, 13), ax=pad.ax_grids[0])  # the second map
    assert pad.selected == (0, 1)
    assert pad.weights_image.get_array().shape == (3, 3)
    assert np.allclose(pad.push_image.get_array(), maps[:, :, 1])


def test_no_display_is_one_line_and_exit_2(model_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    result = run("main.py", "--draw", "--model", model_path, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "--draw needs a window" in result.stderr and "xvfb-run" in result.stderr


def test_digits_drawn_side_by_side_are_read_as_a_number(pad, capsys):
    """A 1 on the left of the pad and a 0 on the right: "10", in the title
    once the stroke ends, and printed at the end as for a file."""
    stroke(pad, [(70, y) for y in range(80, 201, 8)])
    stroke(pad, list(zip(190 + 35 * np.sin(ANGLES), 140 - 60 * np.cos(ANGLES))))
    assert "The number is probably 10 " in pad.title.get_text()
    key(pad, "q")
    assert capsys.readouterr().out.startswith("The number is probably 10 (least sure digit: ")
