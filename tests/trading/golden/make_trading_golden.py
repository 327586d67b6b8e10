#!/usr/bin/env python3
"""Golden values for the fingen trading backtester (tests/trading).

What it is
    An independent NumPy/pure-Python reference implementation of the contract written in
    include/fingen/trading/backtest.hpp, metrics.hpp and strategy.hpp. It was written from those
    headers only, without looking at (or linking to) the C++ implementation, so that the C++ code
    can be tested against values computed a second, independent way.

How to run (from the repository root)
    /usr/bin/python3 tests/trading/golden/make_trading_golden.py

    It reads data/sp500_ohlcv_2000_2020.csv and data/dow_jones_30.csv (relative to this script:
    ../../../data/), writes tests/trading/golden/trading_golden.json next to this script and prints
    a summary table. It is deterministic (no randomness, no clock); float64 throughout; NaN is
    written as JSON null.

Layout of trading_golden.json
    {"cases": {<name>: {"data", "assets", "strategy", "strategy_options", "backtest_options",
                        "bars", "weights_checksum", "diagnostics",
                        "gross": RUN, "net": RUN}}}
    RUN = {"bars", "final_equity", "equity_at": {"<bar>": E}, "costs", "traded_notional",
           "metrics": {total_return, annual_return, annual_volatility, sharpe, sortino,
                       max_drawdown, max_drawdown_duration, calmar, turnover, hit_rate,
                       exposure, trades},
           "first_fills": [{"bar", "asset", "shares", "price", "cost"}] (first 6 fills)}
    "asset" is the 0-based column index of the asset in the market; "weights_checksum" is
    sum_t sum_i W[t][i] * (t+1) * (i+1) of the raw strategy targets (before leverage scaling).
    "diagnostics" are not part of the contract: they report how close the discrete decisions
    (signal comparisons, share truncation, zero trades) came to their thresholds, so that a
    mismatch caused by last-bit rounding can be recognised as such.

Choices made where the headers leave room (each is also commented where it is used):
  C1  OHLCV open = open * (adjclose / close) (the header: "its open scaled by adjusted/close").
      In this file adjclose == close, so this is the open exactly; the left-to-right
      (open * adjclose) / close differs by 1 ulp on 280 bars and changes nothing material.
  C2  Rolling means are plain left-to-right sums of the window divided by its length, recomputed
      for every bar (no running sums). sd of zscore is two-pass: sqrt(sum((C - mean)^2) / k).
  C3  Ties fall in the "else" branch: sma s = 1 only when SMA_fast > SMA_slow strictly, momentum
      s = 1 only when C_t > C_{t-lookback} strictly; otherwise -1 (allow_short) or 0.
  C4  zscore is a state machine with the previous bar's signal as state (0 before bar
      lookback-1). Flat (s=0): opens -1 when z > entry and allow_short, +1 when z < -entry.
      Long (s=1): closes to 0 when z >= -exit. Short (s=-1): closes to 0 when z <= exit. A bar that
      closes a position does not open the opposite one on the same bar (no same-bar flip), and a
      bar that opens one does not test the exit rule. sd == 0 (exactly) keeps the previous signal.
  C5  Leverage scaling: w_i = W[t-1][i] * (max_leverage / sum_i |W[t-1][i]|), only when the sum
      strictly exceeds max_leverage; the sum is taken left to right over the assets.
  C6  Target shares q* = (w_i * E_x) / X_i, evaluated left to right, then truncated toward zero
      (math.trunc) with whole_shares. "No trade when d_i = 0" is an exact floating-point test.
  C7  Per fill, cost = commission_bps 1e-4 n + commission_fixed + (spread_bps / 2) 1e-4 n
      + slippage_bps 1e-4 n + impact, summed in that order; commission_fixed is paid per fill
      (per asset traded on a bar). Trades within a bar are made in asset order.
  C8  The impact sigma is the ddof-1 sd of r_k = ln(C_k / C_{k-1}) for k in [max(1, t-20), t-1]
      (0 with fewer than 2 returns) on closes (adjusted), also when filling at the close.
  C9  Borrow is charged (subtracted from cash) at every close t >= 1, after that bar's trades, on
      sum_{q_i < 0} |q_i| C_i,t, before E_t is computed; it counts in "costs" but is not a fill.
  C10 gross_exposure at bar 0 is 0 (no position) and the exposure metric is the mean over all T
      bars, bar 0 included. hit_rate counts bars t >= 1 with at least one q_i != 0 after that bar's
      trades (at its close); among them, the share with r_t > 0.
  C11 sortino's denominator is sqrt(mean over all n returns of min(r, 0)^2) (zeros included);
      max_drawdown_duration counts bars with E_t strictly below the running peak
      max_{s <= t} E_s; mean(E) in turnover is over all T equity values; annual_return uses
      n = T - 1 returns.
  C12 The gross run uses every cost zero (commissions, fixed commission, spread, slippage, impact
      and borrow) and otherwise the same options; it is run separately, so its shares differ from
      the net run's.
  C13 The Dow Jones panel has no opens, so every fill is at the next close whatever `fill` says,
      and no volumes, so there is no impact cost.
  C14 pairs (y = first asset, x = second): from bar window-1 on, every bar refits
      ln y_k = a + b ln x_k + e_k, k = t-window+1 .. t, by the closed-form simple regression on
      centred data: mx, my are plain left-to-right means (C2), b = sum((lx-mx)(ly-my)) /
      sum((lx-mx)^2), a = my - b mx, e_k = ly_k - (a + b lx_k). z_t = e_t / sd, sd two-pass ddof 0
      over the window's residuals, their (rounding-level, nonzero) mean subtracted. The fit is
      always the fresh one of bar t (also while a position is open: z_t, and so the exit test,
      uses the current window's a and b); only the weights use b frozen at the entry bar. The
      state machine is C4's (strict entry z > entry / z < -entry, inclusive exits z >= -exit /
      z <= exit, no same-bar flip, an opening bar does not test the exit). Weights
      y = s / (1 + |b|), x = (-s * b) / (1 + |b|), s = +1 long spread, -1 short; 0 before bar
      window-1 and when flat. sd == 0 exactly, or sum((lx-mx)^2) == 0 (b undefined), keeps the
      previous state (and the previous weights). sum |w| of a position is 1 up to rounding; when
      rounding makes it exceed max_leverage = 1 by an ulp, C5 scales it (diagnosed).
"""

