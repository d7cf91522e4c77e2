"""Makes the trial-dataset fixtures of tests/data that other tools write and spikernn must read:
`conditions` as a cell array of strings (MATLAB's {'go', 'nogo'}, written by scipy as an object
array) in MAT v5, and a v7.3 file whose MATLAB_class attributes are null-padded (h5py's default
for fixed-length strings). Both hold the same small Go-NoGo dataset.

    build/spikernn dataset --model models/go_nogo_N200_taus4-20_sigmoid.mat --scaling-factor 20 \\
        --trials-per-condition 2 --task-setting columns=31 --task-setting stim_on=5 \\
        --task-setting stim_dur=10 --task-setting score_from_step=2000 --output /tmp/ds.mat
    /usr/bin/python3 tools/make_dataset_fixtures.py /tmp/ds.mat tests/data
"""

import os
import shutil
import sys

import h5py
import numpy as np
import scipy.io as sio

source, folder = sys.argv[1], sys.argv[2]

padded = os.path.join(folder, "dataset_null_padded_v73.mat")
shutil.copy(source, padded)
with h5py.File(padded, "r+") as f:
    for name in f:
        value = f[name].attrs["MATLAB_class"]
        del f[name].attrs["MATLAB_class"]
        f[name].attrs.create("MATLAB_class", np.bytes_(value))  # fixed length, null-padded

arrays = {}
with h5py.File(source, "r") as f:
    for name in f:
        matlab_class = f[name].attrs["MATLAB_class"].decode()
        value = np.asarray(f[name][()]).T  # HDF5 holds MATLAB's arrays transposed
        if matlab_class == "char":
            rows = ["".join(map(chr, row)).rstrip() for row in np.atleast_2d(value)]
            value = np.array(rows, dtype=object) if name == "conditions" else rows[0]
        elif matlab_class == "logical":
            value = value.astype(bool)
        arrays[name] = value
sio.savemat(os.path.join(folder, "dataset_cell_conditions_v5.mat"), arrays)
