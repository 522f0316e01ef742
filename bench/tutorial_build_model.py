"""The tutorial's build_model.py as written: the baseline for bench/train_speed.py.

Only two lines are added: a timer around model.fit and the save path taken
from the command line, so the benchmark can compare like with like.
"""
import sys
import time

import numpy as np
import tensorflow as tf

path = 'mnist.npz'
with np.load(path) as data:
    x_train, y_train = data['x_train'], data['y_train']
    x_test, y_test = data['x_test'], data['y_test']

x_train = x_train / 255
x_test = x_test / 255

model = tf.keras.models.Sequential([
    tf.keras.layers.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])

model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

loss, accuracy = model.evaluate(x_test, y_test)
print(f"Initial cost: {loss}, Initial accuracy: {accuracy}")

start = time.perf_counter()  # added
model.fit(x_train, y_train, epochs=3, validation_split=0.1)
print(f"Trained in {time.perf_counter() - start:.2f} s")  # added

loss, accuracy = model.evaluate(x_test, y_test)
print(f"Final cost: {loss}, Final accuracy: {accuracy}")

model.save(sys.argv[1] if len(sys.argv) > 1 else 'handwriting.keras')  # path added
