#!/usr/bin/python3
"""Golden values for fingen's fidelity-metrics module (real vs. synthetic return paths).

What it writes (all under tests/data/golden/, CSV with a header line, no index column,
numbers printed with repr() so that they round-trip exactly to IEEE doubles):

  fidelity_inputs_sp500.csv      role,path,step,r         the exact univariate inputs
                                 (role real, scen, and train: the training series needed by
                                 the memorisation metric; train rows come last)
  fidelity_inputs_dj.csv         role,path,step,AA,IBM,KO the exact multivariate inputs
  fidelity_univariate.csv        metric,value
  fidelity_multivariate.csv      metric,value

role is "real" / "train" (path 0, step = position in that series) or "scen" (path p, step s,
both 0-based).  All golden values are computed from the numbers exactly as written to the inputs
files, so a C++ test that reads the inputs files sees the same doubles.

How to run (from the repository root, with Debian's python3 which has numpy and pandas;
no scipy is used, everything is plain NumPy written from the definitions below):

    /usr/bin/python3 tests/data/golden/make_fidelity_golden.py

Inputs (log returns r_t = ln(P_t) - ln(P_{t-1}); a return is dated by the later price):
  * Univariate, data/sp500_ohlcv_2000_2020.csv column close.
      train = returns dated 2000-01-04 .. 2017-12-29 (4527 returns)
      real  = returns dated 2018-01-02 .. 2020-04-17 (577 returns)
      scen  = 75 paths x 60 steps; path p = train[60p : 60p+60], p = 0..74
  * Multivariate, data/dow_jones_30.csv columns AA, IBM, KO, returns over the whole file.
      real  = the last 500 returns
      scen  = 40 paths x 50 steps x 3 assets; path p = earlier[50p : 50p+50], p = 0..39,
              where earlier = all returns before the last 500.

Formulas (n = length of the 1-D series in question; means/sums over the stated ranges):
  1. Hill index of the left tail: x = -r, sorted descending x(1) >= x(2) >= ...;
       k = max(10, floor(0.05 n));  hill = 1 / ( (1/k) sum_{i=1..k} ln(x(i) / x(k+1)) ).
     Scenarios: all path values pooled into one sample.
  2. ACF (R's acf): rho(k) = sum_{t=1}^{n-k} (x_t - xbar)(x_{t+k} - xbar) / sum_{t=1}^{n} (x_t - xbar)^2
     for x = r, |r|, r^2 and k = 1..20.  Real: whole series.  Scenarios: per path (each path
     demeaned by its own mean and normalised by its own sum of squares), then the plain
     average over paths.
  3. Leverage: lev(k) = Pearson corr(r_t, r_{t+k}^2) over t = 1..n-k (both sub-series
     demeaned by their own means), k = 1..10.  Scenarios: per path, averaged over paths.
  4. Aggregated returns, h in {1, 5, 20}.  Real: overlapping sums s_t = r_t + ... + r_{t+h-1},
     t = 1..n-h+1.  Scenarios: per path, non-overlapping blocks starting at steps 0, h, 2h, ...
     (full blocks only), pooled over paths.  With F, G the (right-continuous) empirical CDFs:
       W1 = integral |F(x) - G(x)| dx, computed exactly as sum over consecutive points
            z_(m) < z_(m+1) of the merged sorted sample of |F(z_(m)) - G(z_(m))| (z_(m+1) - z_(m));
       KS = max over merged points z of |F(z) - G(z)|.
  5. One-step moments (scenarios pooled): mean; sd with ddof = 1; with population central
     moments m_j = mean((r - mean)^j): skew = m3 / m2^1.5, exkurt = m4 / m2^2 - 3;
     quantiles at 0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999 by linear interpolation
     (NumPy's default 'linear' method = R type 7: h = (n-1) p, Q = x(floor h) + (h - floor h)
     (x(floor h + 1) - x(floor h)) with 0-based order statistics).
  6. Path statistics.  For a path of log returns, c_0 = 0, c_t = r_1 + ... + r_t (t = 1..H);
       mdd  = 1 - exp( -max_{t=0..H} ( max_{s<=t} c_s - c_t ) )   (c_0 counts as a peak);
       rvol = sqrt( sum_t r_t^2 ).
     Real: every overlapping window of length H = 60 of the real series (n - 59 windows);
     scenarios: each path.  Reported: mean over real windows, mean over paths, and W1
     (formula 4) between the two samples.
  7. Multivariate (assets 0 = AA, 1 = IBM, 2 = KO).  Pearson correlation matrix C of one-step
     returns (scenarios pooled over paths and steps); corr_error = mean_{i<j} |C_real - C_scen|.
     Lower tail dependence at 5%: q_i = 5% linear quantile of asset i's returns in the same
     sample; lambda(i,j) = #{t: r_i,t <= q_i and r_j,t <= q_j} / #{t: r_i,t <= q_i} for i != j
     (not symmetric in general: the denominator uses i).  tail_error = mean over the six
     ordered pairs i != j of |lambda_real - lambda_scen|.
  8. Memorisation (univariate), window length L = 20.  Training windows: all n_train - 19
     overlapping windows of train; synthetic windows: steps 0..19, 20..39, 40..59 of each path
     (225 windows); held-out windows: all overlapping windows of real.  For each synthetic
     (held-out) window, d = min over training windows of the Euclidean distance (computed
     directly as sqrt(sum (a - b)^2), no Gram-matrix shortcut).  Reported: median of the
     synthetic d's, median of the held-out d's (np.median: mean of the two middle values for
     an even count), ratio = median_synthetic / median_heldout, exact_copies =
     #{synthetic windows with d < 1e-12}.  The synthetic windows ARE training windows here,
     so exact_copies = 225 and ratio = 0 is the known answer.
"""
import os
import sys

