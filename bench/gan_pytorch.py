#!/usr/bin/python3
"""The GAN of bench_gan.cpp in PyTorch: LSTM generator (noise 8 -> 2 x LSTM(hidden) -> Linear ->
1 return per step), MLP discriminator (window -> hidden -> hidden -> 1, LeakyReLU 0.2),
non-saturating loss, Adam(2e-4, betas 0.5, 0.999), one discriminator and one generator update per
step, batches of random windows of standardized S&P 500 log returns. Prints one JSON object.
Usage: gan_pytorch.py STEPS BATCH WINDOW HIDDEN THREADS"""
import json, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

steps, batch, window, hidden, threads = (int(v) for v in sys.argv[1:6])
torch.set_num_threads(threads)
torch.manual_seed(42)

close = np.genfromtxt("data/sp500_ohlcv_2000_2020.csv", delimiter=",", skip_header=1, usecols=4)
r = np.diff(np.log(close))
train = r[: int(len(r) * 0.85)]
z = torch.tensor((train - train.mean()) / train.std(ddof=1), dtype=torch.float32)

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 1)
    def forward(self, noise):
        return self.head(self.lstm(noise)[0])          # [B, T, 1]

class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = nn.Linear(window, hidden)
        self.l1 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, 1)
    def forward(self, x):
        h = x.reshape(x.shape[0], -1)
        h = F.leaky_relu(self.l0(h), 0.2)
        h = F.leaky_relu(self.l1(h), 0.2)
        return self.head(h)                             # [B, 1]

g, d = G(), D()
opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
offsets = torch.arange(window)

def batch_real():
    starts = torch.randint(0, len(z) - window + 1, (batch,))
    return z[(starts[:, None] + offsets[None, :]).reshape(-1)].reshape(batch, window, 1)

times = []
for step in range(steps):
    t0 = time.perf_counter()
    x = batch_real()
    fake = g(torch.randn(batch, window, 8)).detach()
    d_loss = F.softplus(-d(x)).mean() + F.softplus(d(fake)).mean()
    opt_d.zero_grad(); d_loss.backward(); opt_d.step()
    g_loss = F.softplus(-d(g(torch.randn(batch, window, 8)))).mean()
    opt_g.zero_grad(); g_loss.backward(); opt_g.step()
    times.append(time.perf_counter() - t0)

warm = min(5, steps - 1)
per_step = sum(times[warm:]) / (steps - warm)
with torch.no_grad():
    t0 = time.perf_counter()
    paths = [g(torch.randn(256, 250, 8)) for _ in range(40)]  # 10,240 paths in the same chunks as fingen
    gen = time.perf_counter() - t0
print(json.dumps({"torch": torch.__version__, "seconds_per_step": per_step, "paths_per_second": 10240 / gen}))
