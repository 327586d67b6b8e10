// fingen's Python module, fingen._fingen: the library's own entry points (the ones the command line
// calls) with NumPy arrays in and out. The pure-Python package fingen/ (python/fingen/__init__.py)
// re-exports it and adds the conversions from pandas and plain arrays.
//
// Rules kept here:
// - the GIL is released while C++ works; callbacks (training progress) take it back;
// - every fingen::Error becomes a fingen.Error subclass chosen by its category (UsageError is
//   also a ValueError, IoError an OSError, NumericError an ArithmeticError), with the same text;
// - scenarios come back as (paths, horizon, assets) float64 arrays that own the generated buffer
//   (no copy); panels expose their values without a copy, read-only;
// - Ctrl-C during training: the progress callback sees the signal, asks the trainer to stop (it
//   writes its checkpoint), and KeyboardInterrupt is raised once the C++ call has returned.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <omp.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fingen/core/error.hpp"
#include "fingen/core/panel.hpp"
#include "fingen/core/runtime.hpp"
#include "fingen/core/time.hpp"
#include "fingen/data/clean_files.hpp"
#include "fingen/data/inspect.hpp"
#include "fingen/data/load.hpp"
#include "fingen/eval/comparison.hpp"
#include "fingen/pipeline/config.hpp"
#include "fingen/pipeline/run.hpp"
#include "fingen/pipeline/stages.hpp"
#include "fingen/risk/var_backtest.hpp"
#include "fingen/scenario/generator.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/trading/run.hpp"
#include "fingen/trading/strategy.hpp"
#include "fingen/version.hpp"
#ifdef FINGEN_PYTHON_WITH_TORCH
#include "fingen/ml/runtime.hpp"
#endif

namespace py = pybind11;
using nlohmann::json;

namespace fingen::python {
namespace {

// ---- errors ------------------------------------------------------------------------------------

// The exception classes, made once at import and never freed (they live as long as the
// interpreter; freeing them at exit would race with the interpreter's own teardown).
PyObject* g_error = nullptr;
PyObject* g_usage = nullptr;
PyObject* g_input = nullptr;
PyObject* g_io = nullptr;
PyObject* g_numeric = nullptr;

PyObject* make_exception(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  PyObject* cls =
      PyErr_NewExceptionWithDoc((std::string("fingen.") + name).c_str(), doc, bases, nullptr);
  if (cls == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(cls));
  return cls;
}

PyObject* exception_for(ErrorCategory c) {
  switch (c) {
    case ErrorCategory::Usage:
      return g_usage;
    case ErrorCategory::Input:
      return g_input;
    case ErrorCategory::Io:
      return g_io;
    case ErrorCategory::Numeric:
      return g_numeric;
    case ErrorCategory::Runtime:
      break;
  }
  return g_error;
}

void register_errors(py::module_& m) {
  g_error = make_exception(m, "Error", PyExc_Exception,
                           "Base class of every error fingen raises; .args[0] is fingen's message "
                           "(file, line and field for bad input data).");
  g_usage = make_exception(
      m, "UsageError",
      py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError)).release().ptr(),
      "An invalid argument or option (also a ValueError).");
  g_input = make_exception(
      m, "InputError",
      py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError)).release().ptr(),
      "Malformed or invalid input data: the message names the file, line "
      "and column (also a ValueError).");
  g_io = make_exception(
      m, "IoError", py::make_tuple(py::handle(g_error), py::handle(PyExc_OSError)).release().ptr(),
      "A file could not be read or written (also an OSError).");
  g_numeric = make_exception(
      m, "NumericError",
      py::make_tuple(py::handle(g_error), py::handle(PyExc_ArithmeticError)).release().ptr(),
      "A computation produced NaN/inf or could not proceed (also an "
      "ArithmeticError).");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(exception_for(e.category()), e.what());
    }
  });
}

// ---- JSON <-> Python ---------------------------------------------------------------------------

py::object to_py(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      return py::none();
    case json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case json::value_t::number_float:
      return py::float_(j.get<double>());
    case json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list out;
      for (const auto& v : j) out.append(to_py(v));
      return std::move(out);
    }
    case json::value_t::object: {
      py::dict out;
      for (const auto& [k, v] : j.items()) out[py::str(k)] = to_py(v);
      return std::move(out);
    }
    case json::value_t::binary:
      break;
  }
  return py::none();
}

json from_py(py::handle h, const std::string& where) {
  if (h.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(h)) return h.cast<bool>();
  // NumPy's bool_ is no Python bool; its item() is.
  if (py::hasattr(h, "dtype") && py::hasattr(h, "item") && !py::isinstance<py::array>(h))
    return from_py(h.attr("item")(), where);
  if (py::isinstance<py::int_>(h)) {
    const auto v = h.cast<py::int_>();
    if (PyLong_AsLongLong(v.ptr()) == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      return h.cast<std::uint64_t>();
    }
    return h.cast<std::int64_t>();
  }
  if (py::isinstance<py::float_>(h)) return h.cast<double>();
  if (py::isinstance<py::str>(h)) return h.cast<std::string>();
  if (py::isinstance<py::dict>(h)) {
    json out = json::object();
    for (const auto& [k, v] : h.cast<py::dict>()) {
      if (!py::isinstance<py::str>(k))
        throw py::type_error(where + ": keys must be strings, got " +
                             py::repr(k).cast<std::string>());
      const std::string key = k.cast<std::string>();
      out[key] = from_py(v, where + "." + key);
    }
    return out;
  }
  if (py::isinstance<py::list>(h) || py::isinstance<py::tuple>(h) || py::isinstance<py::array>(h)) {
    json out = json::array();
    for (const auto& v : h) out.push_back(from_py(v, where));
    return out;
  }
  throw py::type_error(where + ": cannot pass a " +
                       py::str(py::type::handle_of(h).attr("__name__")).cast<std::string>() +
                       " to fingen (use numbers, strings, bools, lists and dicts)");
}