import numpy as np
import pandas as pd

OUT = "tests/data/golden"
ACF_LAGS = 20
LEV_LAGS = 10
AGG_LAGS = (1, 5, 20)
QUANTILES = (0.001, 0.01, 0.05, 0.5, 0.95, 0.99, 0.999)
MDD_H = 60
MEM_L = 20
ASSETS = ("AA", "IBM", "KO")


def fmt(v):
    return repr(float(v))


# ---------------------------------------------------------------- inputs
def load_sp500():
    d = pd.read_csv("data/sp500_ohlcv_2000_2020.csv")
    close = d["close"].to_numpy(dtype=np.float64)
    dates = d["date"].to_numpy()[1:]
    r = np.diff(np.log(close))
    train = r[(dates >= "2000-01-04") & (dates <= "2017-12-29")]
    real = r[(dates >= "2018-01-02") & (dates <= "2020-04-17")]
    scen = np.stack([train[60 * p:60 * p + 60] for p in range(75)])  # (75, 60)
    return train, real, scen


def load_dj():
    d = pd.read_csv("data/dow_jones_30.csv")
    px = d[list(ASSETS)].to_numpy(dtype=np.float64)
    r = np.diff(np.log(px), axis=0)
    real = r[-500:]
    earlier = r[:-500]
    scen = np.stack([earlier[50 * p:50 * p + 50] for p in range(40)])  # (40, 50, 3)
    return real, scen


def roundtrip(a):
    """Values exactly as a reader of the repr()-written CSV will see them."""
    return np.array([float(repr(float(v))) for v in np.ravel(a)]).reshape(np.shape(a))


def write_inputs_sp500(path, real, scen, train):
    with open(path, "w") as f:
        f.write("role,path,step,r\n")
        for t, v in enumerate(real):
            f.write("real,0,%d,%s\n" % (t, fmt(v)))
        for p in range(scen.shape[0]):
            for s in range(scen.shape[1]):
                f.write("scen,%d,%d,%s\n" % (p, s, fmt(scen[p, s])))
        for t, v in enumerate(train):
            f.write("train,0,%d,%s\n" % (t, fmt(v)))
    return 1 + real.size + scen.size + train.size


def write_inputs_dj(path, real, scen):
    with open(path, "w") as f:
        f.write("role,path,step," + ",".join(ASSETS) + "\n")
        for t in range(real.shape[0]):
            f.write("real,0,%d,%s\n" % (t, ",".join(fmt(v) for v in real[t])))
        for p in range(scen.shape[0]):
            for s in range(scen.shape[1]):
                f.write("scen,%d,%d,%s\n" % (p, s, ",".join(fmt(v) for v in scen[p, s])))
    return 1 + real.shape[0] + scen.shape[0] * scen.shape[1]


# ---------------------------------------------------------------- metrics
def hill_left(r):
    x = np.sort(-np.asarray(r, dtype=np.float64))[::-1]
    n = x.size
    k = max(10, int(np.floor(0.05 * n)))
    if x[k] <= 0:
        raise ValueError("hill: threshold order statistic x(k+1) must be positive")
    return 1.0 / np.mean(np.log(x[:k] / x[k]))


def acf(x, lags):
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    xc = x - x.mean()
    den = np.sum(xc * xc)
    return np.array([np.sum(xc[:n - k] * xc[k:]) / den for k in range(1, lags + 1)])


