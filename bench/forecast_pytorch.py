#!/usr/bin/python3
"""The LSTM forecaster of bench_forecast.cpp in PyTorch: inputs [B, 60, 2] (standardised S&P 500
log return and its missing-value mask), LSTM(2 -> 32, one layer), Linear(32 -> 1) on the last
step, Huber loss (delta 1), Adam(1e-3, weight decay 1e-4), gradient norm clipped at 5, batches
of 64 random windows; then forecasts for ORIGINS windows in chunks of 2048. Prints one JSON object.
Usage: forecast_pytorch.py STEPS THREADS ORIGINS"""
import json, sys, time
import numpy as np
import torch
import torch.nn as nn

steps, threads, n_origins = (int(v) for v in sys.argv[1:4])
torch.set_num_threads(threads)
torch.manual_seed(1)
W, B = 60, 64
close = np.genfromtxt("data/sp500_ohlcv_2000_2020.csv", delimiter=",", skip_header=1, usecols=5)
r = np.diff(np.log(close))
z = np.clip((r - r.mean()) / r.std(), -8, 8)
rows = torch.tensor(np.stack([z, np.zeros_like(z)], axis=1), dtype=torch.float32)
x_all = torch.cat([torch.zeros(W - 1, 2), rows]).unfold(0, W, 1).transpose(1, 2)  # ends at row i
y_all = torch.tensor(z, dtype=torch.float32)
origins = torch.arange(W - 1, len(z) - 1)
x = x_all[origins]
y = y_all[origins + 1].unsqueeze(1)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 32, num_layers=1, batch_first=True)
        self.head = nn.Linear(32, 1)
    def forward(self, v):
        return self.head(self.lstm(v)[0][:, -1])

net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
t0 = time.perf_counter()
for _ in range(steps):
    pick = torch.randint(0, len(x), (B,))
    loss = nn.functional.huber_loss(net(x[pick]), y[pick], delta=1.0)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 5.0)
    opt.step()
fit_s = time.perf_counter() - t0
net.eval()
idx = torch.tensor([(len(z) - 1 - i % (len(z) - 1)) for i in range(n_origins)])
with torch.no_grad():
    net(x_all[idx[:1]])
    t1 = time.perf_counter()
    for c in range(0, n_origins, 2048):
        out = net(x_all[idx[c:c + 2048]])
    pred_s = time.perf_counter() - t1
print(json.dumps({"torch": torch.__version__, "seconds_per_step": fit_s / steps,
                  "forecasts_per_second": n_origins / pred_s}))