// ---- arrays ------------------------------------------------------------------------------------

/// Scenarios as a (paths, horizon, assets) array that owns their buffer.
py::array scenarios_array(Scenarios&& s) {
  auto* held = new Scenarios(std::move(s));
  py::capsule owner(held, [](void* p) { delete static_cast<Scenarios*>(p); });
  return py::array_t<double>({held->paths, held->horizon, held->assets}, held->data.data(), owner);
}

/// A (paths, horizon[, assets]) array as Scenarios (copied: Scenarios owns its values).
Scenarios scenarios_from(const py::handle& obj, const std::string& what) {
  if (py::isinstance<py::str>(obj))
    throw py::type_error(what +
                         ": expected an array of scenarios, got a str (a file name? use "
                         "numpy.load or pass the file in scenario_files)");
  const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(obj);
  if (!a) throw py::type_error(what + ": expected an array of float64 scenarios");
  if (a.ndim() != 2 && a.ndim() != 3)
    throw py::value_error(what +
                          ": expected shape (paths, horizon) or (paths, horizon, assets), "
                          "got " +
                          std::to_string(a.ndim()) + " dimensions");
  const std::size_t assets = a.ndim() == 3 ? static_cast<std::size_t>(a.shape(2)) : 1;
  Scenarios s(static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1)), assets);
  std::copy(a.data(), a.data() + a.size(), s.data.begin());
  check_finite(s, what);
  for (std::size_t i = 0; i < assets; ++i) s.names.push_back("series" + std::to_string(i + 1));
  return s;
}

ValueKind value_kind_from(const std::string& text) {
  if (text == "returns") return ValueKind::Returns;
  if (text == "prices") return ValueKind::Prices;
  throw py::value_error("values_kind must be 'returns' or 'prices', got '" + text + "'");
}

IndexKind index_kind_from(const std::string& text) {
  if (text == "date") return IndexKind::Date;
  if (text == "datetime") return IndexKind::DateTime;
  if (text == "observation") return IndexKind::Observation;
  throw py::value_error("index_kind must be 'date', 'datetime' or 'observation', got '" + text +
                        "'");
}

Panel make_panel(const py::array_t<double, py::array::forcecast>& values,
                 std::optional<std::vector<std::string>> names,
                 std::optional<py::array_t<std::int64_t, py::array::forcecast>> index,
                 const std::string& index_kind, const std::string& values_kind,
                 const std::string& source) {
  if (values.ndim() != 1 && values.ndim() != 2)
    throw py::value_error("values must have shape (rows,) or (rows, series), got " +
                          std::to_string(values.ndim()) + " dimensions");
  const auto rows = static_cast<Eigen::Index>(values.shape(0));
  const auto cols = values.ndim() == 2 ? static_cast<Eigen::Index>(values.shape(1)) : 1;
  Panel p;
  p.values.resize(rows, cols);
  const auto v = values.unchecked();
  if (values.ndim() == 2) {
    const auto v2 = values.unchecked<2>();
    for (Eigen::Index j = 0; j < cols; ++j)
      for (Eigen::Index i = 0; i < rows; ++i) p.values(i, j) = v2(i, j);
  } else {
    const auto v1 = values.unchecked<1>();
    for (Eigen::Index i = 0; i < rows; ++i) p.values(i, 0) = v1(i);
  }
  (void)v;
  if (names) {
    if (static_cast<Eigen::Index>(names->size()) != cols)
      throw py::value_error(std::to_string(names->size()) + " names for " + std::to_string(cols) +
                            " series");
    p.names = *names;
  } else {
    for (Eigen::Index j = 0; j < cols; ++j) p.names.push_back("series" + std::to_string(j + 1));
  }
  p.kind = index_kind_from(index_kind);
  if (index) {
    if (index->ndim() != 1 || index->shape(0) != rows)
      throw py::value_error("index must have one entry per row (" + std::to_string(rows) + ")");
    const auto ix = index->unchecked<1>();
    for (Eigen::Index i = 0; i < rows; ++i) p.index.push_back(ix(i));
  } else {
    if (index_kind != "observation")
      throw py::value_error("an index of kind '" + index_kind + "' needs index values");
    for (Eigen::Index i = 0; i < rows; ++i) p.index.push_back(i + 1);
  }
  p.values_kind = value_kind_from(values_kind);
  p.source = source;
  p.validate();
  return p;
}

/// Whatever the caller passed as returns, as a Panel: a Panel as is; anything else through the
/// package's converter (pandas objects, arrays).
Panel panel_from(const py::handle& obj) {
  if (py::isinstance<Panel>(obj)) return obj.cast<Panel>();
  return py::module_::import("fingen").attr("_as_panel")(obj).cast<Panel>();
}

