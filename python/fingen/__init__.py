"""fingen: financial analysis with deep generative models, from Python.

The same library the ``fingen`` command line runs: load returns, fit a generator (GBM, GARCH,
block bootstrap, the GANs), generate scenarios as NumPy arrays, evaluate their fidelity against
held-out data, and compute VaR/ES. Models are saved to the same directories the command line
reads and writes, so a model fitted here generates from ``fingen generate`` and back, bit for bit.

>>> import fingen
>>> r = fingen.load_returns("data/sp500_ohlcv_2000_2020.csv", end="2016-03-29")
>>> garch = fingen.fit("garch", r)
>>> paths = garch.generate(1000, 252, seed=7)          # (1000, 252, 1) float64
>>> fingen.var_es(paths, levels=[0.99], horizon=10)["results"][0]["var"]

Every error fingen raises is a ``fingen.Error``: ``UsageError`` (also a ValueError) for a bad
argument, ``InputError`` (also a ValueError) for bad data, naming the file, line and column,
``IoError`` (an OSError) and ``NumericError`` (an ArithmeticError).

``import torch`` and ``import fingen`` work together in either order: both use the system's
LibTorch. pandas is optional: DataFrames and Series are accepted wherever returns are.
"""

import sys as _sys

import numpy as _np

from ._fingen import (  # noqa: F401  (re-exported)
    Error,
    Generator,
    InputError,
    IoError,
    NumericError,
    Panel,
    UsageError,
    __version__,
    backend_info,
    clean,
    evaluate,
    fit_model,
    generate_scenarios,
    inspect,
    kind_info,
    kinds,
    load,
    load_returns,
    run,
    set_threads,
    split_row,
    strategy_backtest,
    strategy_robustness,
    var_backtest,
    var_es,
)

__all__ = [
    "Error", "UsageError", "InputError", "IoError", "NumericError",
    "Panel", "Generator", "GBM", "GARCH", "Bootstrap", "GAN", "WGANGP",
    "load_returns", "split_row", "inspect", "clean", "fit", "load", "kinds", "kind_info",
    "fit_model", "generate_scenarios", "evaluate", "var_es", "var_backtest", "run",
    "strategy_backtest", "strategy_robustness",
    "set_threads", "backend_info", "__version__",
]


def _as_panel(x, names=None):
    """Returns as a Panel: a Panel as is; a pandas DataFrame or Series (a DatetimeIndex becomes the
    panel's dates); a NumPy array or list of shape (time,) or (time, assets)."""
    if isinstance(x, Panel):
        return x
    mod = type(x).__module__ or ""
    if mod.startswith("pandas"):
        import pandas as pd  # only when the caller already uses pandas

        frame = x.to_frame() if isinstance(x, pd.Series) else x
        if not isinstance(frame, pd.DataFrame):
            raise TypeError("expected a pandas DataFrame or Series, got %s" % type(x).__name__)
        values = frame.to_numpy(dtype=_np.float64)
        cols = [str(c) for c in frame.columns]
        idx = frame.index
        if isinstance(idx, pd.DatetimeIndex):
            if idx.tz is not None:
                idx = idx.tz_localize(None)
            if (idx.normalize() == idx).all():
                ix = idx.values.astype("datetime64[D]").astype(_np.int64)
                return Panel(values, names=cols, index=ix, index_kind="date")
            ix = idx.values.astype("datetime64[s]").astype(_np.int64)
            return Panel(values, names=cols, index=ix, index_kind="datetime")
        return Panel(values, names=cols)
    if isinstance(x, (str, bytes)):
        raise TypeError("expected returns (a Panel, DataFrame or array), got a %s; "
                        "read a file with fingen.load_returns" % type(x).__name__)
    a = _np.asarray(x, dtype=_np.float64)
    return Panel(a, names=names)


def _panel_dates(self):
    """The index as datetime64 (days for a date index, seconds for date-times); observation
    numbers as int64."""
    if self.index_kind == "date":
        return self.index.astype("datetime64[D]")
    if self.index_kind == "datetime":
        return self.index.astype("datetime64[s]")
    return self.index


def _panel_to_pandas(self):
    """A pandas DataFrame (a DatetimeIndex for dates); needs pandas."""
    import pandas as pd

    index = self.dates
    if self.index_kind != "observation":
        index = pd.DatetimeIndex(index)
    return pd.DataFrame(_np.array(self.values), index=index, columns=self.names)


Panel.dates = property(_panel_dates)
Panel.to_pandas = _panel_to_pandas


def _duration(seconds):
    if seconds is None or not _np.isfinite(seconds) or seconds < 0:
        return "?"
    s = int(seconds + 0.5)
    if s >= 3600:
        return "%dh%02dm" % (s // 3600, (s // 60) % 60)
    return "%dm%02ds" % (s // 60, s % 60)


def _print_progress(p):
    """The command line's progress line, on stderr (progress=True)."""
    if p["message"]:
        print(p["message"], file=_sys.stderr, flush=True)
        return
    line = "step %6d/%d  D %8.4f  G %8.4f" % (p["step"], p["total_steps"], p["d_loss"],
                                               p["g_loss"])
    if _np.isfinite(p["wasserstein"]):
        line += "  W %7.4f" % p["wasserstein"]
    if p["best_step"] > 0:
        line += "  val best %.4f @%d" % (p["best_validation"], p["best_step"])
    line += "  %.1f steps/s  ETA %s" % (p["steps_per_second"], _duration(p["eta_seconds"]))
    print(line, file=_sys.stderr, flush=True)


def fit(kind, returns, *, progress=True, checkpoint_dir="", resume=False, **options):
    """Makes a generator of `kind` with `options` (as ``fingen fit --set key=value``) and fits it
    on `returns` (a Panel, DataFrame, Series or array).

    >>> gan = fingen.fit("gan", r, steps=500, seed=3, progress=False)
    """
    g = Generator(kind, options)
    g.fit(returns, progress=progress, checkpoint_dir=checkpoint_dir, resume=resume)
    return g


def _model_class(kind, doc):
    class _Model(Generator):
        def __init__(self, **options):
            Generator.__init__(self, kind, options)

    _Model.__name__ = _Model.__qualname__ = doc[0]
    _Model.__doc__ = "%s: ``Generator(%r, options)``. %s" % (doc[0], kind, doc[1])
    return _Model


GBM = _model_class("gbm", ("GBM", "Geometric Brownian motion (multivariate normal log returns)."))
GARCH = _model_class("garch", ("GARCH", "GARCH(1,1) with Student-t innovations per asset."))
Bootstrap = _model_class("bootstrap", ("Bootstrap", "Stationary block bootstrap of the history."))
GAN = _model_class("gan", ("GAN", "The default GAN (fingen fit --model gan)."))
WGANGP = _model_class("wgan-gp", ("WGANGP", "A GAN trained with the WGAN-GP loss."))
