// fingen portfolio optimize|frontier: portfolios from a price panel's returns, or from scenarios
// a generator made for the same assets.
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/data/load.hpp"
#include "fingen/portfolio/backtest.hpp"
#include "fingen/portfolio/optimize.hpp"
#include "fingen/portfolio/screen.hpp"
#include "fingen/scenario/scenarios.hpp"
#include "fingen/trading/backtest.hpp"

namespace fingen::cli {

namespace {
struct Inputs {
  std::vector<std::string> names;
  Eigen::MatrixXd returns;  // rows: days of the data, or every (path, step) of the scenarios
  std::string source;
};

Inputs load(const PortfolioArgs& a) {
  data::ReturnsSource src;
  src.file = a.data;
  src.series = a.series;
  src.start = a.start;
  src.end = a.end;
  const Panel p = data::load_returns(src);
  Inputs in;
  in.names = p.names;
  in.returns = p.values;
  in.source = fmt::format("{} returns of {}", p.rows(), a.data);
  if (!a.scenarios.empty()) {
    const Scenarios s = read_scenarios_npy(a.scenarios);
    FG_CHECK(Input, s.assets == p.cols(), "{} has {} assets, {} has {} ({})", a.scenarios, s.assets,
             a.data, p.cols(), fmt::join(p.names, ", "));
    // The asset names the scenarios were fitted on, from the manifest `generate` wrote beside
    // them (a .npy holds no names).
    const std::string manifest = manifest_path_for(a.scenarios);
    if (std::filesystem::exists(manifest)) {
      const auto j = nlohmann::json::parse(read_file(manifest), nullptr, false);
      const auto* series = j.is_object() ? &j : nullptr;
      for (const char* k : {"fit", "data", "series"})
        series = series && series->is_object() && series->contains(k) ? &(*series)[k] : nullptr;
      if (series && series->is_array() && series->size() == p.names.size())
        for (std::size_t i = 0; i < p.names.size(); ++i)
          FG_CHECK(Input, (*series)[i] == p.names[i], "{}: asset {} is {}, in {} it is '{}'",
                   a.scenarios, i, (*series)[i].dump(), a.data, p.names[i]);
    }
    const auto rows = static_cast<Eigen::Index>(s.paths * s.horizon);
    in.returns =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            s.data.data(), rows, static_cast<Eigen::Index>(s.assets));
    in.source = fmt::format("{} scenario returns ({} paths x {} steps) of {}", rows, s.paths,
                            s.horizon, a.scenarios);
  }
  return in;
}

// --group NAME=A,B:MIN:MAX with asset names of the data.
portfolio::Constraints constraints(const PortfolioArgs& a, const std::vector<std::string>& names) {
  FG_REQUIRE(std::isfinite(a.lower) && std::isfinite(a.upper),
             "--lower and --upper must be finite, got {} and {}", a.lower, a.upper);
  portfolio::Constraints c = portfolio::Constraints::box(names.size(), a.lower, a.upper);
  c.budget = a.budget;
  for (const std::string& g : a.groups) {
    const auto eq = g.find('=');
    FG_REQUIRE(eq != std::string::npos && eq > 0, "--group '{}': expected NAME=ASSET,...:MIN:MAX",
               g);
    portfolio::Group grp;
    grp.name = g.substr(0, eq);
    const std::string rest = g.substr(eq + 1);
    const auto c1 = rest.find(':'), c2 = rest.rfind(':');
    FG_REQUIRE(c1 != std::string::npos && c2 != c1, "--group '{}': expected NAME=ASSET,...:MIN:MAX",
               g);
    std::string list = rest.substr(0, c1);
    for (std::size_t at = 0; at <= list.size();) {
      const auto comma = std::min(list.find(',', at), list.size());
      const std::string asset = list.substr(at, comma - at);
      const auto it = std::find(names.begin(), names.end(), asset);
      FG_REQUIRE(it != names.end(), "--group '{}': no asset '{}' (the data has {})", g, asset,
                 fmt::join(names, ", "));
      grp.assets.push_back(static_cast<std::size_t>(it - names.begin()));
      at = comma + 1;
    }
    try {
      grp.min = std::stod(rest.substr(c1 + 1, c2 - c1 - 1));
      grp.max = std::stod(rest.substr(c2 + 1));
    } catch (const std::exception&) {
      FG_FAIL(Usage, "--group '{}': MIN and MAX must be numbers", g);
    }
    c.groups.push_back(std::move(grp));
  }
  if (!std::isnan(a.max_turnover)) {
    FG_REQUIRE(a.current.size() == names.size(),
               "--max-turnover needs --current with {} weights ({}), got {}", names.size(),
               fmt::join(names, ", "), a.current.size());
    c.current = a.current;
    c.max_turnover = a.max_turnover;
  }
  c.check(names.size());
  return c;
}

void print_table(std::ostream& out, const std::vector<portfolio::Portfolio>& ps,
                 const std::vector<std::string>& names, const Eigen::MatrixXd& R, double alpha) {
  std::string head = fmt::format("{:<14}", "");
  for (const auto& n : names) head += fmt::format("{:>9.8}", n);
  out << head
      << fmt::format("{:>12}{:>12}{:>10}{:>12}\n", "mean/day", "sd/day", "Sharpe",
                     fmt::format("CVaR{:.0f}%", 100 * (1 - alpha)));
  for (const auto& p : ps) {
    std::string line = fmt::format("{:<14}", p.method);
    for (double w : p.weights) line += fmt::format("{:>9.4f}", w);
    const double sharpe = p.sd > 0 ? p.mean / p.sd * std::sqrt(252.0) : std::nan("");
    out << line
        << fmt::format("{:>12.6f}{:>12.6f}{:>10.3f}{:>12.6f}\n", p.mean, p.sd, sharpe,
                       portfolio::scenario_cvar(R, p.weights, alpha));
  }
}
}  // namespace