import csv
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "data")
OUT = os.path.join(HERE, "trading_golden.json")

# Defaults, from FINGEN_COST_OPTIONS / FINGEN_BACKTEST_OPTIONS in backtest.hpp.
DEFAULT_COSTS = {
    "commission_bps": 1.0,
    "commission_fixed": 0.0,
    "spread_bps": 5.0,
    "slippage_bps": 2.0,
    "impact_coefficient": 0.1,
    "borrow_bps": 50.0,
}
DEFAULT_BACKTEST = {
    "initial_capital": 1000000.0,
    "fill": "next_open",
    "rebalance": "on_change",
    "max_leverage": 1.0,
    "whole_shares": False,
    "periods_per_year": 252.0,
}
ZERO_COSTS = {k: 0.0 for k in DEFAULT_COSTS}

# Defaults from FINGEN_SMA_OPTIONS / FINGEN_MOMENTUM_OPTIONS / FINGEN_ZSCORE_OPTIONS.
DEFAULT_STRATEGY = {
    "buy_and_hold": {},
    "sma": {"fast": 20, "slow": 100, "allow_short": False},
    "momentum": {"lookback": 252, "allow_short": False},
    "zscore": {"lookback": 20, "entry": 2.0, "exit": 0.5, "allow_short": True},
    "pairs": {"window": 120, "entry": 2.0, "exit": 0.5},  # FINGEN_PAIRS_OPTIONS
}

EQUITY_BARS = [0, 1, 100, 101, 500, 1000, 2000, 3000, 4000]
N_FILLS = 6


# ----------------------------------------------------------------------------------------------
# Markets
# ----------------------------------------------------------------------------------------------
class Market:
    def __init__(self, names, close, open_=None, volume=None):
        self.names = names
        self.close = np.asarray(close, dtype=np.float64)  # T x N
        self.open = None if open_ is None else np.asarray(open_, dtype=np.float64)
        self.volume = None if volume is None else np.asarray(volume, dtype=np.float64)

    @property
    def T(self):
        return self.close.shape[0]

    @property
    def N(self):
        return self.close.shape[1]