def pearson(a, b):
    ac = a - a.mean()
    bc = b - b.mean()
    return np.sum(ac * bc) / np.sqrt(np.sum(ac * ac) * np.sum(bc * bc))


def leverage(r, lags):
    n = r.size
    return np.array([pearson(r[:n - k], r[k:] ** 2) for k in range(1, lags + 1)])


def ecdf_right(sorted_sample, z):
    return np.searchsorted(sorted_sample, z, side="right") / sorted_sample.size


def w1_ks(a, b):
    a = np.sort(np.asarray(a, dtype=np.float64))
    b = np.sort(np.asarray(b, dtype=np.float64))
    z = np.unique(np.concatenate([a, b]))  # sorted distinct merged points
    diff = np.abs(ecdf_right(a, z) - ecdf_right(b, z))
    w1 = np.sum(diff[:-1] * np.diff(z))
    ks = np.max(diff)
    return w1, ks


def overlapping_sums(r, h):
    return np.array([np.sum(r[t:t + h]) for t in range(r.size - h + 1)])


def block_sums(path, h):
    nb = path.size // h
    return np.array([np.sum(path[b * h:(b + 1) * h]) for b in range(nb)])


def moments(x):
    x = np.asarray(x, dtype=np.float64)
    m = x.mean()
    d = x - m
    m2 = np.mean(d ** 2)
    m3 = np.mean(d ** 3)
    m4 = np.mean(d ** 4)
    out = {
        "mean": m,
        "sd": np.std(x, ddof=1),
        "skew": m3 / m2 ** 1.5,
        "exkurt": m4 / m2 ** 2 - 3.0,
    }
    for q in QUANTILES:
        out["q%s" % repr(q)] = np.quantile(x, q)  # default method 'linear' (R type 7)
    return out


def max_drawdown(r):
    c = np.concatenate([[0.0], np.cumsum(r)])
    peak = np.maximum.accumulate(c)
    return 1.0 - np.exp(-np.max(peak - c))


def rvol(r):
    return np.sqrt(np.sum(np.asarray(r) ** 2))


def nn_dist(queries, train_windows):
    return np.array([np.min(np.sqrt(np.sum((train_windows - q) ** 2, axis=1)))
                     for q in queries])


def windows(x, L):
    return np.stack([x[t:t + L] for t in range(x.size - L + 1)])


# ---------------------------------------------------------------- main
def univariate(train, real, scen):
    rows = []
    add = lambda name, v: rows.append((name, v))

    add("hill_real", hill_left(real))
    add("hill_scen", hill_left(scen.ravel()))

    for tag, f in (("r", lambda x: x), ("abs", np.abs), ("sq", np.square)):
        a_real = acf(f(real), ACF_LAGS)
        a_scen = np.mean([acf(f(p), ACF_LAGS) for p in scen], axis=0)
        for k in range(ACF_LAGS):
            add("acf_%s_real_%d" % (tag, k + 1), a_real[k])
        for k in range(ACF_LAGS):
            add("acf_%s_scen_%d" % (tag, k + 1), a_scen[k])

    l_real = leverage(real, LEV_LAGS)
    l_scen = np.mean([leverage(p, LEV_LAGS) for p in scen], axis=0)
    for k in range(LEV_LAGS):
        add("lev_real_%d" % (k + 1), l_real[k])
    for k in range(LEV_LAGS):
        add("lev_scen_%d" % (k + 1), l_scen[k])

    for h in AGG_LAGS:
        s_real = overlapping_sums(real, h)
        s_scen = np.concatenate([block_sums(p, h) for p in scen])
        w1, ks = w1_ks(s_real, s_scen)
        add("w1_lag%d" % h, w1)
        add("ks_lag%d" % h, ks)

    for tag, x in (("real", real), ("scen", scen.ravel())):
        for name, v in moments(x).items():
            add("%s_%s" % (name, tag), v)

    wins = windows(real, MDD_H)
    mdd_real = np.array([max_drawdown(w) for w in wins])
    mdd_scen = np.array([max_drawdown(p) for p in scen])
    rv_real = np.array([rvol(w) for w in wins])
    rv_scen = np.array([rvol(p) for p in scen])
    add("mdd_mean_real", mdd_real.mean())
    add("mdd_mean_scen", mdd_scen.mean())
    add("mdd_w1", w1_ks(mdd_real, mdd_scen)[0])
    add("rvol_mean_real", rv_real.mean())
    add("rvol_mean_scen", rv_scen.mean())
    add("rvol_w1", w1_ks(rv_real, rv_scen)[0])

    tw = windows(train, MEM_L)
    syn = np.stack([p[s:s + MEM_L] for p in scen for s in range(0, scen.shape[1] - MEM_L + 1, MEM_L)])
    held = windows(real, MEM_L)
    d_syn = nn_dist(syn, tw)
    d_held = nn_dist(held, tw)
    med_s = np.median(d_syn)
    med_h = np.median(d_held)
    add("mem_median_synthetic", med_s)
    add("mem_median_heldout", med_h)
    add("mem_ratio", med_s / med_h)
    add("mem_exact_copies", float(np.sum(d_syn < 1e-12)))
    return rows, {"n_train_windows": tw.shape[0], "n_syn": syn.shape[0], "n_held": held.shape[0],
                  "n_mdd_real": wins.shape[0]}