data::ReturnsSource source_from(const std::string& file,
                                std::optional<std::vector<std::string>> series, bool returns,
                                const std::string& return_kind, const std::string& start,
                                const std::string& end) {
  data::ReturnsSource s;
  s.file = file;
  if (series) s.series = *series;
  s.returns = returns;
  s.return_kind = return_kind;
  s.start = start;
  s.end = end;
  return s;
}

// ---- progress and Ctrl-C -----------------------------------------------------------------------

py::dict progress_dict(const scenario::FitProgress& p) {
  py::dict d;
  d["step"] = p.step;
  d["total_steps"] = p.total_steps;
  d["d_loss"] = p.d_loss;
  d["g_loss"] = p.g_loss;
  d["wasserstein"] = p.wasserstein;
  d["best_validation"] = p.best_validation;
  d["best_step"] = p.best_step;
  d["steps_per_second"] = p.steps_per_second;
  d["eta_seconds"] = p.eta_seconds;
  d["message"] = p.message;
  return d;
}

/// Forwards progress to a Python callable (or the package's printer) and watches for Ctrl-C. An
/// exception in the callback (KeyboardInterrupt included) asks the training loop to stop; it is
/// raised again when the C++ call has returned.
class ProgressBridge {
 public:
  explicit ProgressBridge(py::object progress) {
    if (progress.is_none() || (py::isinstance<py::bool_>(progress) && !progress.cast<bool>()))
      return;
    if (py::isinstance<py::bool_>(progress))
      callback_ = py::module_::import("fingen").attr("_print_progress");
    else if (PyCallable_Check(progress.ptr()))
      callback_ = std::move(progress);
    else
      throw py::type_error("progress must be True, False, None or a callable taking a dict");
  }
  ~ProgressBridge() {
    py::gil_scoped_acquire gil;
    callback_ = py::object();
  }

  std::function<void(const scenario::FitProgress&)> function() {
    return [this](const scenario::FitProgress& p) { on_progress(p); };
  }

  /// Runs `work` without the GIL; raises the callback's exception afterwards, or translates the
  /// trainer's "interrupted" error into KeyboardInterrupt.
  template <class F>
  auto run(F&& work) {
    take_stop_request();  // a stale request from an earlier call must not stop this one
    try {
      py::gil_scoped_release release;
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        take_stop_request();
        rethrow_pending();
        return;
      } else {
        auto result = work();
        take_stop_request();
        rethrow_pending();
        return result;
      }
    } catch (const Error& e) {
      take_stop_request();
      if (pending_) {
        // The loop stopped because the callback raised: raise that, with fingen's message (it
        // says where the checkpoint is) added for a KeyboardInterrupt.
        py::gil_scoped_acquire gil;
        if (pending_->matches(PyExc_KeyboardInterrupt)) {
          pending_.reset();
          PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
          throw py::error_already_set();
        }
        rethrow_pending();
      }
      throw;
    }
  }

 private:
  void on_progress(const scenario::FitProgress& p) {
    py::gil_scoped_acquire gil;
    if (pending_) return;
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (callback_) callback_(progress_dict(p));
    } catch (py::error_already_set& e) {
      pending_ = std::make_unique<py::error_already_set>(std::move(e));
      request_stop();
    }
  }
  void rethrow_pending() {
    if (!pending_) return;
    py::gil_scoped_acquire gil;
    std::unique_ptr<py::error_already_set> e = std::move(pending_);
    e->restore();
    throw py::error_already_set();
  }

  py::object callback_;
  std::unique_ptr<py::error_already_set> pending_;
};

// ---- generators --------------------------------------------------------------------------------

using Generator = scenario::ScenarioGenerator;

void set_omp_threads(int threads) {
  if (threads < 0) throw py::value_error("threads must be >= 0");
  if (threads > 0) omp_set_num_threads(threads);
}

py::array generate(const Generator& g, std::size_t paths, std::size_t horizon, std::uint64_t seed,
                   int threads) {
  Scenarios s;
  {
    py::gil_scoped_release release;
    s = pipeline::generate_checked(g, paths, horizon, seed, threads);
  }
  return scenarios_array(std::move(s));
}

py::dict kind_info(const std::string& name) {
  const scenario::GeneratorKind& k = scenario::generator_kind(name);
  py::list options;
  for (const auto& o : k.options) {
    py::dict d;
    d["name"] = o.name;
    d["type"] = o.type;
    d["default"] = to_py(o.default_value);
    d["help"] = o.help;
    options.append(d);
  }
  py::dict out;
  out["name"] = k.name;
  out["description"] = k.description;
  out["options"] = options;
  return out;
}

/// The CLI's --set rule for strategies: a key the strategy declares is a strategy option, any
/// other a backtest option (costs, sizing, execution).
trading::StrategyRequest strategy_request(const std::string& data, const std::string& strategy,
                                          const py::dict& options,
                                          std::optional<std::vector<std::string>> series,
                                          const std::string& start, const std::string& end,
                                          const std::vector<std::string>& with_files) {
  const trading::StrategyKind& kind = trading::strategy_kind(strategy);
  trading::StrategyRequest req;
  req.strategy = strategy;
  const json given = from_py(options, strategy + " options");
  for (const auto& [k, v] : given.items()) {
    bool declared = false;
    for (const auto& o : kind.options) declared = declared || o.name == k;
    (declared ? req.strategy_options : req.backtest_options)[k] = v;
  }
  req.data = source_from(data, series, false, "log", start, end);
  for (const auto& f : with_files)
    req.more_data.push_back(source_from(f, std::nullopt, false, "log", start, end));
  return req;
}