def _number(text):
    """float of a CSV field, or None when missing."""
    text = text.strip().strip('"')
    if text == "" or text.upper() in ("NA", "NAN", "NULL"):
        return None
    value = float(text)
    return None if math.isnan(value) else value


def read_ohlcv(path, name):
    closes, opens, volumes = [], [], []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            fields = {k: _number(row[k]) for k in ("open", "high", "low", "close", "adjclose", "volume")}
            if any(v is None for v in fields.values()) or row["date"].strip() == "":
                continue  # drop rows with any missing field
            close, adj = fields["close"], fields["adjclose"]
            # C1: open scaled by adjusted/close.
            opens.append([fields["open"] * (adj / close)])
            closes.append([adj])
            volumes.append([fields["volume"]])
    m = Market([name], closes, opens, volumes)
    assert (m.close > 0).all() and (m.open > 0).all(), "non-positive price"
    return m


def read_panel(path, series):
    closes = []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().strip('"') for h in next(reader)]
        cols = [header.index(s) for s in series]
        for row in reader:
            values = [_number(row[j]) for j in cols]
            if any(v is None for v in values):
                continue  # drop rows where any chosen series is missing
            closes.append(values)
    m = Market(list(series), closes)  # closes only: no opens, no volumes
    assert (m.close > 0).all(), "non-positive price"
    return m


# ----------------------------------------------------------------------------------------------
# Strategies: T x N target weights, row t from bars 0..t; signal s in {-1, 0, 1} -> s / N.
# ----------------------------------------------------------------------------------------------
def window_mean(x, t, k):
    """Mean of x[t-k+1 .. t], plain left-to-right sum (C2)."""
    s = 0.0
    for j in range(t - k + 1, t + 1):
        s += x[j]
    return s / k


def strategy_buy_and_hold(market, opts, diag):
    return np.full((market.T, market.N), 1.0 / market.N)


def strategy_sma(market, opts, diag):
    fast, slow, allow_short = int(opts["fast"]), int(opts["slow"]), bool(opts["allow_short"])
    T, N = market.T, market.N
    W = np.zeros((T, N))
    margin = math.inf
    for i in range(N):
        c = market.close[:, i]
        for t in range(slow - 1, T):  # from bar slow-1 on; before it s = 0
            f = window_mean(c, t, fast)
            s_ = window_mean(c, t, slow)
            margin = min(margin, abs(f - s_) / s_)
            if f > s_:  # C3: strict
                s = 1.0
            else:
                s = -1.0 if allow_short else 0.0
            W[t, i] = s / N
    diag["min_relative_sma_gap"] = margin
    return W


def strategy_momentum(market, opts, diag):
    lookback, allow_short = int(opts["lookback"]), bool(opts["allow_short"])
    T, N = market.T, market.N
    W = np.zeros((T, N))
    margin = math.inf
    for i in range(N):
        c = market.close[:, i]
        for t in range(lookback, T):  # from bar lookback on; before it s = 0
            margin = min(margin, abs(c[t] - c[t - lookback]) / c[t - lookback])
            if c[t] > c[t - lookback]:  # C3: strict
                s = 1.0
            else:
                s = -1.0 if allow_short else 0.0
            W[t, i] = s / N
    diag["min_relative_momentum_gap"] = margin
    return W


def strategy_zscore(market, opts, diag):
    k = int(opts["lookback"])
    entry, exit_ = float(opts["entry"]), float(opts["exit"])
    allow_short = bool(opts["allow_short"])
    T, N = market.T, market.N
    W = np.zeros((T, N))
    margin = math.inf
    for i in range(N):
        c = market.close[:, i]
        s = 0.0  # state: previous bar's signal (0 before bar k-1)
        for t in range(k - 1, T):  # from bar lookback-1 on
            mean = window_mean(c, t, k)
            ss = 0.0
            for j in range(t - k + 1, t + 1):
                ss += (c[j] - mean) ** 2
            sd = math.sqrt(ss / k)  # ddof 0 (C2)
            if sd == 0.0:
                pass  # flat window: keep the previous signal
            else:
                z = (c[t] - mean) / sd
                # Distance of z to the thresholds that can matter in this state.
                if s == 0.0:
                    margin = min(margin, abs(abs(z) - entry))
                    if z > entry and allow_short:
                        s = -1.0
                    elif z < -entry:
                        s = 1.0
                elif s == 1.0:
                    margin = min(margin, abs(z + exit_))
                    if z >= -exit_:
                        s = 0.0  # C4: closes; no same-bar flip
                else:  # s == -1
                    margin = min(margin, abs(z - exit_))
                    if z <= exit_:
                        s = 0.0
            W[t, i] = s / N
    diag["min_zscore_threshold_gap"] = margin
    return W


