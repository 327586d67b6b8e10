#include "fingen/portfolio/summary.hpp"

#include <fmt/format.h>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"

namespace fingen::portfolio {

namespace {
Eigen::MatrixXd scenario_rows(const Scenarios& s) {
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      s.data.data(), static_cast<Eigen::Index>(s.paths * s.horizon),
      static_cast<Eigen::Index>(s.assets));
}

nlohmann::json portfolio_json(const Portfolio& p) {
  nlohmann::json j = {{"method", p.method},
                      {"weights", p.weights},
                      {"mean", p.mean},
                      {"sd", p.sd},
                      {"solver_status", p.solver_status}};
  j["cvar"] = std::isfinite(p.cvar) ? nlohmann::json(p.cvar) : nlohmann::json();
  return j;
}

Portfolio portfolio_from(const nlohmann::json& j) {
  Portfolio p;
  p.method = j.at("method").get<std::string>();
  p.weights = j.at("weights").get<std::vector<double>>();
  p.mean = j.at("mean").get<double>();
  p.sd = j.at("sd").get<double>();
  p.solver_status = j.at("solver_status").get<std::string>();
  p.cvar = j.at("cvar").is_null() ? std::nan("") : j.at("cvar").get<double>();
  return p;
}
}  // namespace

PortfolioSummary summarize(const PortfolioRequest& q) {
  FG_REQUIRE(q.market.assets() >= 2, "a portfolio needs at least 2 assets, the data has {}",
             q.market.assets());
  PortfolioSummary s;
  s.assets = q.market.names;
  s.estimated_on = q.estimated_on;
  s.alpha = q.rolling.alpha;
  const std::vector<std::string> methods = q.methods.empty() ? method_names() : q.methods;
  const Constraints& c = q.rolling.constraints;
  for (const auto& m : methods)
    s.historical.push_back(optimise(m, q.train_returns, c, q.rolling.alpha, q.rolling.risk_free));
  s.frontier = frontier(Moments::of(q.train_returns), c, q.frontier_points);
  for (const auto& [name, scen] : q.models) {
    FG_REQUIRE(scen->assets == q.market.assets(),
               "model {}: {} assets in its scenarios, {} in the data", name, scen->assets,
               q.market.assets());
    s.by_model.emplace_back(name, optimise("mean-cvar", scenario_rows(*scen), c, q.rolling.alpha));
  }
  if (q.screen)
    for (const auto& [name, scen] : q.models) {
      ScreenResult r = screen(*scen, s.historical, q.screen_options);
      if (r.passed.size() > q.screen_top) r.passed.resize(q.screen_top);
      s.screens.emplace_back(name, std::move(r));
    }
  s.window = q.rolling.window;
  s.every = q.rolling.every;
  for (const RollingResult& r : rolling_backtest(q.market, methods, q.rolling)) {
    s.dates.clear();
    for (auto v : r.index) s.dates.push_back(format_index(q.market.kind, v));
    s.backtest.push_back({r.method, r.run.gross.metrics, r.run.net.metrics, r.realised_cvar,
                          r.run.net.costs, r.rebalances, r.fallbacks, r.run.net.equity});
  }
  return s;
}

namespace {
nlohmann::json screens_json(const PortfolioSummary& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [model, r] : s.screens)
    out.push_back({{"model", model}, {"screen", to_json(r, s.assets)}});
  return out;
}
}  // namespace

nlohmann::json to_json(const PortfolioSummary& s) {
  nlohmann::json hist = nlohmann::json::array(), fr = nlohmann::json::array(),
                 models = nlohmann::json::array(), bt = nlohmann::json::array();
  for (const auto& p : s.historical) hist.push_back(portfolio_json(p));
  for (const auto& p : s.frontier) fr.push_back(portfolio_json(p));
  for (const auto& [name, p] : s.by_model)
    models.push_back({{"model", name}, {"portfolio", portfolio_json(p)}});
  for (const auto& b : s.backtest)
    bt.push_back({{"method", b.method},
                  {"gross", trading::to_json(b.gross)},
                  {"net", trading::to_json(b.net)},
                  {"realised_cvar", b.realised_cvar},
                  {"costs", b.costs},
                  {"rebalances", b.rebalances},
                  {"fallbacks", b.fallbacks},
                  {"equity", b.equity}});
  return {{"assets", s.assets},
          {"estimated_on", s.estimated_on},
          {"alpha", s.alpha},
          {"historical", hist},
          {"frontier", fr},
          {"by_model", models},
          {"window", s.window},
          {"every", s.every},
          {"dates", s.dates},
          {"backtest", bt},
          {"screens", screens_json(s)}};
}

PortfolioSummary read_portfolio_summary(const std::string& file) {
  PortfolioSummary s;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(file));
    s.assets = j.at("assets").get<std::vector<std::string>>();
    s.estimated_on = j.at("estimated_on").get<std::string>();
    s.alpha = j.at("alpha").get<double>();
    for (const auto& p : j.at("historical")) s.historical.push_back(portfolio_from(p));
    for (const auto& p : j.at("frontier")) s.frontier.push_back(portfolio_from(p));
    for (const auto& m : j.at("by_model"))
      s.by_model.emplace_back(m.at("model").get<std::string>(), portfolio_from(m.at("portfolio")));
    s.window = j.at("window").get<std::size_t>();
    s.every = j.at("every").get<std::size_t>();
    s.dates = j.at("dates").get<std::vector<std::string>>();
    for (const auto& b : j.at("backtest")) {
      OutOfSample o;
      o.method = b.at("method").get<std::string>();
      o.gross = trading::metrics_from_json(b.at("gross"));
      o.net = trading::metrics_from_json(b.at("net"));
      o.realised_cvar = b.at("realised_cvar").get<double>();
      o.costs = b.at("costs").get<double>();
      o.rebalances = b.at("rebalances").get<std::size_t>();
      o.fallbacks = b.at("fallbacks").get<std::size_t>();
      o.equity = b.at("equity").get<std::vector<double>>();
      FG_CHECK(Input, o.equity.size() == s.dates.size(), "{}: {} equity values for {} dates", file,
               o.equity.size(), s.dates.size());
      s.backtest.push_back(std::move(o));
    }
    for (const auto& m : j.at("screens")) {
      ScreenResult r;
      const auto& sc = m.at("screen");
      r.evaluated = sc.at("evaluated").get<std::size_t>();
      for (const auto& c : sc.at("passed")) {
        Candidate d;
        d.label = c.at("label").get<std::string>();
        for (const auto& a : s.assets) d.weights.push_back(c.at("weights").at(a).get<double>());
        d.expected_return = c.at("expected_return").get<double>();
        d.cvar = c.at("cvar").get<double>();
        d.sharpe = c.at("sharpe").get<double>();
        d.drawdown_probability = c.at("drawdown_probability").get<double>();
        d.checks = c.at("checks").get<std::vector<std::string>>();
        d.passed = true;
        r.passed.push_back(std::move(d));
      }
      s.screens.emplace_back(m.at("model").get<std::string>(), std::move(r));
    }
  } catch (const nlohmann::json::exception& e) {
    throw_input_error({file, 0, {}}, fmt::format("not a portfolio summary: {}", e.what()));
  }
  return s;
}

}  // namespace fingen::portfolio
