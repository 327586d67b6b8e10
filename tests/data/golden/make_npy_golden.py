#!/usr/bin/python3
"""Writes tests/data/golden/numpy_2x3x4.npy with NumPy's own np.save, so the tests can check that
fingen's .npy writer produces the same bytes and its reader reads NumPy's files.
Run from the repository root with Debian's /usr/bin/python3 (python3-numpy)."""
import numpy as np

a = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 11.5) / 8.0
np.save("tests/data/golden/numpy_2x3x4.npy", a)
print("numpy", np.__version__, "shape", a.shape)