def _pairs_fit(ly, lx, t, k):
    """Closed-form OLS of ly on lx (with a constant) over bars t-k+1 .. t (C14).

    Returns (a, b, z, sd, sxx, mx, my); b, z are None when sum((lx-mx)^2) == 0, z is None when
    sd == 0."""
    mx = window_mean(lx, t, k)
    my = window_mean(ly, t, k)
    sxx = 0.0
    sxy = 0.0
    for j in range(t - k + 1, t + 1):
        dx = lx[j] - mx
        sxx += dx * dx
        sxy += dx * (ly[j] - my)
    if sxx == 0.0:
        return None, None, None, 0.0, sxx, mx, my
    b = sxy / sxx
    a = my - b * mx
    e = [ly[j] - (a + b * lx[j]) for j in range(t - k + 1, t + 1)]
    em = 0.0
    for v in e:
        em += v
    em /= k
    ss = 0.0
    for v in e:
        ss += (v - em) ** 2
    sd = math.sqrt(ss / k)
    if sd == 0.0:
        return a, b, None, sd, sxx, mx, my
    return a, b, e[-1] / sd, sd, sxx, mx, my


def _pairs_z_of_b(ly, lx, t, k, mx, my, b):
    """z_t of the window when its slope is forced to b (a = my - b mx keeps the residual mean at
    0): used only to measure how far b would have to move to flip a decision."""
    e = [(ly[j] - my) - b * (lx[j] - mx) for j in range(t - k + 1, t + 1)]
    m = sum(e) / k
    sd = math.sqrt(sum((v - m) ** 2 for v in e) / k)
    return e[-1] / sd


