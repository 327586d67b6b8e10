#!/usr/bin/python3
"""Golden values for eval/classification.hpp, computed independently with NumPy: AUROC by
comparing every positive with every negative (ties count 1/2), average precision as the step-wise
area over distinct thresholds, precision at k (stable order by decreasing score), recall at a
false-positive rate, Brier score and 10 calibration bins. Scores with many ties.
  /usr/bin/python3 tests/eval/golden/make_classification_golden.py   (from the repository root)"""
import json
import numpy as np

def case(name, s, y):
    s = np.asarray(s, dtype=float); y = np.asarray(y, dtype=int)
    pos, neg = s[y == 1], s[y == 0]
    diff = pos[:, None] - neg[None, :]
    auroc = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / (len(pos) * len(neg))
    ap, last = 0.0, 0.0
    for t in np.unique(s)[::-1]:
        sel = s >= t
        tp = (y[sel] == 1).sum(); recall = tp / len(pos); precision = tp / sel.sum()
        ap += (recall - last) * precision; last = recall
    order = np.argsort(-s, kind="stable")
    prec_k = {k: float(y[order[:k]].mean()) for k in (1, 10, 50)}
    rec = {}
    for f in (0.0, 0.01, 0.1):
        best = 0.0
        for t in np.unique(s)[::-1]:
            sel = s >= t
            if (y[sel] == 0).sum() / len(neg) > f: break
            best = (y[sel] == 1).sum() / len(pos)
        rec[str(f)] = best
    p = 1 / (1 + np.exp(-s))
    bins = np.minimum((p * 10).astype(int), 9)
    cal = [{"n": int((bins == b).sum()),
            "mean_predicted": float(p[bins == b].mean()) if (bins == b).any() else None,
            "observed": float(y[bins == b].mean()) if (bins == b).any() else None} for b in range(10)]
    return {"name": name, "scores": s.tolist(), "labels": y.tolist(), "auroc": float(auroc),
            "average_precision": float(ap), "precision_at_k": {str(k): v for k, v in prec_k.items()},
            "recall_at_fpr": rec, "brier": float(np.mean((p - y) ** 2)), "calibration": cal}

rng = np.random.default_rng(11)
y1 = (rng.random(500) < 0.2).astype(int)
s1 = np.round(rng.normal(size=500) + 0.8 * y1, 1)            # ties at every 0.1
y2 = (rng.random(300) < 0.05).astype(int)
s2 = rng.integers(0, 6, size=300) + 2 * y2                    # heavy ties, rare positives
y3 = np.array([0, 1, 0, 1, 1, 0, 0, 0, 1, 0])
s3 = np.array([0.1, 0.9, 0.4, 0.4, 0.8, 0.2, 0.4, 0.7, 0.3, 0.05])
out = [case("rounded_normal", s1, y1), case("integer_rare", s2, y2), case("small", s3, y3)]
with open("tests/eval/golden/classification_golden.json", "w") as f:
    json.dump(out, f)
