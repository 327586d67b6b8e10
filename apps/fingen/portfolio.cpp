// fingen portfolio optimize|frontier: portfolios from a price panel's returns, or from scenarios
// a generator made for the same assets.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/data/load.hpp"
#include "fingen/portfolio/optimize.hpp"
#include "fingen/scenario/scenarios.hpp"

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
  c.check(names.size());
  return c;
}

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> m = {"equal-weight", "min-variance", "mean-variance",
                                             "max-sharpe",   "mean-cvar",    "risk-parity"};
  return m;
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
    const bool all = a.method == "all";
    FG_REQUIRE(all || std::find(method_names().begin(), method_names().end(), a.method) !=
                          method_names().end(),
               "--method must be all or one of {}, got '{}'", fmt::join(method_names(), ", "),
               a.method);
    const Inputs in = load(a);
    const portfolio::Constraints c = constraints(a, in.names);
    const portfolio::Moments m = portfolio::Moments::of(in.returns);
    const double target = std::isnan(a.target_return) ? m.mean.mean() : a.target_return;
    std::vector<portfolio::Portfolio> ps;
    auto want = [&](const char* k) { return all || a.method == k; };
    if (want("equal-weight")) ps.push_back(portfolio::equal_weight(m));
    if (want("min-variance")) ps.push_back(portfolio::min_variance(m, c));
    if (want("mean-variance")) ps.push_back(portfolio::mean_variance(m, c, target));
    if (want("max-sharpe")) ps.push_back(portfolio::max_sharpe(m, c, a.risk_free));
    if (want("mean-cvar")) ps.push_back(portfolio::mean_cvar(in.returns, a.alpha, c, target));
    if (want("risk-parity")) ps.push_back(portfolio::risk_parity(m));
    out << fmt::format("portfolios over {}; bounds [{}, {}], budget {}", in.source, a.lower,
                       a.upper, a.budget);
    if (want("mean-variance") || want("mean-cvar"))
      out << fmt::format("; target return {:.6g} per period", target);
    out << "\n";
    print_table(out, ps, in.names, in.returns, a.alpha);
    if (!a.json.empty()) {
      nlohmann::json j = {{"source", in.source}, {"target_return", target}, {"alpha", a.alpha}};
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

void add_portfolio(CLI::App& app, PortfolioArgs& opt, PortfolioArgs& fr, int& code,
                   std::ostream& out) {
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
}

}  // namespace fingen::cli