int run_portfolio_optimize(const PortfolioArgs& a, std::ostream& out) {
  return guarded([&] {
    const auto& known = portfolio::method_names();
    FG_REQUIRE(a.method == "all" || std::find(known.begin(), known.end(), a.method) != known.end(),
               "--method must be all or one of {}, got '{}'", fmt::join(known, ", "), a.method);
    const Inputs in = load(a);
    const portfolio::Constraints c = constraints(a, in.names);
    std::vector<portfolio::Portfolio> ps;
    for (const std::string& method : known)
      if (a.method == "all" || a.method == method)
        ps.push_back(
            portfolio::optimise(method, in.returns, c, a.alpha, a.risk_free, a.target_return));
    out << fmt::format("portfolios over {}; bounds [{}, {}], budget {}; target return {}\n",
                       in.source, a.lower, a.upper, a.budget,
                       std::isnan(a.target_return)
                           ? std::string("the mean of the assets' means")
                           : fmt::format("{:.6g} per period", a.target_return));
    print_table(out, ps, in.names, in.returns, a.alpha);
    if (!a.json.empty()) {
      nlohmann::json j = {{"source", in.source}, {"alpha", a.alpha}};
      j["target_return"] =
          std::isnan(a.target_return) ? nlohmann::json() : nlohmann::json(a.target_return);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& p : ps) {
        nlohmann::json e = portfolio::to_json(p, in.names);
        e["scenario_cvar"] = portfolio::scenario_cvar(in.returns, p.weights, a.alpha);
        list.push_back(e);
      }
      j["portfolios"] = list;
      write_manifest(a.json, "portfolio optimize", j);
    }
    return static_cast<int>(kOk);
  });
}

int run_portfolio_frontier(const PortfolioArgs& a, std::ostream& out) {
  return guarded([&] {
    const Inputs in = load(a);
    const portfolio::Constraints c = constraints(a, in.names);
    const portfolio::Moments m = portfolio::Moments::of(in.returns);
    const auto f = portfolio::frontier(m, c, a.points);
    out << fmt::format("efficient frontier over {}, {} points\n", in.source, f.size());
    print_table(out, f, in.names, in.returns, a.alpha);
    if (!a.csv.empty()) {
      std::string csv = "mean,sd";
      for (const auto& n : in.names) csv += "," + n;
      csv += "\n";
      for (const auto& p : f) {
        csv += fmt::format("{:.17g},{:.17g}", p.mean, p.sd);
        for (double w : p.weights) csv += fmt::format(",{:.17g}", w);
        csv += "\n";
      }
      write_file_atomic(a.csv, csv);
    }
    return static_cast<int>(kOk);
  });
}