def strategy_pairs(market, opts, diag):
    k = int(opts["window"])
    entry, exit_ = float(opts["entry"]), float(opts["exit"])
    T, N = market.T, market.N
    assert N == 2, "pairs needs exactly two assets"
    ly = [math.log(float(v)) for v in market.close[:, 0]]
    lx = [math.log(float(v)) for v in market.close[:, 1]]
    W = np.zeros((T, N))
    s = 0.0  # state: +1 long spread, -1 short spread, 0 flat
    b_entry = 0.0
    wy = wx = 0.0
    # diagnostics
    gaps = {"entry": (math.inf, None), "exit": (math.inf, None)}  # (|z - threshold|, bar)
    b_flip = (math.inf, None)  # smallest |db| that would flip a threshold comparison, bar
    max_db_lstsq = 0.0  # |b_closed_form - b_lstsq| over all bars
    max_dz_lstsq = 0.0  # |z_closed_form - z_lstsq| over all bars
    max_dz_sd_variant = 0.0  # |z - e_t / sqrt(mean(e^2))| (sd without subtracting the mean)
    positions = []
    degenerate = 0
    for t in range(k - 1, T):
        a, b, z, sd, sxx, mx, my = _pairs_fit(ly, lx, t, k)
        # cross-checks against np.linalg.lstsq and the uncentred sd
        Xd = np.column_stack([np.ones(k), np.asarray(lx[t - k + 1:t + 1])])
        coef = np.linalg.lstsq(Xd, np.asarray(ly[t - k + 1:t + 1]), rcond=None)[0]
        if z is None:
            degenerate += 1  # C14: keep the previous state and weights
        else:
            el = np.asarray(ly[t - k + 1:t + 1]) - Xd @ coef
            z_l = float(el[-1] / np.std(el))
            max_db_lstsq = max(max_db_lstsq, abs(b - float(coef[1])))
            max_dz_lstsq = max(max_dz_lstsq, abs(z - z_l))
            e = [ly[j] - (a + b * lx[j]) for j in range(t - k + 1, t + 1)]
            z_u = e[-1] / math.sqrt(sum(v * v for v in e) / k)
            max_dz_sd_variant = max(max_dz_sd_variant, abs(z - z_u))
            # the threshold(s) that matter in this state
            if s == 0.0:
                thr = entry if z > 0 else -entry
                kind = "entry"
            elif s == 1.0:
                thr = -exit_
                kind = "exit"
            else:
                thr = exit_
                kind = "exit"
            gap = abs(z - thr)
            if gap < gaps[kind][0]:
                gaps[kind] = (gap, t)
            # first-order |db| that moves z onto the threshold (numerical derivative)
            h = 1e-6 * max(1.0, abs(b))
            dzdb = (_pairs_z_of_b(ly, lx, t, k, mx, my, b + h)
                    - _pairs_z_of_b(ly, lx, t, k, mx, my, b - h)) / (2 * h)
            if dzdb != 0.0:
                dbf = gap / abs(dzdb)
                if dbf < b_flip[0]:
                    b_flip = (dbf, t)
            # C4-style state machine
            if s == 0.0:
                if z > entry:
                    s = -1.0
                elif z < -entry:
                    s = 1.0
                if s != 0.0:
                    b_entry = b
                    den = 1.0 + abs(b_entry)
                    wy = s / den
                    wx = (-s * b_entry) / den
                    positions.append({"entry_bar": t, "side": s, "b": b_entry, "z": z,
                                      "w_y": wy, "w_x": wx,
                                      "abs_sum_minus_1": (abs(wy) + abs(wx)) - 1.0})
            elif s == 1.0:
                if z >= -exit_:
                    s = 0.0
            else:
                if z <= exit_:
                    s = 0.0
            if s == 0.0:
                wy = wx = 0.0
                if positions and "exit_bar" not in positions[-1] and positions[-1]["entry_bar"] != t:
                    positions[-1]["exit_bar"] = t
        W[t, 0] = wy
        W[t, 1] = wx
    diag["min_pairs_entry_gap"] = gaps["entry"][0]
    diag["min_pairs_entry_gap_bar"] = gaps["entry"][1]
    diag["min_pairs_exit_gap"] = gaps["exit"][0]
    diag["min_pairs_exit_gap_bar"] = gaps["exit"][1]
    diag["min_pairs_z_threshold_gap"] = min(gaps["entry"][0], gaps["exit"][0])
    diag["min_b_change_to_flip_a_z_decision"] = b_flip[0]
    diag["min_b_change_to_flip_a_z_decision_bar"] = b_flip[1]
    diag["min_abs_b_at_entry"] = min((abs(p["b"]) for p in positions), default=None)
    diag["entries_with_abs_weight_sum_above_1"] = sum(1 for p in positions if p["abs_sum_minus_1"] > 0)
    diag["max_abs_b_closed_form_minus_lstsq"] = max_db_lstsq
    diag["max_abs_z_closed_form_minus_lstsq"] = max_dz_lstsq
    diag["max_abs_z_minus_z_with_uncentred_sd"] = max_dz_sd_variant
    diag["degenerate_bars_kept"] = degenerate
    diag["positions"] = positions
    return W


STRATEGIES = {
    "buy_and_hold": strategy_buy_and_hold,
    "sma": strategy_sma,
    "momentum": strategy_momentum,
    "zscore": strategy_zscore,
    "pairs": strategy_pairs,
}


def weights_checksum(W):
    total = 0.0
    T, N = W.shape
    for t in range(T):
        for i in range(N):
            total += float(W[t, i]) * (t + 1) * (i + 1)
    return total


# ----------------------------------------------------------------------------------------------
# Backtest
# ----------------------------------------------------------------------------------------------
def impact_sigma(close_col, t):
    """ddof-1 sd of r_k = ln(C_k / C_{k-1}), k in [max(1, t-20), t-1]; 0 with fewer than 2 (C8)."""
    r = [math.log(close_col[k] / close_col[k - 1]) for k in range(max(1, t - 20), t)]
    if len(r) < 2:
        return 0.0
    m = sum(r) / len(r)
    return math.sqrt(sum((x - m) ** 2 for x in r) / (len(r) - 1))


