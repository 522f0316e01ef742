"""Turn a picture of a digit into the 28x28 input the network was trained on.

One home for image reading and preprocessing: main.py, the tests and the
benchmarks all call these functions, so what is tested is what runs. The
stages, in the order a picture goes through them (each module says what
it does and why):

    reading    the file's bytes, decompression bombs refused, decoded
    colour     one grey channel; which way round the ink is
    ground     a frame, a sheet on a table, a hard shadow
    ink        the ink against the paper around it; noise; the threshold
    lines      ruled and squared paper's lines erased; the pen on them
    strokes    the digit's strokes, not specks, margins or thumbs
    crop       the digit cut out at full resolution and cleaned
    form       MNIST's form: stroke width, slant, 20x20 box, centre of mass
    printed    a form's printed lines: joined, measured, turned level
    forms      a printed box, a comb of boxes or a line to write on, taken out
    frames     a frame of any shape round the writing; a house number's plate
    segment    a number's ink split into digits, in reading order
    pipeline   mnist(), read_number(): the stages one after another

MNIST digits are bright ink (1.0) on a black background (0.0), 28x28 pixels.
`mnist()` does to any reasonable picture of a digit what was done to them;
`tutorial()` keeps the tutorial's steps, which only suit MNIST look-alikes.
"""
from ._shared import (MIN_WORK_SIZE, WORK_SIZE, ImageError, NoDigitFound, noise_level,
                      resize_longest, robust_sigma, stroke_width)
from .reading import (MAX_DECODED_BYTES, MAX_FILE_BYTES, MAX_PIXELS, check_size, decode_image,
                      image_header, quiet_stderr, read_image)
from .colour import ink_is_dark, to_8bit, to_grey
from .ground import (EDGE_SIZE, Frame, Ground, Shadow, ShadowEdge, cut_frame, find_frame,
                     find_ground, on_plate, relight)
from .ink import Page, ink_map, paper_under_ink, quieten, threshold_ink
from .lines import find_lines, without_lines
from .strokes import Search, find_digit, select_strokes
from .crop import DIGIT_SIZE, Cut, cut_out
from .form import (BOX, CENTRE, MAX_SHEAR, SIDE, UNSLANT, centre, fit_box, fix_stroke_width,
                   straighten, tutorial)
from .forms import Form, find_form
from .frames import frame_round, plate_round
from .segment import Candidate, Writing, best_reading
from .pipeline import METHODS, Steps, check_grey, mnist, read_number, to_input

__all__ = [
    # errors
    "ImageError", "NoDigitFound",
    # reading
    "read_image", "decode_image", "check_size", "image_header", "quiet_stderr",
    "MAX_PIXELS", "MAX_DECODED_BYTES", "MAX_FILE_BYTES",
    # colour and polarity
    "to_8bit", "to_grey", "ink_is_dark",
    # the ground
    "Frame", "Ground", "Shadow", "ShadowEdge", "find_frame", "cut_frame", "find_ground",
    "on_plate", "relight", "EDGE_SIZE",
    # the ink, lines and strokes
    "Page", "quieten", "paper_under_ink", "ink_map", "threshold_ink", "find_lines",
    "without_lines", "Search", "find_digit", "select_strokes",
    # the crop and the MNIST form
    "Cut", "cut_out", "DIGIT_SIZE", "fix_stroke_width", "straighten", "fit_box", "centre",
    "BOX", "SIDE", "CENTRE", "UNSLANT", "MAX_SHEAR", "tutorial",
    # forms and whole numbers
    "Form", "find_form", "frame_round", "plate_round", "Candidate", "Writing", "best_reading",
    # the pipeline
    "METHODS", "Steps", "mnist", "read_number", "to_input", "check_grey",
    # measures and sizes the stages share
    "resize_longest", "noise_level", "robust_sigma", "stroke_width", "WORK_SIZE", "MIN_WORK_SIZE",
]
