"""Tests of the Python module against the command line: the same data, models, scenarios and
numbers, bit for bit. CTest runs them with PYTHONPATH at the build tree's python/ and FINGEN_EXE
naming the fingen binary of the same build."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import fingen

SRC = os.environ.get("FINGEN_SOURCE_DIR",
                     os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FINGEN = os.environ.get("FINGEN_EXE", os.path.join(SRC, "build", "release", "apps", "fingen",
                                                   "fingen"))
SP500 = os.path.join(SRC, "data", "sp500_ohlcv_2000_2020.csv")
EU = os.path.join(SRC, "data", "eu_stock_markets.csv")
TRAIN_END = "2016-03-29"
TEST_START = "2016-03-30"

# A GAN small enough to train in seconds: what these tests check is the plumbing (progress,
# Ctrl-C, checkpoints, save/load), not what the GAN learns.
TINY_GAN = dict(generator="tcn", discriminator="tcn", hidden=8, layers=2, window=32, burn_in=8,
                batch_size=16, steps=12, eval_every=6, log_every=3, checkpoint_every=6, threads=1,
                seed=5)


def cli(*args):
    """Runs the fingen binary; returns its stdout, failing the test with its stderr."""
    p = subprocess.run([FINGEN, *args], capture_output=True, text=True)
    assert p.returncode == 0, "fingen %s failed:\n%s%s" % (" ".join(args), p.stdout, p.stderr)
    return p.stdout


def model_params(d):
    with open(os.path.join(d, "model.json")) as f:
        j = json.load(f)
    return j["model"], j["names"], j["params"]


@pytest.fixture(scope="module")
def sp500_train():
    return fingen.load_returns(SP500, end=TRAIN_END)


# ---- the module itself --------------------------------------------------------------------------

def test_version_kinds_and_options():
    assert fingen.__version__.count(".") == 2
    kinds = fingen.kinds()
    for k in ("gbm", "garch", "bootstrap", "gan", "wgan-gp"):
        assert k in kinds
    info = fingen.kind_info("garch")
    assert info["name"] == "garch" and info["description"]
    assert any(o["name"] == "innovation" for o in info["options"])
    assert fingen.backend_info()["torch_version"]


def test_load_returns_gives_the_clis_panel_without_copies(sp500_train):
    r = sp500_train
    assert r.values_kind == "returns" and r.index_kind == "date"
    assert r.names == ["adjusted"]
    v = r.values
    assert v.shape == (len(r), 1) and v.dtype == np.float64
    assert not v.flags.writeable and v.flags.f_contiguous
    assert np.shares_memory(v, r.values)  # a view of the panel's own buffer
    assert str(r.dates[0]) == "2000-01-04" and str(r.dates[-1]) == TRAIN_END
    # log returns of the adjusted close, as the CLI computes them
    full = fingen.load_returns(SP500)
    assert np.array_equal(full.values[: len(r)], r.values)
    assert "sp500_ohlcv_2000_2020.csv" in r.source
    assert fingen.split_row(full, TEST_START) == len(r)


def test_inspect_and_clean_equal_the_clis(tmp_path):
    dj = os.path.join(SRC, "data", "dow_jones_30.csv")
    cli("data", "inspect", dj, "--json", str(tmp_path / "i.json"))
    with open(str(tmp_path / "i.json")) as f:
        want = json.load(f)["files"][0]
    assert fingen.inspect(dj) == want
    out = str(tmp_path / "clean.csv")
    panel, report = fingen.clean([dj], out=out, to_returns=True, outliers="winsorize",
                                 threshold=8)
    cli("data", "clean", dj, "--to-returns", "--outliers", "winsorize", "--threshold", "8",
        "--out", str(tmp_path / "c.csv"), "--report", str(tmp_path / "c.json"))
    with open(out) as a, open(str(tmp_path / "c.csv")) as b:
        assert a.read() == b.read()
    assert panel.values_kind == "returns" and panel.cols == 30
    assert report["outliers"] == json.load(open(str(tmp_path / "c.json")))["outliers"]
    with pytest.raises(fingen.UsageError):
        fingen.clean([dj], outliers="explode")


def test_panels_from_numpy_and_pandas():
    a = np.array([[0.01, 0.02], [-0.01, 0.0], [0.005, -0.003]])
    p = fingen.Panel(a, names=["a", "b"])
    assert p.names == ["a", "b"] and p.index_kind == "observation"
    assert np.array_equal(p.values, a)
    with pytest.raises(ValueError):
        fingen.Panel(a, names=["only one"])
    with pytest.raises(ValueError):
        fingen.Panel(a, index=np.array([3, 2, 1]), index_kind="observation")  # not increasing
    pd = pytest.importorskip("pandas")
    r = fingen.load_returns(EU, end="1995-12-31")
    df = r.to_pandas()
    assert isinstance(df.index, pd.DatetimeIndex) and list(df.columns) == r.names
    back = fingen._as_panel(df)
    assert back.index_kind == "date" and np.array_equal(back.index, r.index)
    assert np.array_equal(back.values, r.values)


# ---- errors -------------------------------------------------------------------------------------

def test_errors_are_python_exceptions_with_fingens_message(tmp_path):
    with pytest.raises(fingen.UsageError) as e:
        fingen.Generator("no-such-model")
    assert isinstance(e.value, ValueError) and isinstance(e.value, fingen.Error)
    assert "no-such-model" in str(e.value) and "garch" in str(e.value)
    with pytest.raises(ValueError, match="nope"):
        fingen.Generator("garch", {"nope": 1})
    with pytest.raises(ValueError):
        fingen.GARCH(innovation=3)  # wrong type for a string option
    with pytest.raises(fingen.UsageError, match="not fitted"):
        fingen.GARCH().generate(10, 5)
    with pytest.raises(fingen.Error):
        fingen.load_returns(str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("date,close\n2020-01-02,100\n2020-01-03,abc\n2020-01-06,101\n")
    with pytest.raises(fingen.InputError) as e:
        fingen.load_returns(str(bad))
    assert "bad.csv:3" in str(e.value) and "close" in str(e.value)
    with pytest.raises(TypeError):
        fingen.GARCH().fit("not returns")
    with pytest.raises(TypeError):
        fingen.Generator("garch", {"innovation": object()})
    g = fingen.fit("gbm", np.random.default_rng(1).normal(0, 0.01, 300))
    with pytest.raises(ValueError):
        g.generate(0, 10)
    with pytest.raises(fingen.Error):
        fingen.load(str(tmp_path))  # no model.json


# ---- generators against the command line --------------------------------------------------------

def test_garch_fitted_in_python_equals_the_clis_bit_for_bit(tmp_path, sp500_train):
    cli_dir = str(tmp_path / "cli")
    cli("fit", "--model", "garch", "--data", SP500, "--end", TRAIN_END, "--out", cli_dir, "-q")
    g = fingen.fit("garch", sp500_train)
    py_dir = str(tmp_path / "py")
    g.save(py_dir)
    assert model_params(py_dir) == model_params(cli_dir)
    # Python generates what the CLI generates, from either directory
    cli("generate", "--model", py_dir, "--paths", "300", "--horizon", "50", "--seed", "11",
        "--out", str(tmp_path / "from_py.npy"), "-q")
    mine = g.generate(300, 50, seed=11)
    assert mine.shape == (300, 50, 1)
    assert np.array_equal(np.load(str(tmp_path / "from_py.npy")), mine)
    assert np.array_equal(fingen.load(cli_dir).generate(300, 50, seed=11), mine)
    # and fit_model is `fingen fit`: the same model and a manifest
    m = fingen.fit_model("garch", SP500, str(tmp_path / "fm"), end=TRAIN_END, progress=False)
    assert m.fitted and model_params(str(tmp_path / "fm")) == model_params(cli_dir)
    assert os.path.exists(str(tmp_path / "fm" / "manifest.json"))


def test_generation_returns_its_buffer_and_ignores_the_thread_count(sp500_train):
    g = fingen.fit("bootstrap", sp500_train)
    a = g.generate(400, 30, seed=3, threads=1)
    b = g.generate(400, 30, seed=3, threads=2)
    assert np.array_equal(a, b)
    assert a.flags.c_contiguous and a.flags.writeable and not a.flags.owndata  # no copy
    assert not np.array_equal(a, g.generate(400, 30, seed=4))


def test_the_gil_is_released_while_cpp_works(sp500_train):
    g = fingen.fit("garch", sp500_train)
    t0 = time.perf_counter()
    g.generate(20000, 252, seed=1, threads=1)
    alone = time.perf_counter() - t0
    worker = threading.Thread(target=g.generate, args=(20000, 252), kwargs={"seed": 1, "threads": 1})
    last, gap = None, 0.0
    worker.start()
    while worker.is_alive():  # Python keeps running beside the C++ call
        now = time.perf_counter()
        if last is not None:
            gap = max(gap, now - last)
        last = now
    worker.join()
    assert gap < 0.5 * alone, (gap, alone)


def test_generate_scenarios_is_fingen_generate(tmp_path, sp500_train):
    d = str(tmp_path / "gbm")
    fingen.fit("gbm", sp500_train).save(d)
    out = str(tmp_path / "s.npy")
    a = fingen.generate_scenarios(d, 100, 20, seed=9, out=out)
    assert np.array_equal(np.load(out), a)
    assert os.path.exists(str(tmp_path / "s.manifest.json"))
    cli("generate", "--model", d, "--paths", "100", "--horizon", "20", "--seed", "9", "--out",
        str(tmp_path / "c.npy"), "-q")
    assert np.array_equal(np.load(str(tmp_path / "c.npy")), a)


def test_several_assets_from_arrays_and_dataframes(tmp_path):
    r = fingen.load_returns(EU)
    boot = fingen.Bootstrap()
    boot.fit(np.array(r.values))
    assert boot.names == ["series1", "series2", "series3", "series4"]
    assert boot.generate(10, 5, seed=1).shape == (10, 5, 4)
    garch = fingen.fit("garch", r)
    assert garch.names == r.names and garch.conditional
    s = garch.generate_from(np.array(r.values[-60:]), 50, 10, seed=2)
    assert s.shape == (50, 10, 4) and np.isfinite(s).all()
    pytest.importorskip("pandas")
    again = fingen.fit("garch", r.to_pandas())
    garch.save(str(tmp_path / "a"))
    again.save(str(tmp_path / "b"))
    assert model_params(str(tmp_path / "a")) == model_params(str(tmp_path / "b"))


# ---- training: progress, Ctrl-C, resume ---------------------------------------------------------

def test_gan_trains_with_progress_and_round_trips_through_the_cli(tmp_path, sp500_train):
    seen = []
    g = fingen.fit("gan", sp500_train, progress=seen.append, **TINY_GAN)
    steps = [p["step"] for p in seen if not p["message"]]
    assert steps and steps == sorted(steps) and steps[-1] == TINY_GAN["steps"]
    assert all(p["total_steps"] == TINY_GAN["steps"] for p in seen)
    assert all(np.isfinite(p["d_loss"]) and np.isfinite(p["g_loss"]) for p in seen)
    d = str(tmp_path / "gan")
    g.save(d)
    mine = g.generate(64, 40, seed=21)
    cli("generate", "--model", d, "--paths", "64", "--horizon", "40", "--seed", "21", "--out",
        str(tmp_path / "gan.npy"), "-q")
    assert np.array_equal(np.load(str(tmp_path / "gan.npy")), mine)
    assert np.array_equal(fingen.load(d).generate(64, 40, seed=21), mine)


def test_gan_fitted_in_python_equals_the_clis_bit_for_bit(tmp_path, sp500_train):
    d = str(tmp_path / "cli_gan")
    sets = []
    for k, v in TINY_GAN.items():
        sets += ["--set", "%s=%s" % (k, v)]
    cli("fit", "--model", "gan", "--data", SP500, "--end", TRAIN_END, "--out", d, "-q", *sets)
    mine = fingen.fit("gan", sp500_train, progress=False, **TINY_GAN)
    assert np.array_equal(fingen.load(d).generate(32, 30, seed=4), mine.generate(32, 30, seed=4))


def test_progress_true_prints_the_cli_lines(capfd, sp500_train):
    fingen.fit("gan", sp500_train, progress=True, **TINY_GAN)
    err = capfd.readouterr().err
    assert "step     12/12" in err and "steps/s" in err


def test_ctrl_c_checkpoints_raises_keyboardinterrupt_and_resumes(tmp_path, sp500_train):
    ck = str(tmp_path / "checkpoints")
    opts = dict(TINY_GAN, steps=3000, log_every=1)
    sent = []

    def progress(p):
        # Ctrl-C arrives from outside while C++ trains: a real SIGINT, sent once from another
        # thread, which Python's handler turns into KeyboardInterrupt at the next callback.
        if not sent:
            sent.append(True)
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    g = fingen.GAN(**opts)
    with pytest.raises(KeyboardInterrupt) as e:
        g.fit(sp500_train, progress=progress, checkpoint_dir=ck)
    assert "training interrupted at step" in str(e.value) and "last.pt" in str(e.value)
    assert os.path.exists(os.path.join(ck, "last.pt"))
    assert not g.fitted

    # an exception raised by the callback stops training the same way and is raised as is
    def fail(p):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        fingen.GAN(**TINY_GAN).fit(sp500_train, progress=fail)

    # resume continues from the checkpoint to the end
    resumed = []
    short = fingen.GAN(**dict(opts, steps=int(30)))
    short.fit(sp500_train, progress=resumed.append, checkpoint_dir=ck, resume=True)
    assert short.fitted
    assert any("resuming" in p["message"] for p in resumed)


# ---- evaluation and risk against the command line ------------------------------------------------

def test_evaluate_and_var_es_equal_the_clis(tmp_path, sp500_train):
    g = fingen.fit("garch", sp500_train)
    s = g.generate(500, 252, seed=7)
    npy = str(tmp_path / "garch.npy")
    np.save(npy, s)
    cli("evaluate", "--real", SP500, "--start", TEST_START, "--scenarios", npy, "--names", "garch",
        "--json", str(tmp_path / "m.json"))
    with open(str(tmp_path / "m.json")) as f:
        want = json.load(f)
    got = fingen.evaluate(SP500, TEST_START, scenarios=[s], names=["garch"])
    assert got["models"] == want["models"] and got["targets"] == want["targets"]
    from_file = fingen.evaluate(SP500, TEST_START, scenario_files=[npy])
    assert from_file["models"]["garch"] == want["models"]["garch"]

    cli("risk", "var", "--scenarios", npy, "--level", "0.95,0.99", "--horizon", "10", "--json",
        str(tmp_path / "v.json"))
    with open(str(tmp_path / "v.json")) as f:
        want_v = json.load(f)
    got_v = fingen.var_es(s, levels=[0.95, 0.99], horizon=10)
    assert got_v["results"] == want_v["results"] and got_v["weights"] == [1.0]
    assert 0 < got_v["results"][0]["var"] < got_v["results"][1]["var"] < got_v["results"][1]["es"]


def test_var_backtest_equals_the_clis(tmp_path):
    args = dict(start="2015-01-01", end="2017-12-29", window=250, refit=20)
    got = fingen.var_backtest(SP500, ["historical", "normal"], **args)
    cli("risk", "backtest", "--data", SP500, "--model", "historical,normal", "--start",
        args["start"], "--end", args["end"], "--window", "250", "--refit", "20", "--json",
        str(tmp_path / "b.json"))
    with open(str(tmp_path / "b.json")) as f:
        want = json.load(f)["results"]
    assert [r["model"] for r in got] == ["historical", "normal"]
    for a, b in zip(got, want):
        a.pop("seconds")
        b.pop("seconds")
        assert a == b  # every test statistic, exactly


def test_trading_equals_the_clis(tmp_path, sp500_train):
    opts = {"fast": 20, "slow": 100, "spread_bps": 5}
    got = fingen.strategy_backtest(SP500, "sma", opts, end="2010-12-31")
    cli("strategy", "backtest", "--data", SP500, "--strategy", "sma", "--set", "fast=20", "--set",
        "slow=100", "--set", "spread_bps=5", "--end", "2010-12-31", "--json",
        str(tmp_path / "t.json"))
    with open(str(tmp_path / "t.json")) as f:
        want = json.load(f)
    for k in ("gross", "net", "buy_and_hold", "strategy_options", "options", "bars"):
        assert got[k] == want[k], k
    assert got["net"]["metrics"]["total_return"] < got["gross"]["metrics"]["total_return"]  # costs
    npy = str(tmp_path / "boot.npy")
    np.save(npy, fingen.fit("bootstrap", sp500_train).generate(50, 500, seed=2))
    rob = fingen.strategy_robustness(SP500, "sma", opts, scenario_files=[npy], names=["boot"],
                                     end="2010-12-31")
    assert rob["sources"]["boot"]["paths"] == 50
    with pytest.raises(ValueError, match="no_such_key"):
        fingen.strategy_backtest(SP500, "sma", {"no_such_key": 1})


def test_run_a_config(tmp_path):
    cfg = {
        "name": "py",
        "data": {"file": SP500},
        "split": {"test_start": "2018-01-01"},
        "models": [{"name": "garch", "model": "garch"}, {"name": "boot", "model": "bootstrap"}],
        "generate": {"paths": 200, "horizon": 60, "seed": 7},
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cfg))
    r = fingen.run(str(path), out=str(tmp_path / "out"), progress=False)
    assert [m["name"] for m in r["models"]] == ["garch", "boot"]
    assert os.path.exists(r["report_file"]) and os.path.exists(r["manifest_file"])
    assert set(r["metrics"]["models"]) == {"garch", "boot"}
    s = np.load(r["models"][0]["scenarios_file"])
    assert np.array_equal(fingen.load(r["models"][0]["model_dir"]).generate(200, 60, seed=7), s)


# ---- installed package ---------------------------------------------------------------------------

def test_cmake_install_puts_an_importable_package_under_the_prefix(tmp_path):
    build = os.environ.get("FINGEN_BINARY_DIR")
    rel = os.environ.get("FINGEN_PYTHON_INSTALL_DIR")
    if not build or not rel:
        pytest.skip("run by CTest (needs FINGEN_BINARY_DIR and FINGEN_PYTHON_INSTALL_DIR)")
    prefix = tmp_path / "prefix"
    p = subprocess.run(["cmake", "--install", build, "--prefix", str(prefix)], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    site = prefix / rel
    assert (site / "fingen" / "__init__.pyi").exists() and (site / "fingen" / "py.typed").exists()
    code = ("import fingen, numpy as np; print(fingen.__file__); "
            "g = fingen.fit('gbm', np.full(300, 0.001) + np.sin(np.arange(300)) * 0.01); "
            "print(g.generate(5, 3, seed=1).shape)")
    env = dict(os.environ, PYTHONPATH=str(site))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith(str(site)) and "(5, 3, 1)" in p.stdout


# ---- LibTorch shared with PyTorch ----------------------------------------------------------------

@pytest.mark.parametrize("first", ["torch", "fingen"])
def test_torch_and_fingen_in_one_process(first, tmp_path):
    pytest.importorskip("torch")
    other = "fingen" if first == "torch" else "torch"
    code = f"""
import {first}, {other}
import numpy as np
x = torch.randn(64, 3)
assert torch.isfinite(x @ x.T).all()
r = fingen.load_returns({SP500!r}, end={TRAIN_END!r})
g = fingen.fit("gan", r, progress=False, **{TINY_GAN!r})
s = g.generate(8, 16, seed=1)
assert s.shape == (8, 16, 1) and np.isfinite(s).all()
t = torch.from_numpy(s)
assert t.shape == (8, 16, 1)
print("ok")
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ))
    assert p.returncode == 0 and "ok" in p.stdout, p.stdout + p.stderr
