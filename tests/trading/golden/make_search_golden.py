#!/usr/bin/env python3
"""Golden values for the fingen strategy grid search (include/fingen/trading/search.hpp).

What it is
    An independent NumPy reference of the contract written in search.hpp: the grid of strategy
    options, the walk-forward selection, the deflated Sharpe ratio (DSR) and the probability of
    backtest overfitting (PBO, by CSCV). It was written from that header only. The market loading,
    the strategies and the backtester are NOT re-derived: they are imported from the existing
    reference make_trading_golden.py in this directory (which is not modified), so the per-bar
    returns used here are exactly the equity curves of that reference.

How to run (from the repository root)
    /usr/bin/python3 tests/trading/golden/make_search_golden.py

    It writes tests/trading/golden/search_golden.json next to this script and prints a summary.
    Deterministic; float64 throughout; NaN is written as JSON null. Phi and Phi^-1 are
    scipy.special.ndtr / ndtri (scipy is installed for /usr/bin/python3); an independent
    erfc/bisection implementation is used as a cross-check and its values are stored in the
    diagnostics.

Layout of search_golden.json
    {"cases": {<name>: {
        "data", "assets", "strategy", "grid", "backtest_options", "search_options", "bars",
        "returns" (n = bars - 1),
        "combinations": [{"options" (all strategy options, defaults included),
                          "grid_options" (only the searched ones), "total_return",
                          "sharpe" (annualised), "bar_sharpe" (per bar), "metrics" (all full-sample
                          net metrics of make_trading_golden.py)}],
        "skipped", "skipped_options", "best", "best_options",
        "folds": [{"train_first", "test_first", "test_end", "chosen", "train_sharpe",
                   "test_sharpe"}],
        "oos_sharpe", "oos_total_return", "oos_returns", "mean_train_sharpe",
        "deflated_sharpe", "dsr": {"N", "V", "SR0", "SR", "g3", "g4", "n", "z", "DSR"},
        "pbo", "cscv_splits", "cscv": {"S", "block_length", "dropped", "first_splits": [
            {"in_sample_blocks", "chosen", "rank", "w", "logit"}] (first 5), "logit_le_0_count"},
        "diagnostics": {...}}}}
    Bars are the market's bar indices 0 .. T-1; a fold's windows are the half-open bar ranges
    [train_first, test_first) and [test_first, test_end) of the RETURNS r_t, t = 1 .. T-1
    (r_t = E_t / E_{t-1} - 1 is the return OF bar t). Blocks of CSCV are 0-based.
    "diagnostics" are not part of the contract: they say how close each discrete decision (a
    choice of combination, a rank comparison, the PBO threshold) came to going the other way, so
    a mismatch from last-bit rounding can be recognised as such.

Choices made where the header leaves room (each is also commented where it is used):
  S1  The per-bar returns r_t = E_t / E_{t-1} - 1 for t = 1..T-1 are stored in an array at
      position t-1; the window [a, b) of bars is the array slice [a-1, b-1).
  S2  Walk-forward: folds continue while a_k + train + test <= T (the last return is that of bar
      T-1, so a test window [a_k+train, a_k+train+test) fits when its end is <= T).
  S3  "Sharpe" = mean(r) / sd(r) with sd ddof 1 (numpy mean/std over the window's returns, in time
      order), times sqrt(periods_per_year) when annualised, computed as (mean / sd) * sqrt(P)
      (the same expression as the metrics' sharpe); NaN when sd == 0 or fewer than 2 returns.
      NaN counts as the lowest value when choosing or ranking: for choosing, a NaN is never
      chosen unless every candidate is NaN (then the first); for ranking, NaN is lower than any
      number and a NaN is not strictly lower than another NaN.
  S4  Fold choice uses the ANNUALISED train Sharpe (as the header says); ties by exact float
      equality go to the first in combination order. The full-sample "best" and the CSCV
      in-sample choice use the PER-BAR Sharpe.
  S5  mean_train_sharpe = plain mean of the chosen combinations' annualised train Sharpes over
      the folds. oos_sharpe is annualised, over the concatenated test returns in fold order;
      oos_total_return = prod(1 + r) - 1 over them (multiplied left to right).
  S6  DSR: N = number of valid combinations, V = var(ddof 1) of their full-sample per-bar
      Sharpes. SR is the best combination's full-sample per-bar Sharpe (sd ddof 1, as S3), n its
      number of returns (T-1); g3 = m3 / m2^1.5, g4 = m4 / m2^2 with central moments
      m_k = mean((r - mean r)^k) (population, ddof 0). The formula is applied literally:
      DSR = Phi((SR - SR0) sqrt(n-1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2)).
  S7  CSCV: the n returns less the FIRST n mod S are cut into S blocks of L = n // S returns in
      time order; the splits are itertools.combinations(range(S), S/2) (lexicographic order of
      the in-sample block sets). The in-sample (out-of-sample) returns are the chosen
      (remaining) blocks' returns concatenated in time (block) order, and each Sharpe is computed
      on that concatenated series (not averaged per block). rank = 1 + #combinations whose OOS
      Sharpe is strictly lower than the chosen one's (the chosen one itself never counts);
      w = rank / (N+1); logit = ln(w / (1-w)); PBO = (#splits with logit <= 0) / #splits.
  S8  Combinations: option names sorted alphabetically, the product with the last name varying
      fastest; the other options keep the strategy's defaults (those of make_trading_golden.py).
      A combination is skipped (and counted) when the strategy's option checks refuse it: for
      sma fast >= slow; for zscore exit >= entry (none of the grid here). Integer options are kept
      as ints in the JSON, real ones as floats.
  S9  Backtests are the net runs of make_trading_golden.run_backtest with the default costs and
      backtest options (fill next_open on the S&P 500 file; the Dow Jones panel has only closes,
      so fills there are at the next close and there is no impact cost, as in that script).
"""

