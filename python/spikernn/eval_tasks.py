"""The port's evaluation entry point (``spiking.eval_tasks``): ``evaluate_task`` and its command
line::

    python -m spikernn.eval_tasks --task go_nogo --model_dir DIR [--scaling_factor 50] [--no_plots]

The evaluation is spikernn's (``n_trials`` trials on every core, scored as the grid search
scores them, figures from the C++ library); the result also carries the port's keys of one
sample trial."""

import os

from . import _core, _json
from ._port_cli import model_parser, run_main
from .abstract import AbstractSpikingRNN, SpikingConfig
from .conversion import LIF_network_fnc, load_model
from .errors import InvalidArgument
from .runs import _run, _settings
from .tasks import BuiltinTask, SpikingTaskFactory, engine_task_settings


class LIFNetworkAdapter(AbstractSpikingRNN):
    """The port's adapter of ``LIF_network_fnc`` to ``AbstractSpikingRNN``: ``simulate`` runs
    one trial at ``scaling_factor`` and returns ``(spikes, None, output, params)``. The model (a
    path or a loaded ``RateModel``) is read once."""

    def __init__(self, model_path, scaling_factor):
        self.model = load_model(model_path)
        super().__init__(SpikingConfig(N=self.model.N, scaling_factor=float(scaling_factor)))
        self.model_path = model_path
        self.scaling_factor = float(scaling_factor)
        self.use_initial_weights = False
        self.downsample = 1

    def load_rate_weights(self, model_path):
        self.model = load_model(model_path)
        self.model_path = model_path

    def initialize_lif_params(self):
        """The LIF parameters are the config's; nothing to initialise."""

    def compute_firing_rates(self, spikes):
        return spikes.mean(axis=0) if spikes.ndim > 1 else spikes.mean()

    def simulate(self, stimulus, stims):
        _, _, spikes, _, _, output, params = LIF_network_fnc(
            self.model, self.scaling_factor, stimulus, stims, self.downsample,
            self.use_initial_weights)
        return spikes, None, output, params


def load_model_and_scaling_factor(model_dir, optimal_scaling_factor=None, *, verbose=True):
    """The first ``.mat`` file of ``model_dir`` (by name; or ``model_dir`` itself when it is a
    file) and the scaling factor to run it at: ``optimal_scaling_factor``, else the model's
    stored ``opt_scaling_factor`` (InvalidArgument naming the file when it has none)."""
    model_path, _, factor = model_and_factor(model_dir, optimal_scaling_factor, verbose)
    return model_path, factor


def model_and_factor(model_dir, optimal_scaling_factor, verbose):
    """``load_model_and_scaling_factor`` with the model it read: ``(path, RateModel, λ)``."""
    model_path = _core.model_files(os.fspath(model_dir))[0]
    model = load_model(model_path)
    if verbose:
        print(f"Using model file: {model_path}")
    if optimal_scaling_factor is not None:
        if verbose:
            print(f"Using provided scaling factor: {optimal_scaling_factor}")
        return model_path, model, float(optimal_scaling_factor)
    if model.opt_scaling_factor is None:
        raise InvalidArgument(
            f"'{model_path}': variable 'opt_scaling_factor' not found; run lambda_grid_search "
            f"first or give the scaling factor (--scaling_factor)")
    if verbose:
        print(f"Using scaling factor from model: {model.opt_scaling_factor}")
    return model_path, model, float(model.opt_scaling_factor)


def evaluate_task(task_name, model_dir, optimal_scaling_factor=None, task_settings=None,
                  save_plots=True, *, n_trials=None, seed=None, config=None, progress=True):
    """The port's ``evaluate_task``: evaluates the model file ``model_dir`` names (or the first
    ``.mat`` of that folder) on ``task_name`` at ``optimal_scaling_factor`` (else the model's
    ``opt_scaling_factor``), with figures in ``plots`` beside the model when ``save_plots``.

    Returns spikernn's metrics (``overall_accuracy``, ``condition_accuracy``, ...; the port's
    docs promise metrics) over ``n_trials`` trials (default 100), and, as the port's code
    returns, the keys of one sample trial (``stimulus``, ``label``, ``spikes``, ``output``,
    ``correct``, ``params``, ...). The port's task settings (``T``, ``stim_on``, ...) are taken.
    A task registered from Python as an ``AbstractSpikingTask`` runs the port's way: one trial,
    then its ``create_visualization`` when ``save_plots``."""
    model_path, model, factor = model_and_factor(model_dir, optimal_scaling_factor, True)
    task = SpikingTaskFactory.create_task(task_name, task_settings)
    print(f"Created {type(task).__name__} with settings: {task.settings}")
    spiking_rnn = LIFNetworkAdapter(model, factor)
    if not isinstance(task, BuiltinTask):
        return _evaluate_the_ports_way(task, spiking_rnn, model_path, save_plots)
    settings = _settings(n_trials=n_trials, seed=seed, config=config)
    metrics = _run(_core.evaluate_port_form, f"evaluate {task_name}", progress, task_name,
                   model_path, factor,
                   _json.dumps(engine_task_settings(task.task_name, task_settings)),
                   bool(save_plots), settings)
    if save_plots:
        print(f"Plots saved to: {os.path.join(os.path.dirname(model_path), 'plots')}")
    stimulus, label = task.generate_stimulus()
    return {**task.evaluate_trial(spiking_rnn, stimulus, label), **metrics}


def _evaluate_the_ports_way(task, spiking_rnn, model_path, save_plots):
    stimulus, label = task.generate_stimulus()
    performance = task.evaluate_trial(spiking_rnn, stimulus, label)
    if save_plots and hasattr(task, "create_visualization"):
        samples = [task.evaluate_trial(spiking_rnn, *task.generate_stimulus(trial_type))
                   for trial_type in task.get_sample_trial_types()]
        task.create_visualization(samples, os.path.dirname(model_path))
        print(f"Plots saved to: {os.path.join(os.path.dirname(model_path), 'plots')}")
    return performance


def main(argv=None):
    parser = model_parser("eval_tasks", "Evaluate a trained model's spiking network on a task")
    tasks = ", ".join(SpikingTaskFactory.list_available_tasks())
    parser.add_argument("--task", type=str, required=True, help=f"task to evaluate: {tasks}")
    parser.add_argument("--no_plots", action="store_true", help="draw no figures")
    parser.add_argument("--n_trials", type=int, default=None,
                        help="trials to evaluate (default 100)")
    parser.add_argument("--T", type=int, help="trial length (stimulus columns)")
    parser.add_argument("--stim_on", type=int, help="stimulus onset (column)")
    parser.add_argument("--stim_dur", type=int, help="stimulus duration (columns)")
    args = parser.parse_args(argv)
    task_settings = {k: getattr(args, k) for k in ("T", "stim_on", "stim_dur")
                     if getattr(args, k) is not None}
    performance = evaluate_task(args.task, args.model_dir, args.scaling_factor,
                                task_settings or None, not args.no_plots, n_trials=args.n_trials)
    print(f"Accuracy: {performance['overall_accuracy']:.3f} over {performance['n_trials']} "
          f"trials at λ = {performance['scaling_factor']}")
    print("\n✓ Evaluation completed successfully!")
    return 0


if __name__ == "__main__":
    run_main(main, "spikernn.eval_tasks")
