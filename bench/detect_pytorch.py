"""The PyTorch equivalent of bench_detect: an autoencoder (hidden 32, code 8) trained with Adam
(1e-3, weight decay 1e-4), batch 64, MSE, then the per-row mean squared reconstruction error of
ROWS rows in one call. Inputs: standard normal rows of the same width as fingen's Lending Club
design (the timing does not depend on the values). Prints one JSON object.
    detect_pytorch.py STEPS THREADS ROWS COLUMNS
"""
import json
import sys
import time

import numpy as np
import torch

steps, threads, rows, cols = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(1)
x = np.random.default_rng(1).standard_normal((9857, cols))
X = torch.from_numpy(x).float()
net = torch.nn.Sequential(torch.nn.Linear(cols, 32), torch.nn.ReLU(), torch.nn.Linear(32, 8),
                          torch.nn.ReLU(), torch.nn.Linear(8, 32), torch.nn.ReLU(),
                          torch.nn.Linear(32, cols))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
gen = torch.Generator().manual_seed(1)
t0 = time.perf_counter()
for step in range(steps):
    xb = X.index_select(0, torch.randint(0, X.shape[0], (64,), generator=gen))
    loss = torch.nn.functional.mse_loss(net(xb), xb)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert np.isfinite(loss.item())
fit_s = time.perf_counter() - t0
net.eval()
many = x[np.arange(rows) % x.shape[0]]
with torch.no_grad():
    net(torch.from_numpy(many[:10]).float())  # warm-up
    t1 = time.perf_counter()
    inp = torch.from_numpy(many).float()
    s = (net(inp) - inp).pow(2).mean(1).double().numpy()
    score_s = time.perf_counter() - t1
print(json.dumps({"torch": torch.__version__, "steps": steps, "threads": threads,
                  "seconds_per_step": fit_s / steps, "rows": rows,
                  "rows_per_second": rows / score_s, "check": float(s[0])}))