std::string panel_repr(const Panel& p) {
  std::string names;
  for (std::size_t j = 0; j < p.cols() && j < 5; ++j) names += (j ? ", " : "") + p.names[j];
  if (p.cols() > 5) names += ", ...";
  std::string range;
  if (p.rows() > 0)
    range = ", " + format_index(p.kind, p.index.front()) + " .. " +
            format_index(p.kind, p.index.back());
  return "<fingen.Panel " +
         std::string(p.values_kind == ValueKind::Returns ? "returns" : "prices") + ": " +
         std::to_string(p.rows()) + " rows x " + std::to_string(p.cols()) + " series [" + names +
         "]" + range + ">";
}

}  // namespace
}  // namespace fingen::python

PYBIND11_MODULE(_fingen, m) {
  using namespace fingen;
  using namespace fingen::python;
  m.doc() = "fingen's C++ core (import fingen, not this module)";
  m.attr("__version__") = FINGEN_VERSION_STRING;
  register_errors(m);

  // ---- Panel ----
  py::class_<Panel>(m, "Panel", R"(Several aligned series on one time axis.

values is a read-only (rows, series) float64 view of the panel's own buffer (NaN = missing);
index holds int64 days since 1970-01-01 (index_kind 'date'), seconds (``'datetime'``) or
observation numbers. ``dates`` gives a datetime64 array; ``to_pandas()`` a DataFrame.

>>> import numpy as np, fingen
>>> p = fingen.Panel(np.array([[0.01], [-0.02], [0.005]]), names=["spx"])
>>> p.values.shape
(3, 1))")
      .def(py::init(&make_panel), py::arg("values"), py::arg("names") = py::none(),
           py::arg("index") = py::none(), py::arg("index_kind") = "observation",
           py::arg("values_kind") = "returns", py::arg("source") = "")
      .def_property_readonly("names", [](const Panel& p) { return p.names; })
      .def_property_readonly("index",
                             [](const Panel& p) {
                               py::array_t<std::int64_t> a(static_cast<py::ssize_t>(p.rows()));
                               std::copy(p.index.begin(), p.index.end(), a.mutable_data());
                               return a;
                             })
      .def_property_readonly("index_kind",
                             [](const Panel& p) { return std::string(to_string(p.kind)); })
      .def_property_readonly(
          "values_kind",
          [](const Panel& p) {
            return std::string(p.values_kind == ValueKind::Returns ? "returns" : "prices");
          })
      .def_property_readonly("source", [](const Panel& p) { return p.source; })
      .def_property_readonly(
          "values",
          [](py::object self) {
            const Panel& p = self.cast<const Panel&>();
            // Eigen is column-major: each series is contiguous (Fortran order).
            py::array a(py::dtype::of<double>(),
                        {static_cast<py::ssize_t>(p.values.rows()),
                         static_cast<py::ssize_t>(p.values.cols())},
                        {static_cast<py::ssize_t>(sizeof(double)),
                         static_cast<py::ssize_t>(sizeof(double) * p.values.rows())},
                        p.values.data(), self);
            py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
            return a;
          })
      .def_property_readonly("rows", &Panel::rows)
      .def_property_readonly("cols", &Panel::cols)
      .def("__len__", &Panel::rows)
      .def("__repr__", &panel_repr)
      .def("slice", &Panel::slice_rows, py::arg("begin"), py::arg("end"),
           "Rows [begin, end) as a new panel.");

  m.def(
      "load_returns",
      [](const std::string& file, std::optional<std::vector<std::string>> series, bool returns,
         const std::string& return_kind, const std::string& start, const std::string& end) {
        const data::ReturnsSource s = source_from(file, series, returns, return_kind, start, end);
        py::gil_scoped_release release;
        return data::load_returns(s);
      },
      py::arg("file"), py::arg("series") = py::none(), py::arg("returns") = false,
      py::arg("return_kind") = "log", py::arg("start") = "", py::arg("end") = "",
      R"(Returns of a data file's series, trimmed to [start, end], as the command line reads them.

file: an OHLCV file (the adjusted or close column unless series says) or a panel of prices;
returns=True when the file already holds returns; return_kind 'log' or 'simple'.

>>> r = fingen.load_returns("data/sp500_ohlcv_2000_2020.csv", end="2017-12-29")
>>> r.names
['adjusted'])");

  m.def(
      "inspect",
      [](const std::string& file, const std::string& format, bool returns, std::size_t lags) {
        json j;
        {
          py::gil_scoped_release release;
          j = data::to_json(
              data::inspect(file,
                            data::InspectOptions().format(format).returns(returns).lags(lags)),
              lags);
        }
        return to_py(j);
      },
      py::arg("file"), py::arg("format") = "auto", py::arg("returns") = false, py::arg("lags") = 10,
      "`fingen data inspect`: validates a file and summarises it (shape, calendar, return "
      "statistics with Jarque-Bera and Ljung-Box tests, or a labelled table's features) as the "
      "--json entry.\n\n>>> "
      "fingen.inspect(\"data/dow_jones_30.csv\")[\"series\"][0][\"log_returns\"][\"sd\"]");
  m.def(
      "clean",
      [](const std::vector<std::string>& files, const std::string& out, const std::string& missing,
         std::size_t limit, const std::string& join, std::size_t max_fill,
         const std::string& outliers, double threshold, bool returns, bool to_returns,
         const std::string& return_kind, const std::string& report) {
        data::CleanRequest req;
        req.files = files;
        req.out = out;
        req.missing = missing;
        req.limit = limit;
        req.join = join;
        req.max_fill = max_fill;
        req.outliers = outliers;
        req.threshold = threshold;
        req.returns = returns;
        req.to_returns = to_returns;
        req.return_kind = return_kind;
        req.report = report;
        data::CleanResult r;
        {
          py::gil_scoped_release release;
          r = data::clean_files(req);
        }
        return py::make_tuple(std::move(r.panel), to_py(r.report));
      },
      py::arg("files"), py::arg("out") = "", py::arg("missing") = "ffill", py::arg("limit") = 0,
      py::arg("join") = "inner", py::arg("max_fill") = 5, py::arg("outliers") = "none",
      py::arg("threshold") = 8.0, py::arg("returns") = false, py::arg("to_returns") = false,
      py::arg("return_kind") = "log", py::arg("report") = "",
      "`fingen data clean`: aligns files, fills or drops gaps, converts to returns, reports or "
      "treats outliers; returns (Panel, report dict) and writes out/report when given.\n\n"
      ">>> panel, report = fingen.clean([\"data/dow_jones_30.csv\"], to_returns=True, "
      "outliers=\"winsorize\")");

  m.def("split_row", &data::split_row, py::arg("returns"), py::arg("date"),
        py::arg("what") = "date",
        "The first row on or after `date`: rows before it train, rows from it are held out.\n\n"
        ">>> n = fingen.split_row(r, \"2018-01-01\"); train, test = r.slice(0, n), r.slice(n, "
        "len(r))");

  // ---- generators ----
  py::class_<Generator>(m, "Generator", R"(A scenario generator: GBM, GARCH, bootstrap or a GAN.

Made from a registered kind and its options (the same keys as ``fingen fit --set key=value``);
fit() on returns, generate() paths, save() to a model directory that ``fingen generate`` reads.

>>> g = fingen.Generator("garch")
>>> g.fit(fingen.load_returns("data/sp500_ohlcv_2000_2020.csv"))
>>> g.generate(1000, 252, seed=7).shape
(1000, 252, 1))")
      .def(py::init([](const std::string& kind, const py::dict& options) {
             return scenario::make_generator(kind, from_py(options, kind + " options"),
                                             kind + " options");
           }),
           py::arg("kind"), py::arg("options") = py::dict())
      .def_property_readonly("kind", &Generator::kind)
      .def_property_readonly("names", &Generator::names)
      .def_property_readonly("fitted", &Generator::fitted)
      .def_property_readonly("conditional", &Generator::conditional,
                             "True when generate_from() continues a given history")
      .def_property_readonly("options", [](const Generator& g) { return to_py(g.options()); })
      .def("summary", &Generator::summary, "Fitted parameters in a few lines")
      .def(
          "fit",
          [](Generator& g, const py::object& returns, py::object progress,
             const std::string& checkpoint_dir, bool resume) {
            const Panel p = panel_from(returns);
            if (resume && checkpoint_dir.empty())
              throw py::value_error("resume=True needs a checkpoint_dir");
            ProgressBridge bridge(std::move(progress));
            scenario::FitControl control;
            control.checkpoint_dir = checkpoint_dir;
            control.resume = resume;
            control.progress = bridge.function();
            g.set_fit_control(control);
            // The control refers to the bridge: it must not outlive this call.
            struct Reset {
              Generator& g;
              ~Reset() { g.set_fit_control(scenario::FitControl()); }
            } reset{g};
            bridge.run([&] { g.fit(p); });
          },
          py::arg("returns"), py::arg("progress") = true, py::arg("checkpoint_dir") = "",
          py::arg("resume") = false,
          R"(Fits on returns: a Panel, a pandas DataFrame/Series, or a (time[, assets]) array.

progress: True prints the command line's progress lines to stderr, False/None nothing, a callable
gets a dict (step, total_steps, d_loss, g_loss, best_validation, eta_seconds, message, ...).
Ctrl-C stops a GAN after its current step, writes checkpoint_dir/last.pt (when given) and raises
KeyboardInterrupt; fit again with resume=True to continue.)")
      .def("generate", &generate, py::arg("paths"), py::arg("horizon"), py::arg("seed") = 0,
           py::arg("threads") = 0,
           R"(A (paths, horizon, assets) float64 array of returns. Path p depends only on (seed, p),
so the result is the same for any number of threads and equals ``fingen generate``'s .npy.)")
      .def(
          "generate_from",
          [](const Generator& g, const py::array_t<double, py::array::forcecast>& context,
             std::size_t paths, std::size_t horizon, std::uint64_t seed, int threads) {
            if (context.ndim() != 2)
              throw py::value_error("context must have shape (rows, assets)");
            Eigen::MatrixXd c(context.shape(0), context.shape(1));
            const auto v = context.unchecked<2>();
            for (Eigen::Index i = 0; i < c.rows(); ++i)
              for (Eigen::Index j = 0; j < c.cols(); ++j) c(i, j) = v(i, j);
            set_omp_threads(threads);
            Scenarios s;
            {
              py::gil_scoped_release release;
              FG_REQUIRE(g.fitted(), "the {} model is not fitted", g.kind());
              s = g.generate_from(c, paths, horizon, seed);
            }
            return scenarios_array(std::move(s));
          },
          py::arg("context"), py::arg("paths"), py::arg("horizon"), py::arg("seed") = 0,
          py::arg("threads") = 0,
          "Paths that continue a recent history (rows = time, columns = assets); only for "
          "conditional models (GARCH, conditional GANs).")
      .def(
          "save",
          [](const Generator& g, const std::string& dir) {
            FG_REQUIRE(g.fitted(), "the {} model is not fitted: nothing to save", g.kind());
            py::gil_scoped_release release;
            std::error_code ec;
            std::filesystem::create_directories(dir, ec);
            FG_CHECK(Io, !ec, "cannot create the model directory {}: {}", dir, ec.message());
            g.save(dir);
          },
          py::arg("dir"),
          "Writes model.json (and data files) into dir, created if needed; ``fingen generate "
          "--model dir`` reads it.")
      .def("__repr__", [](const Generator& g) {
        return "<fingen.Generator " + g.kind() + (g.fitted() ? " fitted" : " unfitted") + ">";
      });

  m.def(
      "load",
      [](const std::string& dir) {
        py::gil_scoped_release release;
        return scenario::load_generator(dir);
      },
      py::arg("dir"),
      "Restores a generator saved by fingen (Python or the command line).\n\n"
      ">>> fingen.load(\"runs/demo/sp500/models/garch\").generate(1000, 10, seed=1).shape");
  m.def("kinds", &scenario::generator_kinds,
        "Registered generator kinds.\n\n>>> fingen.kinds()\n['bootstrap', 'gan', ...]");
  m.def("kind_info", &kind_info, py::arg("kind"),
        "A kind's description and options [{name, type, default, help}].\n\n"
        ">>> [o[\"name\"] for o in fingen.kind_info(\"garch\")[\"options\"]]");

  // ---- the command line's stages ----
  m.def(
      "fit_model",
      [](const std::string& kind, const std::string& data, const std::string& out,
         const py::dict& options, std::optional<std::vector<std::string>> series, bool returns,
         const std::string& return_kind, const std::string& start, const std::string& end,
         bool resume, py::object progress) {
        pipeline::FitRequest req;
        req.kind = kind;
        req.options = from_py(options, kind + " options");
        req.data = source_from(data, series, returns, return_kind, start, end);
        req.out = out;
        req.resume = resume;
        ProgressBridge bridge(std::move(progress));
        req.progress = bridge.function();
        pipeline::FitResult r = bridge.run([&] { return pipeline::fit_model(req); });
        r.model->set_fit_control(scenario::FitControl());  // it referred to the bridge
        return std::move(r.model);
      },
      py::arg("kind"), py::arg("data"), py::arg("out"), py::arg("options") = py::dict(),
      py::arg("series") = py::none(), py::arg("returns") = false, py::arg("return_kind") = "log",
      py::arg("start") = "", py::arg("end") = "", py::arg("resume") = false,
      py::arg("progress") = true,
      "`fingen fit`: fits `kind` on a data file and saves it to `out` with its manifest.json; "
      "returns the fitted Generator.\n\n"
      ">>> fingen.fit_model(\"garch\", \"data/sp500_ohlcv_2000_2020.csv\", \"runs/garch\", "
      "{\"innovation\": \"t\"}, end=\"2017-12-29\")");

  m.def(
      "generate_scenarios",
      [](const std::string& model_dir, std::size_t paths, std::size_t horizon, std::uint64_t seed,
         int threads, const std::string& out, const std::string& csv) {
        pipeline::GenerateRequest req;
        req.model_dir = model_dir;
        req.paths = paths;
        req.horizon = horizon;
        req.seed = seed;
        req.threads = threads;
        req.out = out;
        req.csv = csv;
        pipeline::GenerateResult r;
        {
          py::gil_scoped_release release;
          r = pipeline::generate_scenarios(req);
        }
        return scenarios_array(std::move(r.scenarios));
      },
      py::arg("model_dir"), py::arg("paths"), py::arg("horizon"), py::arg("seed") = 0,
      py::arg("threads") = 0, py::arg("out") = "", py::arg("csv") = "",
      "`fingen generate`: scenarios of a saved model; writes out (.npy, with its manifest) and "
      "csv when given.\n\n"
      ">>> s = fingen.generate_scenarios(\"runs/garch\", 10000, 252, seed=7, out=\"g.npy\")");

  m.def(
      "evaluate",
      [](const std::string& data, const std::string& test_start,
         const std::vector<std::string>& scenario_files, const py::list& scenarios,
         const std::vector<std::string>& names, std::optional<std::vector<std::string>> series,
         bool returns, const std::string& end, std::size_t posthoc_window,
         std::int64_t posthoc_iterations, const std::string& json_out) {
        pipeline::EvaluateRequest req;
        req.data = source_from(data, series, returns, "log", "", end);
        req.test_start = test_start;
        req.what = "test_start";
        req.scenario_files = scenario_files;
        for (std::size_t i = 0; i < scenarios.size(); ++i)
          req.scenarios.push_back(
              scenarios_from(scenarios[i], "scenarios[" + std::to_string(i) + "]"));
        req.names = names;
        req.posthoc_window = posthoc_window;
        req.posthoc_iterations = posthoc_iterations;
        req.json_out = json_out;
        json j;
        {
          py::gil_scoped_release release;
          const pipeline::EvaluateResult r = pipeline::evaluate_scenarios(req);
          j = eval::metrics_json(r.comparison);
        }
        return to_py(j);
      },
      py::arg("data"), py::arg("test_start"),
      py::arg("scenario_files") = std::vector<std::string>{}, py::arg("scenarios") = py::list(),
      py::arg("names") = std::vector<std::string>{}, py::arg("series") = py::none(),
      py::arg("returns") = false, py::arg("end") = "", py::arg("posthoc_window") = 0,
      py::arg("posthoc_iterations") = 2000, py::arg("json_out") = "",
      "`fingen evaluate`: fidelity of scenarios against the held-out data from test_start on; "
      "returns metrics.json's content as a dict.\n\n"
      ">>> m = fingen.evaluate(\"data/sp500_ohlcv_2000_2020.csv\", \"2018-01-01\", "
      "scenarios=[s1, s2], names=[\"garch\", \"gan\"])\n"
      ">>> m[\"rows_won\"], m[\"models\"][\"gan\"][\"excess_kurtosis\"]");

  m.def(
      "var_es",
      [](const py::object& scenarios, const std::vector<double>& levels,
         const std::vector<double>& weights, std::size_t horizon, bool simple, double confidence,
         std::size_t bootstrap, std::uint64_t seed) {
        const Scenarios s = scenarios_from(scenarios, "scenarios");
        pipeline::ScenarioRiskOptions o;
        o.weights = weights;
        o.horizon = horizon;
        o.log_returns = !simple;
        o.levels = levels;
        o.confidence = confidence;
        o.bootstrap = bootstrap;
        o.seed = seed;
        json rows;
        std::vector<double> w;
        {
          py::gil_scoped_release release;
          const pipeline::ScenarioRisk r = pipeline::scenario_var_es(s, o);
          rows = pipeline::scenario_risk_rows(r);
          w = r.weights;
        }
        py::dict out;
        out["weights"] = w;
        out["results"] = to_py(rows);
        return out;
      },
      py::arg("scenarios"), py::arg("levels") = std::vector<double>{0.99},
      py::arg("weights") = std::vector<double>{}, py::arg("horizon") = 1, py::arg("simple") = false,
      py::arg("confidence") = 0.95, py::arg("bootstrap") = 500, py::arg("seed") = 1,
      "`fingen risk var`: portfolio VaR and ES (positive fractions of value) with intervals; "
      "{'weights': [...], 'results': [{level, var, es, var_ci, es_ci}, ...]}.\n\n"
      ">>> fingen.var_es(s, levels=[0.99], horizon=10)[\"results\"][0][\"es\"]");

  m.def(
      "var_backtest",
      [](const std::string& data, const std::vector<std::string>& models,
         std::optional<std::vector<std::string>> series, bool returns, const std::string& start,
         const std::string& end, const std::vector<double>& weights, std::size_t window,
         std::size_t refit, double level, std::size_t scenarios, std::uint64_t seed,
         const std::string& json_out, const std::string& days_csv) {
        pipeline::VarBacktestRequest req;
        req.data = source_from(data, series, returns, "log", start, end);
        req.weights = weights;
        req.models = models;
        req.options = risk::VarBacktestOptions()
                          .window(window)
                          .refit(refit)
                          .level(level)
                          .scenarios(scenarios)
                          .seed(seed);
        req.json_out = json_out;
        req.days_csv = days_csv;
        json j = json::array();
        {
          py::gil_scoped_release release;
          const pipeline::VarBacktestRun run = pipeline::run_var_backtests(req);
          for (const auto& r : run.results) j.push_back(risk::var_backtest_json(r));
        }
        return to_py(j);
      },
      py::arg("data"), py::arg("models"), py::arg("series") = py::none(),
      py::arg("returns") = false, py::arg("start") = "", py::arg("end") = "",
      py::arg("weights") = std::vector<double>{}, py::arg("window") = 500, py::arg("refit") = 20,
      py::arg("level") = 0.99, py::arg("scenarios") = 2000, py::arg("seed") = 1,
      py::arg("json_out") = "", py::arg("days_csv") = "",
      "`fingen risk backtest`: rolling VaR/ES forecasts of each model with the exception and ES "
      "tests; one dict per model as in backtest.json's results.\n\n"
      ">>> [(r[\"model\"], r[\"exceptions\"], r[\"traffic_light\"][\"zone\"]) for r in "
      "fingen.var_backtest(\"data/sp500_ohlcv_2000_2020.csv\", [\"garch\", \"historical\"])]");

  m.def(
      "run",
      [](const std::string& config, const std::string& out, py::object progress) {
        const pipeline::PipelineConfig c = pipeline::read_config(config, out);
        ProgressBridge bridge(std::move(progress));
        pipeline::RunObserver o;
        o.progress = bridge.function();
        const pipeline::RunResult r = bridge.run([&] { return pipeline::run_pipeline(c, o); });
        py::dict d;
        d["dir"] = r.dir;
        d["train_end"] = r.train_end;
        py::list models;
        for (const auto& mr : r.models) {
          py::dict e;
          e["name"] = mr.name;
          e["kind"] = mr.kind;
          e["model_dir"] = mr.model_dir;
          e["scenarios_file"] = mr.scenarios_file;
          e["fit_seconds"] = mr.fit_seconds;
          e["generate_seconds"] = mr.generate_seconds;
          models.append(e);
        }
        d["models"] = models;
        d["metrics"] = to_py(eval::metrics_json(r.evaluation.comparison));
        d["manifest_file"] = r.manifest_file;
        d["report_file"] = r.report_file;
        return d;
      },
      py::arg("config"), py::arg("out") = "", py::arg("progress") = true,
      "`fingen run`: every stage of a config file (fit, generate, evaluate, and the risk, "
      "trading, portfolio, forecast, credit and detect sections it has) with the HTML report.\n\n"
      ">>> fingen.run(\"examples/sp500.json\", out=\"runs/py\")[\"report_file\"]");

  // ---- trading ----
  m.def(
      "strategy_backtest",
      [](const std::string& data, const std::string& strategy, const py::dict& options,
         std::optional<std::vector<std::string>> series, const std::string& start,
         const std::string& end, const std::vector<std::string>& with_files) {
        const trading::StrategyRequest req =
            strategy_request(data, strategy, options, series, start, end, with_files);
        json j;
        {
          py::gil_scoped_release release;
          j = trading::strategy_json(trading::run_strategy(req));
        }
        return to_py(j);
      },
      py::arg("data"), py::arg("strategy"), py::arg("options") = py::dict(),
      py::arg("series") = py::none(), py::arg("start") = "", py::arg("end") = "",
      py::arg("with_files") = std::vector<std::string>{},
      R"(`fingen strategy backtest`: the strategy and buy-and-hold on a price file, gross and net of
costs. options: the strategy's keys (fast, slow, ...) and the backtest's (spread_bps, ...) in one
dict, as the CLI's --set. Returns the --json document as a dict.

>>> fingen.strategy_backtest("data/sp500_ohlcv_2000_2020.csv", "sma", {"fast": 20, "slow": 100})["net"]["metrics"]["sharpe"])");
  m.def(
      "strategy_robustness",
      [](const std::string& data, const std::string& strategy, const py::dict& options,
         const std::vector<std::string>& scenario_files, const std::vector<std::string>& names,
         const std::string& model_dir, std::size_t paths, std::size_t horizon, std::uint64_t seed,
         std::optional<std::vector<std::string>> series, const std::string& start,
         const std::string& end) {
        trading::RobustnessRequest req;
        req.base = strategy_request(data, strategy, options, series, start, end, {});
        req.scenario_files = scenario_files;
        req.names = names;
        req.model_dir = model_dir;
        req.paths = paths;
        req.horizon = horizon;
        req.seed = seed;
        json j;
        {
          py::gil_scoped_release release;
          const trading::RobustnessRun r = trading::run_robustness(req);
          j = trading::strategy_json(r.historical);
          json sources = json::object();
          for (const auto& [name, res] : r.sources) sources[name] = trading::to_json(res);
          j["sources"] = sources;
        }
        return to_py(j);
      },
      py::arg("data"), py::arg("strategy"), py::arg("options") = py::dict(),
      py::arg("scenario_files") = std::vector<std::string>{},
      py::arg("names") = std::vector<std::string>{}, py::arg("model_dir") = "",
      py::arg("paths") = 1000, py::arg("horizon") = 0, py::arg("seed") = 1,
      py::arg("series") = py::none(), py::arg("start") = "", py::arg("end") = "",
      "`fingen strategy robustness`: the strategy on the data's closes and over every path of "
      "scenario files (or of a saved model's paths); the --json document as a dict, with "
      "sources[name] holding each source's metric distributions.\n\n"
      ">>> fingen.strategy_robustness(\"data/sp500_ohlcv_2000_2020.csv\", \"sma\", "
      "{\"fast\": 20, \"slow\": 100}, scenario_files=[\"g.npy\"])[\"sources\"]");

  // ---- runtime ----
  m.def(
      "set_threads",
      [](int threads) {
        if (threads <= 0) throw py::value_error("threads must be positive");
        omp_set_num_threads(threads);
#ifdef FINGEN_PYTHON_WITH_TORCH
        ml::set_threads(threads);
#endif
      },
      py::arg("threads"),
      "Threads for OpenMP loops and LibTorch (results do not depend on it where fingen says "
      "so).\n\n>>> fingen.set_threads(2)");
  m.def("backend_info", [] {
    const BackendInfo b = backend_info();
    py::dict d;
    d["torch_version"] = b.torch_version;
    d["intra_op_threads"] = b.intra_op_threads;
    d["cuda_available"] = b.cuda_available;
    d["cuda_devices"] = b.cuda_devices;
    d["parallel_info"] = b.parallel_info;
    return d;
  });
}