int run_portfolio_backtest(const PortfolioArgs& a, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(a.scenarios.empty(), "backtest rebalances on the data's prices: no --scenarios");
    FG_REQUIRE(std::isnan(a.max_turnover),
               "backtest: --max-turnover is a limit against fixed current weights, which a "
               "rolling backtest does not have");
    const nlohmann::json costs =
        parse_option_assignments(a.set, trading::CostOptions::info(), "cost options");
    portfolio::RollingOptions o;
    o.trading = trading::BacktestOptions::from_json(costs, "cost options").fill("next_close");
    o.window = a.window;
    o.every = a.every;
    o.alpha = a.alpha;
    o.risk_free = a.risk_free;
    data::ReturnsSource src{a.data, a.series, false, "log", a.start, a.end};
    const trading::Market m = trading::read_market(src);
    o.constraints = constraints(a, m.names);
    const auto& known = portfolio::method_names();
    const std::vector<std::string> methods = a.methods.empty() ? known : a.methods;
    const auto results = portfolio::rolling_backtest(m, methods, o);
    const auto& first = results.front();
    out << fmt::format(
        "rolling rebalancing of {} assets of {}: estimates from {} bars, rebalanced every {} "
        "bars from {} to {} ({} rebalances); net of costs\n",
        m.assets(), a.data, a.window, a.every, format_index(m.kind, first.index.front()),
        format_index(m.kind, first.index.back()), first.rebalances);
    out << fmt::format("{:<14}{:>10}{:>10}{:>9}{:>9}{:>10}{:>10}{:>11}{:>10}\n", "", "return/y",
                       "vol/y", "Sharpe", "gross", "max DD",
                       fmt::format("CVaR{:.0f}%", 100 * (1 - a.alpha)), "turnover/y", "costs");
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : results) {
      const auto& n = r.run.net.metrics;
      out << fmt::format(
          "{:<14}{:>10.4f}{:>10.4f}{:>9.3f}{:>9.3f}{:>10.4f}{:>10.5f}{:>11.2f}{:>10.4f}\n",
          r.method, n.annual_return, n.annual_volatility, n.sharpe, r.run.gross.metrics.sharpe,
          n.max_drawdown, r.realised_cvar, n.turnover,
          r.run.net.costs / o.trading.initial_capital());
      if (r.fallbacks > 0)
        out << fmt::format(
            "  ({}: {} rebalances had no portfolio above the risk-free rate and "
            "held minimum variance)\n",
            r.method, r.fallbacks);
      list.push_back(portfolio::to_json(r));
    }
    if (!a.json.empty())
      write_manifest(a.json, "portfolio backtest",
                     {{"data", a.data},
                      {"window", a.window},
                      {"every", a.every},
                      {"costs", costs},
                      {"methods", list}});
    return static_cast<int>(kOk);
  });
}

