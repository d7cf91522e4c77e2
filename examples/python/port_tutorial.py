"""The spiking part of the PyTorch port's tutorial (docs/tutorials.ipynb of NuttidaLab/spikeRNN) on
spikernn, with `spiking` renamed `spikernn` and nothing else changed in the calls: save a trained
rate model as the tutorial saves it, search λ over its folder, simulate a NoGo and a Go trial at
the λ found, and plot the outputs and rasters.

The tutorial trains its rate network with the port's `rate` package; here the trained network is
the shipped Go-NoGo model (trained by that package), or, with --train K, one that spikernn's
trainer trains for K trials.

    python3 examples/python/port_tutorial.py OUTPUT_DIR [--train K]
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import scipy.io as sio  # noqa: E402

import spikernn  # noqa: E402
from spikernn.LIF_network_fnc import LIF_network_fnc  # noqa: E402
from spikernn.lambda_grid_search import lambda_grid_search  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TUTORIAL_KEYS = ("w", "w_in", "w_out", "w0", "N", "m", "som_m", "inh", "exc", "taus",
                 "taus_gaus", "taus_gaus0")

parser = argparse.ArgumentParser()
parser.add_argument("output_dir")
parser.add_argument("--train", type=int, default=0, help="train a rate network for K trials")
args = parser.parse_args()

# Part 1-2 of the tutorial: a trained rate network.
if args.train:
    trained = os.path.join(args.output_dir, "trained_by_spikernn.mat")
    spikernn.train_rate_rnn(trained, "go-nogo", n_trials=args.train, seed=1, progress=False)
else:
    trained = os.path.join(ROOT, "models", "go_nogo_N200_taus4-20_sigmoid.mat")
net = spikernn.load_rate_model(trained)

# Part 3: the model saved as the tutorial saves it (scipy.io.savemat of a dict of arrays).
model_dir = os.path.join(args.output_dir, "models", "go-nogo")
os.makedirs(model_dir, exist_ok=True)
model_path = os.path.join(model_dir, "rate_model_go_nogo.mat")
model_dict = {k: net[k] for k in TUTORIAL_KEYS}
model_dict["inh"] = net["inh"].astype(bool)
model_dict["exc"] = net["exc"].astype(bool)
sio.savemat(model_path, model_dict)
print(f"Trained rate model saved to: {model_path}")

# Part 4: λ by grid search over the folder, as the tutorial calls it.
opt_scaling_factor = lambda_grid_search(
    model_dir=model_dir,
    task_name="go-nogo",
    n_trials=50,
    scaling_factors=list(np.arange(15, 76, 5)),
)

# Part 5: a NoGo and a Go trial at that λ.
scaling_factor = opt_scaling_factor
down_sample = 1
use_initial_weights = False
print(f"Using scaling factor: {scaling_factor}")
u_nogo_sim = np.zeros((1, 200))  # what the rate task's generate_stimulus gives
u_go_sim = np.zeros((1, 200))
u_go_sim[0, 50:75] = 1
stims = {"mode": "none"}
W_nogo, REC_nogo, spk_nogo, rs_nogo, all_fr_nogo, out_nogo, params_nogo = LIF_network_fnc(
    model_path, scaling_factor, u_nogo_sim, stims, down_sample, use_initial_weights)
W_go, REC_go, spk_go, rs_go, all_fr_go, out_go, params_go = LIF_network_fnc(
    model_path, scaling_factor, u_go_sim, stims, down_sample, use_initial_weights)
print(f"Go: {spk_go.sum():.0f} spikes, output peak after 0.5 s {out_go[10000:].max():.3f}")
print(f"NoGo: {spk_nogo.sum():.0f} spikes, output peak after 0.5 s {out_nogo[10000:].max():.3f}")

# Part 6: the figures.
dt, nt = params_go["dt"], params_go["nt"]
t_spk = np.arange(dt, dt * (nt + 1), dt)[:nt]
plt.figure(figsize=(12, 6))
plt.plot(t_spk, out_go.flatten(), "g", linewidth=2, label="Spiking Go Output")
plt.plot(t_spk, out_nogo.flatten(), "m", linewidth=2, label="Spiking NoGo Output")
plt.xlabel("Time (s)")
plt.ylabel("Network Output")
plt.legend()
plt.savefig(os.path.join(args.output_dir, "outputs.png"))
plt.close()

model_data = sio.loadmat(model_path)
inh_mask = model_data["inh"].flatten().astype(bool)
fig, axes = plt.subplots(2, 1, figsize=(12, 10), sharex=True)
for ax, spk, title in ((axes[0], spk_go, "Go"), (axes[1], spk_nogo, "NoGo")):
    for n_idx in range(int(model_data["N"].item())):
        spike_times = t_spk[spk[n_idx, :] > 0]
        ax.plot(spike_times, np.full_like(spike_times, n_idx), ".",
                color="b" if inh_mask[n_idx] else "r", markersize=4)
    ax.set_title(f"{title} Trial Spike Raster (Red = Exc, Blue = Inh)")
fig.savefig(os.path.join(args.output_dir, "rasters.png"))
print(f"Figures: {os.path.join(args.output_dir, 'outputs.png')}, rasters.png")