def run_backtest(market, W, bt, costs, diag=None, trace=None):
    T, N = market.T, market.N
    P = bt["periods_per_year"]
    use_open = market.open is not None and bt["fill"] == "next_open"  # C13
    every_bar = bt["rebalance"] == "every_bar"
    L = bt["max_leverage"]

    cash = bt["initial_capital"]
    q = [0.0] * N
    equity = [cash]  # E_0 = initial capital
    gross_exposure = [0.0]  # C10: no position at bar 0
    holding = [False]
    fills = []
    total_costs = 0.0
    traded_notional = 0.0
    # diagnostics
    min_frac_to_int = math.inf  # whole shares: closest raw q* came to an integer
    min_rel_trade = math.inf  # smallest |d| X / E_x among fills
    exact_zero_skips = 0  # assets due to trade whose d was exactly 0

    for t in range(1, T):
        X = market.open[t] if use_open else market.close[t]
        # 1. targets decided at the close of t-1, scaled to max_leverage (C5)
        raw = [float(W[t - 1, i]) for i in range(N)]
        prev = [float(W[t - 2, i]) for i in range(N)] if t >= 2 else [0.0] * N  # W[-1] = 0
        gross = 0.0
        for i in range(N):
            gross += abs(raw[i])
        if gross > L:
            scale = L / gross
            w = [raw[i] * scale for i in range(N)]
        else:
            w = list(raw)
        # 2. equity at the fill, once, from fill prices before any trade of this bar
        E_x = cash
        for i in range(N):
            E_x += q[i] * X[i]
        for i in range(N):
            if not (every_bar or raw[i] != prev[i]):  # raw, unscaled targets compared
                continue
            target = (w[i] * E_x) / X[i]  # C6
            raw_target = target
            if bt["whole_shares"]:
                frac = abs(target - round(target))
                min_frac_to_int = min(min_frac_to_int, frac)
                target = float(math.trunc(target))
            d = target - q[i]
            if d == 0.0:
                exact_zero_skips += 1
                continue
            # 3. costs
            n = abs(d) * X[i]
            cost = costs["commission_bps"] * 1e-4 * n + costs["commission_fixed"]
            cost += (costs["spread_bps"] / 2.0) * 1e-4 * n
            cost += costs["slippage_bps"] * 1e-4 * n
            if market.volume is not None:
                V = market.volume[t - 1, i]
                if V > 0:
                    sigma = impact_sigma(market.close[:, i], t)
                    cost += costs["impact_coefficient"] * sigma * math.sqrt(abs(d) / V) * n
            cash -= d * X[i] + cost
            q[i] += d
            total_costs += cost
            traded_notional += n
            min_rel_trade = min(min_rel_trade, n / abs(E_x))
            fills.append({"bar": t, "asset": i, "shares": d, "price": float(X[i]), "cost": cost})
            if trace is not None:  # only the pairs cases ask for it
                trace.append({"bar": t, "asset": i, "raw_target": raw_target, "E_x": E_x,
                              "X": float(X[i]), "scaled": gross > L})
        # 4. at the close: borrow on short value, then equity (C9)
        C = market.close[t]
        short_value = 0.0
        for i in range(N):
            if q[i] < 0:
                short_value += abs(q[i]) * C[i]
        borrow = costs["borrow_bps"] * 1e-4 / P * short_value
        cash -= borrow
        total_costs += borrow
        E = cash
        for i in range(N):
            E += q[i] * C[i]
        g = 0.0
        for i in range(N):
            g += abs(q[i] * C[i])
        equity.append(E)
        gross_exposure.append(g / E)
        holding.append(any(q[i] != 0.0 for i in range(N)))

    if diag is not None:
        if bt["whole_shares"]:
            diag["min_distance_of_target_shares_to_integer"] = min_frac_to_int
        diag["min_fill_notional_over_equity"] = min_rel_trade
        diag["exact_zero_trades_skipped"] = exact_zero_skips

    metrics = compute_metrics(equity, gross_exposure, holding, traded_notional, len(fills), P)
    return {
        "equity": equity,
        "fills": fills,
        "costs": total_costs,
        "traded_notional": traded_notional,
        "metrics": metrics,
    }


# ----------------------------------------------------------------------------------------------
# Metrics (metrics.hpp)
# ----------------------------------------------------------------------------------------------
NAN = float("nan")


