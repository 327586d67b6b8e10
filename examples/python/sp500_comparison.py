"""The demo's S&P 500 comparison from Python: four generators fitted on 2000-2017, one-year
scenarios, fidelity against the held-out 2018-2020 returns, and 10-day VaR/ES of each.
Run: PYTHONPATH=build/release/python /usr/bin/python3 examples/python/sp500_comparison.py [GAN steps]
"""
import sys

import fingen

data, test_start = "data/sp500_ohlcv_2000_2020.csv", "2018-01-01"
train = fingen.load_returns(data, end="2017-12-29")
models = {"gan": fingen.GAN(steps=int(sys.argv[1]) if len(sys.argv) > 1 else 1500),
          "garch": fingen.GARCH(innovation="t"), "gbm": fingen.GBM(), "bootstrap": fingen.Bootstrap()}
scenarios = {}
for name, model in models.items():
    model.fit(train)
    scenarios[name] = model.generate(2000, 252, seed=7)
m = fingen.evaluate(data, test_start, scenarios=list(scenarios.values()), names=list(scenarios))
print("rows won out of sample:", m["rows_won"])
for name, s in scenarios.items():
    v = fingen.var_es(s, levels=[0.99], horizon=10)["results"][0]
    print(f"{name:>10}: 10-day 99% VaR {v['var']:.4f}  ES {v['es']:.4f}  "
          f"kurtosis {m['models'][name]['excess_kurtosis']:.2f} (real {m['targets']['excess_kurtosis']:.2f})")
