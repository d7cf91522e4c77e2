#!/usr/bin/env python3
"""Write tests/data/rate_tasks.mat: stimuli made by the PyTorch `rate` package's task classes.

spikernn's tasks must present the stimuli the models were trained on. This records the rate
package's Go, NoGo, the four XOR patterns and a Mante trial of each context (trial lengths as
spikernn's defaults: 201, 301 and 501 columns), so the tests compare against them.

    PYTHONPATH=/path/to/spikeRNN/rate /usr/bin/python3 tools/make_task_fixtures.py
"""
import os

import numpy as np
import scipy.io as sio
from tasks import GoNogoTask, ManteTask, XORTask

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    go_nogo = GoNogoTask({'T': 201, 'stim_on': 50, 'stim_dur': 25})
    xor = XORTask({'T': 301, 'stim_on': 50, 'stim_dur': 50, 'delay': 10})
    mante = ManteTask({'T': 501, 'stim_on': 50, 'stim_dur': 200})
    out = {'go': go_nogo.generate_stimulus('go')[0], 'nogo': go_nogo.generate_stimulus('nogo')[0]}
    for pattern, name in [('++', 'pp'), ('+-', 'pm'), ('-+', 'mp'), ('--', 'mm')]:
        u, label = xor.generate_stimulus(pattern)
        out['xor_' + name] = u
        out['xor_' + name + '_label'] = 1.0 if label == 'same' else -1.0
    np.random.seed(7)
    for context in ['color', 'motion']:
        u, label = mante.generate_stimulus(context)
        out['mante_' + context] = u
        out['mante_' + context + '_label'] = float(label)
    sio.savemat(os.path.join(ROOT, 'tests', 'data', 'rate_tasks.mat'), out, do_compression=True)


if __name__ == '__main__':
    main()