def compute_metrics(equity, gross_exposure, holding, traded_notional, trades, P):
    E = np.asarray(equity, dtype=np.float64)
    T = len(E)
    n = T - 1
    r = E[1:] / E[:-1] - 1.0
    m = {}
    ratio = E[-1] / E[0]
    m["total_return"] = float(ratio - 1.0)
    m["annual_return"] = float(ratio ** (P / n) - 1.0) if ratio > 0 else NAN
    mean_r = float(np.mean(r))
    sd = float(np.std(r, ddof=1)) if n >= 2 else NAN
    m["annual_volatility"] = sd * math.sqrt(P)
    m["sharpe"] = mean_r / sd * math.sqrt(P) if (sd == sd and sd != 0.0) else NAN
    neg = np.minimum(r, 0.0)
    if (r < 0).any():
        m["sortino"] = mean_r / math.sqrt(float(np.mean(neg**2))) * math.sqrt(P)
    else:
        m["sortino"] = NAN
    # drawdowns
    peak = -math.inf
    mdd = 0.0
    run = 0
    longest = 0
    for t in range(T):
        peak = max(peak, float(E[t]))
        mdd = max(mdd, 1.0 - float(E[t]) / peak)
        if E[t] < peak:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    m["max_drawdown"] = mdd
    m["max_drawdown_duration"] = longest
    m["calmar"] = m["annual_return"] / mdd if mdd != 0.0 else NAN
    m["turnover"] = traded_notional / float(np.mean(E)) * P / n
    held = [t for t in range(1, T) if holding[t]]
    if held:
        m["hit_rate"] = sum(1 for t in held if r[t - 1] > 1e-12) / len(held)  # rounding-level returns are no hits
    else:
        m["hit_rate"] = NAN
    m["exposure"] = float(np.mean(np.asarray(gross_exposure, dtype=np.float64)))
    m["trades"] = trades
    return m


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------
CASES = [
    ("sp500_sma_20_100", "sp500", "sma", {"fast": 20, "slow": 100, "allow_short": False}, {}, {}),
    ("sp500_buy_and_hold", "sp500", "buy_and_hold", {}, {}, {}),
    ("sp500_momentum_252_short", "sp500", "momentum", {"lookback": 252, "allow_short": True}, {}, {}),
    ("sp500_zscore_20", "sp500", "zscore",
     {"lookback": 20, "entry": 2.0, "exit": 0.5, "allow_short": True}, {}, {}),
    ("dj3_sma_whole_shares", "dj3", "sma", {"fast": 20, "slow": 100, "allow_short": True},
     {"whole_shares": True, "initial_capital": 100000.0}, {}),
    ("sp500_sma_every_bar_half", "sp500", "sma", {"fast": 20, "slow": 100, "allow_short": False},
     {"rebalance": "every_bar", "max_leverage": 0.5}, {}),
    ("sp500_sma_next_close_no_costs_but_fixed", "sp500", "sma",
     {"fast": 20, "slow": 100, "allow_short": False}, {"fill": "next_close"},
     {"commission_bps": 0.0, "spread_bps": 0.0, "slippage_bps": 0.0, "impact_coefficient": 0.0,
      "borrow_bps": 0.0, "commission_fixed": 5.0}),
    ("dj_pairs_ko_pg", "dj_ko_pg", "pairs", {}, {}, {}),
    ("dj_pairs_ko_pg_w60", "dj_ko_pg", "pairs", {"window": 60, "entry": 1.5, "exit": 0.0},
     {"whole_shares": True, "initial_capital": 100000.0}, {}),
]

DATA_FILES = {
    "sp500": ("sp500_ohlcv_2000_2020.csv", None),
    "dj3": ("dow_jones_30.csv", ["AA", "IBM", "KO"]),
    "dj_ko_pg": ("dow_jones_30.csv", ["KO", "PG"]),  # y = KO, x = PG
}


def load(key):
    fname, series = DATA_FILES[key]
    path = os.path.join(DATA, fname)
    if series is None:
        return read_ohlcv(path, "SP500")
    return read_panel(path, series)