int run_portfolio_screen(const PortfolioArgs& a, std::ostream& out) {
  return guarded([&] {
    FG_REQUIRE(!a.scenarios.empty(), "screen needs --scenarios (a .npy from `generate`)");
    const Inputs in = load(a);  // checks the scenarios' assets against the data's
    Scenarios s = read_scenarios_npy(a.scenarios);
    s.names = in.names;  // a .npy has no names; load() checked them against the manifest
    // The optimisers' portfolios from the data's own returns compete with the random ones.
    PortfolioArgs hist = a;
    hist.scenarios.clear();
    const Inputs h = load(hist);
    const portfolio::Constraints c = constraints(a, in.names);
    std::vector<portfolio::Portfolio> given;
    for (const std::string& method : portfolio::method_names())
      given.push_back(portfolio::optimise(method, h.returns, c, a.alpha, a.risk_free));
    portfolio::ScreenOptions o;
    o.random = a.random;
    o.seed = a.seed;
    o.single_assets = a.single_assets;
    o.alpha = a.alpha;
    o.drawdown = a.drawdown;
    o.min_return = a.min_return;
    o.max_cvar = a.max_cvar;
    o.min_sharpe = a.min_sharpe;
    o.max_drawdown_probability = a.max_drawdown_probability;
    o.rank_by = a.rank_by;
    const portfolio::ScreenResult r = portfolio::screen(s, given, o);
    out << fmt::format(
        "screened {} candidates ({} random, {} optimisers on the data's returns{}) over {} "
        "paths x {} steps of {}: {} passed\n",
        r.evaluated, a.random, given.size(), a.single_assets ? ", each asset" : "", s.paths,
        s.horizon, a.scenarios, r.passed.size());
    out << fmt::format("{:<16}{:>12}{:>12}{:>9}{:>12}  {}\n", "", "E[return]",
                       fmt::format("CVaR{:.0f}%", 100 * (1 - a.alpha)), "Sharpe",
                       fmt::format("P(DD>{:.0f}%)", 100 * a.drawdown),
                       "largest weights; why it passed");
    for (std::size_t k = 0; k < r.passed.size() && k < a.top; ++k) {
      const auto& cd = r.passed[k];
      std::vector<std::size_t> order(cd.weights.size());
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(),
                [&](std::size_t x, std::size_t y) { return cd.weights[x] > cd.weights[y]; });
      std::string top;
      for (std::size_t j = 0; j < order.size() && j < 3; ++j)
        top += fmt::format("{}{} {:.2f}", j ? ", " : "", in.names[order[j]], cd.weights[order[j]]);
      out << fmt::format("{:<16}{:>12.5f}{:>12.5f}{:>9.3f}{:>12.3f}  {}{}{}\n", cd.label,
                         cd.expected_return, cd.cvar, cd.sharpe, cd.drawdown_probability, top,
                         cd.checks.empty() ? "" : "; ", fmt::join(cd.checks, ", "));
    }
    if (!a.json.empty()) {
      nlohmann::json j = portfolio::to_json(r, in.names);
      j["scenarios"] = a.scenarios;
      write_manifest(a.json, "portfolio screen", j);
    }
    return static_cast<int>(kOk);
  });
}

