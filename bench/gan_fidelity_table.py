"""Summarises bench/gan_fidelity.sh runs: per dataset, the GAN's figures as mean +- sd over seeds
beside GARCH-t and the block bootstrap, out of sample (last 20%) and in sample (training period).
Standard library only (python3 without NumPy)."""
import glob
import json
import os
import statistics
import sys


def metric(models, name, key):
    """A metric of one model; several assets: the mean over the ASSET/key entries."""
    if name not in models:  # a baseline that could not be fitted on this series
        return float("nan")
    m = models[name]
    if key in m:
        return m[key]
    vals = [v for k, v in m.items() if k.endswith("/" + key) and v is not None]
    return sum(vals) / len(vals) if vals else float("nan")


def target(j, key):
    t = j["targets"]
    if key in t:
        return t[key]
    vals = [v for k, v in t.items() if k.endswith("/" + key) and v is not None]
    return sum(vals) / len(vals) if vals else float("nan")


def fmt(xs):
    xs = [x for x in xs if x == x]
    if not xs:
        return "-"
    if len(xs) == 1:
        return f"{xs[0]:.4g}"
    return f"{statistics.mean(xs):.4g} +- {statistics.stdev(xs):.2g}"


def main(out):
    summary = {}
    keys = ["rows_won", "sd_ratio_train", "kurtosis_ratio_train", "acf_abs_error",
            "leverage_error", "correlation_error", "discriminative_score", "predictive_score"]
    for d in sorted(glob.glob(os.path.join(out, "*"))):
        runs = sorted(glob.glob(os.path.join(d, "gan_s*.oos.json")))
        if not runs:
            continue
        name = os.path.basename(d)
        rows = {}
        for where in ("oos", "ins"):
            per_model = {m: {k: [] for k in keys} for m in ("gan", "garch", "bootstrap")}
            for r in runs:
                j = json.load(open(r.replace(".oos.", f".{where}."), encoding="utf-8"))
                ins = json.load(open(r.replace(".oos.", ".ins."), encoding="utf-8"))
                for m in per_model:
                    p = per_model[m]
                    p["rows_won"].append(j["rows_won"].get(m, 0))
                    p["sd_ratio_train"].append(metric(j["models"], m, "sd") / target(ins, "sd"))
                    p["kurtosis_ratio_train"].append(
                        metric(j["models"], m, "excess_kurtosis") / target(ins, "excess_kurtosis"))
                    for k in keys[3:]:
                        p[k].append(metric(j["models"], m, k))
            rows[where] = per_model
        summary[name] = {w: {m: {k: v for k, v in p.items()} for m, p in pm.items()}
                         for w, pm in rows.items()}
        print(f"\n{name} ({len(runs)} GAN seed(s))")
        print(f"{'':22}" + "".join(f"{w + ' ' + m:>22}" for w in ("oos", "ins")
                                   for m in ("gan", "garch", "bootstrap")))
        for k in keys:
            print(f"{k:22}" + "".join(f"{fmt(rows[w][m][k]):>22}" for w in ("oos", "ins")
                                       for m in ("gan", "garch", "bootstrap")))
    with open(os.path.join(out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/gan_fidelity")