def corr_matrix(x):
    m = x.shape[1]
    return np.array([[pearson(x[:, i], x[:, j]) for j in range(m)] for i in range(m)])


def tail_dep(x, alpha=0.05):
    m = x.shape[1]
    q = np.array([np.quantile(x[:, i], alpha) for i in range(m)])
    lam = np.full((m, m), np.nan)
    for i in range(m):
        ti = x[:, i] <= q[i]
        for j in range(m):
            if i != j:
                lam[i, j] = np.sum(ti & (x[:, j] <= q[j])) / np.sum(ti)
    return lam


def multivariate(real, scen):
    rows = []
    add = lambda name, v: rows.append((name, v))
    pooled = scen.reshape(-1, scen.shape[2])
    m = real.shape[1]
    c_real = corr_matrix(real)
    c_scen = corr_matrix(pooled)
    pairs = [(i, j) for i in range(m) for j in range(i + 1, m)]
    for i, j in pairs:
        add("corr_real_%d_%d" % (i, j), c_real[i, j])
    for i, j in pairs:
        add("corr_scen_%d_%d" % (i, j), c_scen[i, j])
    add("corr_error", np.mean([abs(c_real[i, j] - c_scen[i, j]) for i, j in pairs]))
    t_real = tail_dep(real)
    t_scen = tail_dep(pooled)
    opairs = [(i, j) for i in range(m) for j in range(m) if i != j]
    for i, j in opairs:
        add("tail_real_%d_%d" % (i, j), t_real[i, j])
    for i, j in opairs:
        add("tail_scen_%d_%d" % (i, j), t_scen[i, j])
    add("tail_error", np.mean([abs(t_real[i, j] - t_scen[i, j]) for i, j in opairs]))
    return rows


def write_metrics(path, rows):
    with open(path, "w") as f:
        f.write("metric,value\n")
        for name, v in rows:
            f.write("%s,%s\n" % (name, fmt(v)))
    return 1 + len(rows)


def main():
    if not os.path.isdir(OUT):
        sys.exit("run from the repository root (no %s here)" % OUT)
    train, real, scen = load_sp500()
    # Golden values are computed from the inputs exactly as they are written out.
    train, real, scen = roundtrip(train), roundtrip(real), roundtrip(scen)
    n_sp = write_inputs_sp500(os.path.join(OUT, "fidelity_inputs_sp500.csv"), real, scen, train)
    dj_real, dj_scen = load_dj()
    dj_real, dj_scen = roundtrip(dj_real), roundtrip(dj_scen)
    n_dj = write_inputs_dj(os.path.join(OUT, "fidelity_inputs_dj.csv"), dj_real, dj_scen)

    urows, info = univariate(train, real, scen)
    n_u = write_metrics(os.path.join(OUT, "fidelity_univariate.csv"), urows)
    mrows = multivariate(dj_real, dj_scen)
    n_m = write_metrics(os.path.join(OUT, "fidelity_multivariate.csv"), mrows)

    print("numpy", np.__version__, "pandas", pd.__version__)
    print("sp500: train", train.size, "real", real.size, "scen", scen.shape, info)
    print("dj: real", dj_real.shape, "scen", dj_scen.shape)
    print("lines (incl. header): inputs_sp500 %d, inputs_dj %d, univariate %d, multivariate %d"
          % (n_sp, n_dj, n_u, n_m))
    u = dict(urows)
    for k in ("hill_real", "hill_scen", "acf_abs_real_1", "acf_abs_scen_1", "lev_real_1",
              "w1_lag1", "ks_lag1", "mdd_mean_real", "mdd_mean_scen", "mem_median_synthetic",
              "mem_median_heldout", "mem_ratio", "mem_exact_copies"):
        print("  %-22s %r" % (k, float(u[k])))
    mm = dict(mrows)
    for k in ("corr_real_0_1", "corr_scen_0_1", "corr_error", "tail_real_0_1", "tail_error"):
        print("  %-22s %r" % (k, float(mm[k])))


if __name__ == "__main__":
    main()
