#!/usr/bin/env python3
# Golden values for fingen's ADF and Engle-Granger tests (src/stats/cointegration.cpp), computed
# with statsmodels (Debian python3-statsmodels 0.13.5: tsa.stattools.adfuller and coint, which use
# MacKinnon's 1994 p-values) on log prices of bundled series. Run from the repository root:
#   /usr/bin/python3 tests/stats/golden/make_coint_golden.py
# Writes tests/stats/golden/coint_golden.json. The C++ tests read that file; they never run this.
import csv
import json
import math
import os

import numpy as np
import statsmodels
from statsmodels.tsa.stattools import adfuller, coint

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "data")


def columns(file, names):
    with open(os.path.join(DATA, file), newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for r in rows:
        vals = [r[n] for n in names]
        if any(v in ("", "NA", "NaN") for v in vals):
            continue  # rows with a missing price are dropped, as fingen's market reader does
        out.append([float(v) for v in vals])
    a = np.log(np.array(out))
    return [a[:, k] for k in range(len(names))]


PAIRS = [
    ("eu_stock_markets.csv", "DAX", "CAC"),
    ("eu_stock_markets.csv", "SMI", "FTSE"),
    ("gold_silver.csv", "gold", "silver"),
    ("dow_jones_30.csv", "KO", "PG"),
    ("dow_jones_30.csv", "XOM", "MSFT"),
]

cases = []
for file, yname, xname in PAIRS:
    y, x = columns(file, [yname, xname])
    case = {"file": file, "y": yname, "x": xname, "n": len(y)}
    for label, kw in [("aic", {}), ("lag1", {"maxlag": 1, "autolag": None})]:
        stat, p, _ = coint(y, x, trend="c", **kw)
        # The residual ADF's lag, for diagnosis (coint does not return it).
        beta = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
        res = y - np.column_stack([x, np.ones_like(x)]) @ beta
        lag = adfuller(res, regression="n", **({"autolag": "AIC"} if not kw else kw))[2]
        case["coint_" + label] = {"statistic": stat, "p_value": p, "lags": int(lag),
                                  "beta": beta[0], "alpha": beta[1]}
    for label, kw in [("aic", {}), ("lag2", {"maxlag": 2, "autolag": None})]:
        stat, p, lag, nobs = adfuller(y, regression="c", **kw)[:4]
        case["adf_y_" + label] = {"statistic": stat, "p_value": p, "lags": int(lag),
                                  "nobs": int(nobs)}
    cases.append(case)

out = {"statsmodels": statsmodels.__version__, "cases": cases}
with open(os.path.join(HERE, "coint_golden.json"), "w") as f:
    json.dump(out, f, indent=1)
for c in cases:
    print(c["y"], c["x"], c["n"], "coint aic t=%.4f p=%.4g lag=%d" % (
        c["coint_aic"]["statistic"], c["coint_aic"]["p_value"], c["coint_aic"]["lags"]))