import importlib.util
import itertools
import json
import math
import os

import numpy as np
from scipy.special import ndtr, ndtri

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "search_golden.json")

_spec = importlib.util.spec_from_file_location(
    "make_trading_golden", os.path.join(HERE, "make_trading_golden.py"))
tg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tg)

NAN = float("nan")
EULER_GAMMA = 0.5772156649015329
N_FIRST_SPLITS = 5

CASES = [
    {
        "name": "sp500_sma_grid",
        "data": "sp500_ohlcv_2000_2020.csv",
        "series": None,
        "strategy": "sma",
        "grid": {"fast": [10, 20, 50], "slow": [50, 100, 200]},
        "search": {"train": 756, "test": 252, "blocks": 16},
    },
    {
        "name": "dj_ko_zscore_grid",
        "data": "dow_jones_30.csv",
        "series": ["KO"],
        "strategy": "zscore",
        "grid": {"entry": [1.5, 2.0, 2.5], "exit": [0.0, 0.5], "lookback": [10, 20]},
        "search": {"train": 504, "test": 126, "blocks": 10},
    },
]


# ----------------------------------------------------------------------------------------------
# Normal distribution: scipy, cross-checked by an independent erfc / bisection version.
# ----------------------------------------------------------------------------------------------
def phi_erfc(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def phi_inv_bisect(p):
    """x with Phi(x) = p by bisection on phi_erfc down to adjacent doubles."""
    lo, hi = -40.0, 40.0
    for _ in range(2000):
        mid = 0.5 * (lo + hi)
        if mid == lo or mid == hi:
            break
        if phi_erfc(mid) < p:
            lo = mid
        else:
            hi = mid
    # pick the closer end
    return lo if abs(phi_erfc(lo) - p) <= abs(phi_erfc(hi) - p) else hi


def Phi(x):
    return float(ndtr(x))


def Phi_inv(p):
    return float(ndtri(p))


# ----------------------------------------------------------------------------------------------
# Sharpe and ordering helpers (S3)
# ----------------------------------------------------------------------------------------------
def bar_sharpe(r):
    r = np.asarray(r, dtype=np.float64)
    if r.size < 2:
        return NAN
    sd = float(np.std(r, ddof=1))
    if not (sd == sd) or sd == 0.0:
        return NAN
    return float(np.mean(r)) / sd


def ann_sharpe(r, P):
    s = bar_sharpe(r)
    return s * math.sqrt(P) if s == s else NAN


def key(v):
    """NaN is the lowest value (S3)."""
    return -math.inf if v != v else v


def argmax_first(values):
    """Index of the highest value, ties (exact) to the first, NaN lowest."""
    best = 0
    for i in range(1, len(values)):
        if key(values[i]) > key(values[best]):
            best = i
    return best


def choice_margin(values, chosen):
    """Distance of the chosen value to the best of the others (relative), NaN-free values only."""
    others = [v for i, v in enumerate(values) if i != chosen and v == v]
    c = values[chosen]
    if not others or c != c:
        return None
    gap = c - max(others)
    return gap / max(abs(c), 1e-300)


# ----------------------------------------------------------------------------------------------
# Grid (S8)
# ----------------------------------------------------------------------------------------------
def valid(kind, opts):
    if kind == "sma":
        return 1 <= opts["fast"] < opts["slow"]
    if kind == "zscore":
        return opts["lookback"] >= 2 and 0 <= opts["exit"] < opts["entry"]
    if kind == "momentum":
        return opts["lookback"] >= 1
    return True


def combinations(kind, grid):
    names = sorted(grid)
    out, skipped = [], []
    for values in itertools.product(*(grid[k] for k in names)):  # last name varies fastest
        g = dict(zip(names, values))
        full = dict(tg.DEFAULT_STRATEGY[kind], **g)
        (out if valid(kind, full) else skipped).append((g, full))
    return out, skipped


def load(case):
    path = os.path.join(tg.DATA, case["data"])
    if case["series"] is None:
        return tg.read_ohlcv(path, "SP500")
    return tg.read_panel(path, case["series"])


# ----------------------------------------------------------------------------------------------
# Search
# ----------------------------------------------------------------------------------------------
def run_case(case):
    market = load(case)
    kind = case["strategy"]
    bt = dict(tg.DEFAULT_BACKTEST)
    costs = dict(tg.DEFAULT_COSTS)
    P = bt["periods_per_year"]
    T = market.T
    combos, skipped = combinations(kind, case["grid"])
    N = len(combos)

    returns = []  # per combination, r[t-1] = r_t, t = 1..T-1 (S1)
    records = []
    for g, full in combos:
        W = tg.STRATEGIES[kind](market, full, {})
        res = tg.run_backtest(market, W, bt, costs)  # net run, default costs (S9)
        E = np.asarray(res["equity"], dtype=np.float64)
        r = E[1:] / E[:-1] - 1.0
        returns.append(r)
        records.append({
            "options": full,
            "grid_options": g,
            "total_return": res["metrics"]["total_return"],
            "sharpe": res["metrics"]["sharpe"],
            "bar_sharpe": bar_sharpe(r),
            "metrics": res["metrics"],
        })
    R = np.vstack(returns)  # N x (T-1)
    n = R.shape[1]
    assert n == T - 1

    bar_sharpes = [rec["bar_sharpe"] for rec in records]
    best = argmax_first(bar_sharpes)
    diag = {"best_choice_relative_margin": choice_margin(bar_sharpes, best)}

    # Walk-forward (S2, S4, S5)
    train, test = case["search"]["train"], case["search"]["test"]
    folds = []
    oos = []
    fold_margins = []
    a = 1
    while a + train + test <= T:
        tr = slice(a - 1, a + train - 1)  # bars [a, a+train) (S1)
        te = slice(a + train - 1, a + train + test - 1)  # bars [a+train, a+train+test)
        train_sh = [ann_sharpe(R[i, tr], P) for i in range(N)]
        chosen = argmax_first(train_sh)
        fold_margins.append(choice_margin(train_sh, chosen))
        test_r = R[chosen, te]
        folds.append({
            "train_first": a,
            "test_first": a + train,
            "test_end": a + train + test,
            "chosen": chosen,
            "train_sharpe": train_sh[chosen],
            "test_sharpe": ann_sharpe(test_r, P),
        })
        oos.extend(float(x) for x in test_r)
        a += test
    assert folds, "too few bars for one fold"
    oos_sharpe = ann_sharpe(oos, P)
    prod = 1.0
    for x in oos:
        prod *= 1.0 + x
    oos_total_return = prod - 1.0
    mean_train_sharpe = float(np.mean([f["train_sharpe"] for f in folds]))
    diag["fold_choice_relative_margins"] = fold_margins
    diag["min_fold_choice_relative_margin"] = min(
        (m for m in fold_margins if m is not None), default=None)

    # Deflated Sharpe ratio (S6)
    dsr = {"N": N}
    if N >= 2:
        V = float(np.var(np.asarray(bar_sharpes), ddof=1))
        q1 = Phi_inv(1.0 - 1.0 / N)
        q2 = Phi_inv(1.0 - 1.0 / (N * math.e))
        SR0 = math.sqrt(V) * ((1.0 - EULER_GAMMA) * q1 + EULER_GAMMA * q2)
        rb = R[best]
        SR = bar_sharpes[best]
        dev = rb - float(np.mean(rb))
        m2 = float(np.mean(dev**2))
        m3 = float(np.mean(dev**3))
        m4 = float(np.mean(dev**4))
        g3 = m3 / m2**1.5
        g4 = m4 / m2**2
        nb = rb.size
        z = (SR - SR0) * math.sqrt(nb - 1) / math.sqrt(1.0 - g3 * SR + (g4 - 1.0) / 4.0 * SR**2)
        DSR = Phi(z)
        dsr.update({"V": V, "SR0": SR0, "SR": SR, "g3": g3, "g4": g4, "n": nb, "z": z,
                    "DSR": DSR, "Phi_inv_1_minus_1_over_N": q1,
                    "Phi_inv_1_minus_1_over_Ne": q2})
        # cross-check of the normal functions
        diag["normal_crosscheck"] = {
            "Phi_inv_1_minus_1_over_N_bisection": phi_inv_bisect(1.0 - 1.0 / N),
            "Phi_inv_1_minus_1_over_Ne_bisection": phi_inv_bisect(1.0 - 1.0 / (N * math.e)),
            "DSR_erfc": phi_erfc(z),
        }
    else:
        DSR = NAN
        dsr.update({k: NAN for k in ("V", "SR0", "SR", "g3", "g4", "z", "DSR")})
        dsr["n"] = n

    # PBO via CSCV (S7)
    S = case["search"]["blocks"]
    assert S % 2 == 0 and S >= 2
    L = n // S
    drop = n % S
    Rc = R[:, drop:]  # drop the FIRST n mod S returns
    blocks = [slice(b * L, (b + 1) * L) for b in range(S)]
    splits = 0
    le0 = 0
    first = []
    min_is_margin = math.inf  # relative gap of the IS choice to the runner-up
    min_rank_gap = math.inf  # smallest |OOS_chosen - OOS_other| (relative) over all splits
    logits = []
    if N >= 2:
        for is_set in itertools.combinations(range(S), S // 2):
            oos_set = [b for b in range(S) if b not in is_set]
            is_idx = np.concatenate([np.arange(blocks[b].start, blocks[b].stop) for b in is_set])
            oos_idx = np.concatenate([np.arange(blocks[b].start, blocks[b].stop) for b in oos_set])
            is_sh = [bar_sharpe(Rc[i, is_idx]) for i in range(N)]
            oos_sh = [bar_sharpe(Rc[i, oos_idx]) for i in range(N)]
            c = argmax_first(is_sh)
            m = choice_margin(is_sh, c)
            if m is not None:
                min_is_margin = min(min_is_margin, m)
            kc = key(oos_sh[c])
            rank = 1 + sum(1 for i in range(N) if key(oos_sh[i]) < kc)
            for i in range(N):
                if i != c and oos_sh[i] == oos_sh[i] and oos_sh[c] == oos_sh[c]:
                    min_rank_gap = min(min_rank_gap,
                                       abs(oos_sh[c] - oos_sh[i]) / max(abs(oos_sh[c]), 1e-300))
            w = rank / (N + 1)
            logit = math.log(w / (1.0 - w))
            logits.append(logit)
            if logit <= 0:
                le0 += 1
            if len(first) < N_FIRST_SPLITS:
                first.append({"in_sample_blocks": list(is_set), "chosen": c, "rank": rank,
                              "w": w, "logit": logit,
                              "in_sample_bar_sharpes": is_sh, "out_of_sample_bar_sharpes": oos_sh})
            splits += 1
        pbo = le0 / splits
    else:
        pbo = NAN
    assert splits == math.comb(S, S // 2) or N < 2
    diag["cscv_min_in_sample_choice_relative_margin"] = min_is_margin
    diag["cscv_min_out_of_sample_rank_relative_gap"] = min_rank_gap
    diag["cscv_logits_at_0"] = sum(1 for l in logits if l == 0.0)
    diag["cscv_mean_logit"] = float(np.mean(logits)) if logits else NAN
    diag["cscv_rank_histogram"] = {}
    for l in logits:  # histogram of ranks recovered from logits
        r_ = round((N + 1) * math.exp(l) / (1 + math.exp(l)))
        diag["cscv_rank_histogram"][str(r_)] = diag["cscv_rank_histogram"].get(str(r_), 0) + 1
    diag["cscv_rank_histogram"] = dict(sorted(diag["cscv_rank_histogram"].items(),
                                              key=lambda kv: int(kv[0])))

    return {
        "data": case["data"],
        "assets": market.names,
        "strategy": kind,
        "grid": case["grid"],
        "backtest_options": dict(bt, **{"costs": costs}),
        "search_options": case["search"],
        "bars": T,
        "returns": n,
        "combinations": records,
        "skipped": len(skipped),
        "skipped_options": [g for g, _ in skipped],
        "best": best,
        "best_options": records[best]["options"],
        "folds": folds,
        "oos_sharpe": oos_sharpe,
        "oos_total_return": oos_total_return,
        "oos_returns": len(oos),
        "mean_train_sharpe": mean_train_sharpe,
        "deflated_sharpe": DSR,
        "dsr": dsr,
        "pbo": pbo,
        "cscv_splits": splits,
        "cscv": {"S": S, "block_length": L, "dropped": drop, "first_splits": first,
                 "logit_le_0_count": le0},
        "diagnostics": diag,
    }


def main():
    out = {"generator": "tests/trading/golden/make_search_golden.py",
           "normal_functions": "scipy.special.ndtr / ndtri", "cases": {}}
    for case in CASES:
        out["cases"][case["name"]] = run_case(case)
    with open(OUT, "w") as f:
        json.dump(tg.nan_to_null(out), f, indent=1, allow_nan=False)
        f.write("\n")

    def fmt(v):
        return "nan" if v != v else f"{v:.6f}"

    print(f"wrote {OUT}")
    for name, c in out["cases"].items():
        print(f"== {name}: bars {c['bars']}, {len(c['combinations'])} combinations, "
              f"{c['skipped']} skipped, best {c['best']} {c['combinations'][c['best']]['grid_options']}")
        for i, rec in enumerate(c["combinations"]):
            print(f"   [{i:2d}] {str(rec['grid_options']):45s} ret {fmt(rec['total_return']):>10s} "
                  f"sharpe {fmt(rec['sharpe']):>10s} bar {fmt(rec['bar_sharpe']):>10s}")
        for f_ in c["folds"]:
            print(f"   fold [{f_['train_first']},{f_['test_first']},{f_['test_end']}) chosen "
                  f"{f_['chosen']} train {fmt(f_['train_sharpe'])} test {fmt(f_['test_sharpe'])}")
        d = c["dsr"]
        print(f"   folds {len(c['folds'])} oos_sharpe {fmt(c['oos_sharpe'])} oos_ret "
              f"{fmt(c['oos_total_return'])} mean_train {fmt(c['mean_train_sharpe'])}")
        print(f"   DSR {fmt(c['deflated_sharpe'])} (V {d['V']:.6e} SR0 {fmt(d['SR0'])} SR "
              f"{fmt(d['SR'])} g3 {fmt(d['g3'])} g4 {fmt(d['g4'])} n {d['n']})")
        print(f"   PBO {fmt(c['pbo'])} over {c['cscv_splits']} splits")
        print(f"   diagnostics: {json.dumps({k: v for k, v in c['diagnostics'].items() if k != 'fold_choice_relative_margins'})}")


if __name__ == "__main__":
    main()
