"""From Python: find λ for the shipped Go-NoGo model, evaluate the spiking network there, and plot
the spike raster of one Go trial with matplotlib.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/grid_search_raster.py [MODEL] [OUT_DIR]
"""

import os
import shutil
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import spikernn  # noqa: E402

model = sys.argv[1] if len(sys.argv) > 1 else "models/go_nogo_N200_taus4-20_sigmoid.mat"
out_dir = sys.argv[2] if len(sys.argv) > 2 else "."

# The search stores λ in the model file, as the port does: search a copy.
work = tempfile.mkdtemp()
copy = shutil.copy(model, work)
search = spikernn.lambda_grid_search(copy, scaling_factors=[20, 30, 40, 50],
                                     n_trials_per_factor=40)
lam = search["opt_scaling_factor"]
print("accuracy per λ:", dict(zip(search["scaling_factors"], search["accuracy"])))

metrics = spikernn.eval_go_nogo(copy, scaling_factor=lam, n_trials=100, plot_results=False)
print(f"λ = {lam:g}: accuracy {metrics['overall_accuracy']:.2f} "
      f"(go {metrics['go_accuracy']:.2f}, nogo {metrics['nogo_accuracy']:.2f}), "
      f"response time {metrics['response_time_mean'] * 1000:.0f} ms")

u = np.zeros((1, 201))
u[0, 50:75] = 1
torch.manual_seed(1)
W, REC, spk, rs, all_fr, out, params = spikernn.LIF_network_fnc(copy, lam, u, {"mode": "none"},
                                                                 1, False)
exc = spikernn.load_model(copy).exc.numpy().astype(bool)
neurons, steps = np.nonzero(spk)
fig, (raster, output) = plt.subplots(2, 1, sharex=True, figsize=(8, 6),
                                     gridspec_kw={"height_ratios": [3, 1]})
raster.scatter(steps * params["dt"], neurons, s=1,
               c=np.where(exc[neurons], "tab:red", "tab:blue"))
raster.set_ylabel("unit (red E, blue I)")
raster.set_title(f"Go trial, λ = {lam:g}")
output.plot(np.arange(params["nt"]) * params["dt"], out, color="black")
output.set_xlabel("time (s)")
output.set_ylabel("output")
path = os.path.join(out_dir, "go_raster.png")
fig.savefig(path, dpi=100)
print("wrote", path)
shutil.rmtree(work)