def pairs_fill_diagnostics(sdiag, trace, bt, out):
    """For the fills that open a pairs position: fills scaled by C5 (sum |w| above 1 by rounding)
    and, with whole_shares, the smallest |db| of the entry's b that would move a target share count
    across an integer (first order: dq/db = dw/db * E_x / X, dw_y/db = -s sign(b) / (1+|b|)^2,
    dw_x/db = -s / (1+|b|)^2)."""
    by_fill_bar = {p["entry_bar"] + 1: p for p in sdiag["positions"]}  # targets of t-1 fill at t
    out["fills_scaled_by_leverage_rounding"] = sum(1 for f in trace if f["scaled"])
    best = (math.inf, None)
    frac_min = (math.inf, None)  # entry fills only: closing fills have the exact target 0
    for f in trace:
        p = by_fill_bar.get(f["bar"])
        if p is None:
            continue  # a closing fill (target 0)
        b, side = p["b"], p["side"]
        den2 = (1.0 + abs(b)) ** 2
        dwdb = (-side * math.copysign(1.0, b) / den2) if f["asset"] == 0 else (-side / den2)
        dqdb = dwdb * f["E_x"] / f["X"]
        if bt["whole_shares"] and dqdb != 0.0:
            q = f["raw_target"]
            if abs(q - round(q)) < frac_min[0]:
                frac_min = (abs(q - round(q)), f["bar"])
            db = abs(q - round(q)) / abs(dqdb)
            if db < best[0]:
                best = (db, f["bar"])
    if bt["whole_shares"]:
        out["min_distance_of_entry_target_shares_to_integer"] = frac_min[0]
        out["min_distance_of_entry_target_shares_to_integer_fill_bar"] = frac_min[1]
        out["min_b_change_to_change_an_entry_share_count"] = best[0]
        out["min_b_change_to_change_an_entry_share_count_fill_bar"] = best[1]


def run_record(result, T):
    E = result["equity"]
    bars = [b for b in EQUITY_BARS if b < T] + [T - 1]
    equity_at = {}
    for b in bars:
        equity_at[str(b)] = E[b]
    return {
        "bars": T,
        "final_equity": E[-1],
        "equity_at": equity_at,
        "costs": result["costs"],
        "traded_notional": result["traded_notional"],
        "metrics": result["metrics"],
        "first_fills": result["fills"][:N_FILLS],
    }


def nan_to_null(x):
    if isinstance(x, float):
        return None if math.isnan(x) else x
    if isinstance(x, (np.floating,)):
        return nan_to_null(float(x))
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, dict):
        return {k: nan_to_null(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [nan_to_null(v) for v in x]
    return x


def main():
    markets = {key: load(key) for key in DATA_FILES}
    out = {"generator": "tests/trading/golden/make_trading_golden.py", "cases": {}}
    rows = []
    for name, data, kind, sopts, bopts, copts in CASES:
        market = markets[data]
        strat_opts = dict(DEFAULT_STRATEGY[kind], **sopts)
        bt = dict(DEFAULT_BACKTEST, **bopts)
        net_costs = dict(DEFAULT_COSTS, **copts)
        diag = {}
        W = STRATEGIES[kind](market, strat_opts, diag)
        gdiag, ndiag = {}, {}
        gtrace = [] if kind == "pairs" else None
        ntrace = [] if kind == "pairs" else None
        gross = run_backtest(market, W, bt, ZERO_COSTS, gdiag, gtrace)  # C12
        net = run_backtest(market, W, bt, net_costs, ndiag, ntrace)
        if kind == "pairs":
            pairs_fill_diagnostics(diag, gtrace, bt, gdiag)
            pairs_fill_diagnostics(diag, ntrace, bt, ndiag)
        diag["gross"] = gdiag
        diag["net"] = ndiag
        out["cases"][name] = {
            "data": DATA_FILES[data][0],
            "assets": market.names,
            "strategy": kind,
            "strategy_options": strat_opts,
            "backtest_options": dict(bt, **{"costs": net_costs}),
            "bars": market.T,
            "weights_checksum": weights_checksum(W),
            "diagnostics": diag,
            "gross": run_record(gross, market.T),
            "net": run_record(net, market.T),
        }
        rows.append((name, gross["metrics"], net["metrics"]))

    with open(OUT, "w") as f:
        json.dump(nan_to_null(out), f, indent=1, allow_nan=False)
        f.write("\n")

    def fmt(v):
        return "nan" if v != v else f"{v:.6f}"

    print(f"wrote {OUT}")
    header = f"{'case':42s} {'gross_ret':>11s} {'net_ret':>11s} {'gross_shp':>10s} {'net_shp':>10s} {'g_trd':>6s} {'n_trd':>6s}"
    print(header)
    for name, g, n in rows:
        print(f"{name:42s} {fmt(g['total_return']):>11s} {fmt(n['total_return']):>11s} "
              f"{fmt(g['sharpe']):>10s} {fmt(n['sharpe']):>10s} {g['trades']:6d} {n['trades']:6d}")


if __name__ == "__main__":
    main()