void add_portfolio(CLI::App& app, PortfolioArgs& opt, PortfolioArgs& fr, PortfolioArgs& bt,
                   PortfolioArgs& sr, int& code, std::ostream& out) {
  CLI::App* cmd = app.add_subcommand("portfolio", "Optimise portfolios over returns or scenarios");
  cmd->require_subcommand(1);
  auto common = [](CLI::App* c, PortfolioArgs& a) {
    c->add_option("--data,-d", a.data, "Price panel (one column per asset)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--series", a.series, "Assets to use (default: all columns)")->delimiter(',');
    c->add_option("--start", a.start, "First date to use");
    c->add_option("--end", a.end, "Last date to use");
    c->add_option("--scenarios", a.scenarios,
                  "Scenario returns (.npy from `generate`) for the same assets: optimise over "
                  "them instead of the data's returns");
    c->add_option("--lower", a.lower, "Lower bound of every weight (negative: short selling)");
    c->add_option("--upper", a.upper, "Upper bound of every weight");
    c->add_option("--budget", a.budget, "Sum of the weights");
    c->add_option("--group", a.groups,
                  "A group limit NAME=ASSET,ASSET:MIN:MAX (repeatable), e.g. stocks=SPI,SII:0:0.5");
    c->add_option("--current", a.current, "Weights held now, one per asset (with --max-turnover)")
        ->delimiter(',');
    c->add_option("--max-turnover", a.max_turnover,
                  "Limit sum |w - current| (0.2: at most 20% of the book traded)");
    c->add_option("--alpha", a.alpha, "CVaR tail probability (0.05: CVaR at 95%)")
        ->check(CLI::Range(1e-6, 0.5));
  };
  CLI::App* o = cmd->add_subcommand("optimize", "Weights of each optimiser, 1/N beside them");
  common(o, opt);
  o->add_option("--method", opt.method,
                "all, equal-weight, min-variance, mean-variance, max-sharpe, mean-cvar or "
                "risk-parity");
  o->add_option("--target-return", opt.target_return,
                "Mean return per period of mean-variance and mean-CVaR (default: the mean of the "
                "assets' means)");
  o->add_option("--risk-free", opt.risk_free, "Risk-free return per period (max-sharpe)");
  o->add_option("--json", opt.json, "Write the portfolios as JSON");
  o->footer(
      "Example:\n"
      "  fingen portfolio optimize --data data/swiss_indices_2000_2007.csv --upper 0.5");
  o->callback([&] { code = run_portfolio_optimize(opt, out); });
  CLI::App* f = cmd->add_subcommand("frontier", "Mean-variance efficient frontier");
  common(f, fr);
  f->add_option("--points", fr.points, "Points from minimum variance to the highest return")
      ->check(CLI::Range(2, 1000));
  f->add_option("--csv", fr.csv, "Write mean, sd and weights of each point as CSV");
  f->callback([&] { code = run_portfolio_frontier(fr, out); });
  CLI::App* b = cmd->add_subcommand(
      "backtest", "Out of sample: rolling estimates and rebalancing on the data, with costs");
  common(b, bt);
  b->add_option("--methods", bt.methods, "Methods to compare (default: all)")->delimiter(',');
  b->add_option("--window", bt.window, "Bars of returns behind each estimate")
      ->check(CLI::Range(20, 100000));
  b->add_option("--every", bt.every, "Bars between rebalances")->check(CLI::Range(1, 100000));
  b->add_option("--risk-free", bt.risk_free, "Risk-free return per period (max-sharpe)");
  b->add_option("--set", bt.set, "A cost option, key=value (repeatable), as in `strategy`");
  b->add_option("--json", bt.json, "Write each method's gross and net metrics as JSON");
  b->footer(
      "Example:\n"
      "  fingen portfolio backtest --data data/dow_jones_30.csv --window 504 --every 21");
  b->callback([&] { code = run_portfolio_backtest(bt, out); });
  CLI::App* sc = cmd->add_subcommand(
      "screen", "Candidate portfolios under scenarios: keep those that pass thresholds, ranked");
  common(sc, sr);
  sc->add_option("--random", sr.random, "Random long-only candidates")
      ->check(CLI::Range(0, 1000000));
  sc->add_option("--seed", sr.seed, "Seed of the random candidates");
  sc->add_flag("--single-assets", sr.single_assets, "Screen each asset alone too");
  sc->add_option("--min-return", sr.min_return, "Keep: expected return over the horizon >= X");
  sc->add_option("--max-cvar", sr.max_cvar, "Keep: CVaR of the horizon loss <= X");
  sc->add_option("--min-sharpe", sr.min_sharpe, "Keep: annualised Sharpe >= X");
  sc->add_option("--max-drawdown-prob", sr.max_drawdown_probability,
                 "Keep: probability of a drawdown beyond --drawdown <= X");
  sc->add_option("--drawdown", sr.drawdown, "Drawdown threshold (0.1: 10%)")
      ->check(CLI::Range(1e-6, 0.999999));
  sc->add_option("--rank-by", sr.rank_by, "sharpe, expected_return or cvar")
      ->check(CLI::IsMember({"sharpe", "expected_return", "cvar"}));
  sc->add_option("--top", sr.top, "Rows to print");
  sc->add_option("--risk-free", sr.risk_free, "Risk-free return per period (max-sharpe)");
  sc->add_option("--json", sr.json, "Write every passing candidate as JSON");
  sc->footer(
      "Example:\n"
      "  fingen portfolio screen --data data/swiss_indices_2000_2007.csv --scenarios g.npy "
      "--min-sharpe 1 --max-drawdown-prob 0.05");
  sc->callback([&] { code = run_portfolio_screen(sr, out); });
}

}  // namespace fingen::cli
