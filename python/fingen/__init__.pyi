# Type stubs of the fingen package (the C++ module fingen._fingen and the Python helpers).
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

__version__: str

class Error(Exception):
    """Base class of every error fingen raises; str(e) is fingen's message."""

class UsageError(Error, ValueError):
    """An invalid argument or option."""

class InputError(Error, ValueError):
    """Malformed input data; the message names the file, line and column."""

class IoError(Error, OSError):
    """A file could not be read or written."""

class NumericError(Error, ArithmeticError):
    """A computation produced NaN/inf or could not proceed."""

Progress = Union[bool, None, Callable[[Dict[str, Any]], None]]
ReturnsLike = Union["Panel", npt.ArrayLike, Any]  # Any: a pandas DataFrame or Series

class Panel:
    """Aligned series on one time axis.

    >>> p = Panel(np.array([[0.01], [-0.02]]), names=["spx"])
    """
    def __init__(
        self,
        values: npt.ArrayLike,
        names: Optional[Sequence[str]] = ...,
        index: Optional[npt.ArrayLike] = ...,
        index_kind: str = ...,
        values_kind: str = ...,
        source: str = ...,
    ) -> None: ...
    @property
    def names(self) -> List[str]: ...
    @property
    def index(self) -> npt.NDArray[np.int64]: ...
    @property
    def index_kind(self) -> str: ...
    @property
    def values_kind(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def values(self) -> npt.NDArray[np.float64]:
        """(rows, series), read-only, no copy."""
    @property
    def rows(self) -> int: ...
    @property
    def cols(self) -> int: ...
    @property
    def dates(self) -> npt.NDArray[Any]: ...
    def to_pandas(self) -> Any: ...
    def slice(self, begin: int, end: int) -> "Panel": ...
    def __len__(self) -> int: ...

class Generator:
    """A scenario generator.

    >>> g = Generator("garch"); g.fit(returns); g.generate(1000, 252, seed=7).shape
    (1000, 252, 1)
    """
    def __init__(self, kind: str, options: Dict[str, Any] = ...) -> None: ...
    @property
    def kind(self) -> str: ...
    @property
    def names(self) -> List[str]: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def conditional(self) -> bool: ...
    @property
    def options(self) -> Dict[str, Any]: ...
    def summary(self) -> str: ...
    def fit(
        self,
        returns: ReturnsLike,
        progress: Progress = ...,
        checkpoint_dir: str = ...,
        resume: bool = ...,
    ) -> None: ...
    def generate(
        self, paths: int, horizon: int, seed: int = ..., threads: int = ...
    ) -> npt.NDArray[np.float64]:
        """(paths, horizon, assets) returns; identical to `fingen generate`'s .npy."""
    def generate_from(
        self, context: npt.ArrayLike, paths: int, horizon: int, seed: int = ..., threads: int = ...
    ) -> npt.NDArray[np.float64]: ...
    def save(self, dir: str) -> None: ...

class GBM(Generator):
    def __init__(self, **options: Any) -> None: ...

class GARCH(Generator):
    def __init__(self, **options: Any) -> None: ...

class Bootstrap(Generator):
    def __init__(self, **options: Any) -> None: ...

class GAN(Generator):
    def __init__(self, **options: Any) -> None: ...

class WGANGP(Generator):
    def __init__(self, **options: Any) -> None: ...

def load_returns(
    file: str,
    series: Optional[Sequence[str]] = ...,
    returns: bool = ...,
    return_kind: str = ...,
    start: str = ...,
    end: str = ...,
) -> Panel:
    """>>> r = load_returns("data/sp500_ohlcv_2000_2020.csv", end="2016-03-29")"""

def inspect(
    file: str, format: str = ..., returns: bool = ..., lags: int = ...
) -> Dict[str, Any]:
    """`fingen data inspect --json`'s entry for one file."""

def clean(
    files: Sequence[str],
    out: str = ...,
    missing: str = ...,
    limit: int = ...,
    join: str = ...,
    max_fill: int = ...,
    outliers: str = ...,
    threshold: float = ...,
    returns: bool = ...,
    to_returns: bool = ...,
    return_kind: str = ...,
    report: str = ...,
) -> Tuple[Panel, Dict[str, Any]]:
    """`fingen data clean`: (the clean panel, the report)."""

def split_row(returns: Panel, date: str, what: str = ...) -> int: ...
def fit(
    kind: str,
    returns: ReturnsLike,
    *,
    progress: Progress = ...,
    checkpoint_dir: str = ...,
    resume: bool = ...,
    **options: Any,
) -> Generator:
    """>>> g = fit("gan", r, steps=500, seed=3)"""

def load(dir: str) -> Generator: ...
def kinds() -> List[str]: ...
def kind_info(kind: str) -> Dict[str, Any]: ...
def fit_model(
    kind: str,
    data: str,
    out: str,
    options: Dict[str, Any] = ...,
    series: Optional[Sequence[str]] = ...,
    returns: bool = ...,
    return_kind: str = ...,
    start: str = ...,
    end: str = ...,
    resume: bool = ...,
    progress: Progress = ...,
) -> Generator: ...
def generate_scenarios(
    model_dir: str,
    paths: int,
    horizon: int,
    seed: int = ...,
    threads: int = ...,
    out: str = ...,
    csv: str = ...,
) -> npt.NDArray[np.float64]: ...
def evaluate(
    data: str,
    test_start: str,
    scenario_files: Sequence[str] = ...,
    scenarios: Sequence[npt.ArrayLike] = ...,
    names: Sequence[str] = ...,
    series: Optional[Sequence[str]] = ...,
    returns: bool = ...,
    end: str = ...,
    posthoc_window: int = ...,
    posthoc_iterations: int = ...,
    json_out: str = ...,
) -> Dict[str, Any]:
    """metrics.json's content: names, targets, models, rows_won, curves."""

def var_es(
    scenarios: npt.ArrayLike,
    levels: Sequence[float] = ...,
    weights: Sequence[float] = ...,
    horizon: int = ...,
    simple: bool = ...,
    confidence: float = ...,
    bootstrap: int = ...,
    seed: int = ...,
) -> Dict[str, Any]:
    """{'weights': [...], 'results': [{'level', 'var', 'es', 'var_ci', 'es_ci'}, ...]}"""

def var_backtest(
    data: str,
    models: Sequence[str],
    series: Optional[Sequence[str]] = ...,
    returns: bool = ...,
    start: str = ...,
    end: str = ...,
    weights: Sequence[float] = ...,
    window: int = ...,
    refit: int = ...,
    level: float = ...,
    scenarios: int = ...,
    seed: int = ...,
    json_out: str = ...,
    days_csv: str = ...,
) -> List[Dict[str, Any]]: ...
def strategy_backtest(
    data: str,
    strategy: str,
    options: Dict[str, Any] = ...,
    series: Optional[Sequence[str]] = ...,
    start: str = ...,
    end: str = ...,
    with_files: Sequence[str] = ...,
) -> Dict[str, Any]:
    """`fingen strategy backtest`'s JSON: gross, net, buy_and_hold, ..."""

def strategy_robustness(
    data: str,
    strategy: str,
    options: Dict[str, Any] = ...,
    scenario_files: Sequence[str] = ...,
    names: Sequence[str] = ...,
    model_dir: str = ...,
    paths: int = ...,
    horizon: int = ...,
    seed: int = ...,
    series: Optional[Sequence[str]] = ...,
    start: str = ...,
    end: str = ...,
) -> Dict[str, Any]: ...
def run(config: str, out: str = ..., progress: Progress = ...) -> Dict[str, Any]: ...
def set_threads(threads: int) -> None: ...
def backend_info() -> Dict[str, Any]: ...
