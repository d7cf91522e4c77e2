"""What the port's command lines (``python -m spikernn.lambda_grid_search``, ``eval_tasks``,
``eval_go_nogo``, ``eval_xor``) share: an error is one line on stderr naming the command, and a
non-zero exit status (1; argparse's usage errors exit with 2); a warning is one line too."""

import argparse
import sys
import warnings

from .errors import SpikernnError


def run_main(main, prog):
    warnings.formatwarning = lambda message, *_, **__: f"{prog}: warning: {message}\n"
    try:
        status = main()
    except (SpikernnError, OSError, ValueError, TypeError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        status = 130
    sys.exit(status)


def model_parser(module, description, model_dir=None, factor_flag="--scaling_factor"):
    """The flags the evaluation commands share: ``--model_dir`` (required when it has no default)
    and the scaling factor under the port's name for it in that command."""
    parser = argparse.ArgumentParser(prog=f"python -m spikernn.{module}",
                                     description=f"{description} (the port's command line).")
    parser.add_argument("--model_dir", type=str, default=model_dir, required=model_dir is None,
                        help="folder holding the model's .mat file (or the file)")
    parser.add_argument(factor_flag, type=float, default=None,
                        help="λ (default: the model's opt_scaling_factor)")
    return parser
