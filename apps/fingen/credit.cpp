// fingen credit evaluate: cross-validated default / fraud scores of detectors on a labelled
// table, with the rare class optionally oversampled (SMOTE) in each training fold.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/credit/detector.hpp"
#include "fingen/credit/evaluate.hpp"
#include "fingen/credit/logistic.hpp"
#include "fingen/data/readers.hpp"

namespace fingen::cli {

int run_credit_evaluate(const CreditArgs& a, std::ostream& out) {
  return guarded([&] {
    // Models: KIND or NAME=KIND; options MODEL.key=value.
    std::vector<credit::DetectorSpec> specs;
    for (const std::string& m : a.models) {
      const auto eq = m.find('=');
      credit::DetectorSpec s{eq == std::string::npos ? m : m.substr(0, eq),
                             eq == std::string::npos ? m : m.substr(eq + 1),
                             nlohmann::json::object()};
      for (const auto& o : specs)
        FG_REQUIRE(o.name != s.name, "--models: the name '{}' is given twice", s.name);
      (void)credit::detector_kind(s.kind);
      specs.push_back(s);
    }
    for (auto& s : specs) {
      std::vector<std::string> mine;
      for (const std::string& x : a.set)
        if (x.rfind(s.name + ".", 0) == 0) mine.push_back(x.substr(s.name.size() + 1));
      s.options = parse_option_assignments(mine, credit::detector_kind(s.kind).options,
                                           s.name + " options");
      (void)credit::make_detector(s.kind, s.options, 0, s.name + " options");
    }
    const auto table = data::read_labelled(
        a.data, data::TableOptions().label_column(a.label).positive(a.positive));
    const credit::Design d = credit::treatment_design(table);
    std::vector<std::pair<std::string, credit::Oversampler>> samplers;
    for (const std::string& k : a.oversamplers) {
      std::vector<std::string> mine;
      for (const std::string& x : a.set)
        if (x.rfind(k + ".", 0) == 0) mine.push_back(x.substr(k.size() + 1));
      const auto& kind = credit::oversampler_kind(k);
      samplers.emplace_back(k, credit::make_oversampler(
                                   k, parse_option_assignments(mine, kind.options, k + " options"),
                                   d.groups, k + " options"));
    }
    for (const std::string& x : a.set) {
      const std::string prefix = x.substr(0, x.find('.'));
      FG_REQUIRE(std::any_of(specs.begin(), specs.end(),
                             [&](const credit::DetectorSpec& s) { return s.name == prefix; }) ||
                     std::find(a.oversamplers.begin(), a.oversamplers.end(), prefix) !=
                         a.oversamplers.end(),
                 "--set '{}': expected NAME.key=value for one of the models or oversamplers", x);
    }
    out << fmt::format(
        "{}: {} rows, {} positive ('{}' of {}), {} design columns; {} x {}-fold stratified "
        "cross-validation{}\n",
        a.data, table.rows(), table.positives(), table.positive_class, table.label_name, d.x.cols(),
        a.repeats, a.folds,
        a.oversample_to > 0
            ? fmt::format(", positives oversampled to {:.0f}% of each training fold",
                          100 * a.oversample_to)
            : "");
    const auto r = credit::cross_validate(
        d.x, d.y, specs,
        credit::CvOptions()
            .folds(a.folds)
            .repeats(a.repeats)
            .seed(a.seed)
            .oversample_to(a.oversample_to)
            .groups(d.groups),
        samplers);
    out << credit::format_table(r);
    out << "95% intervals by the corrected resampled t statistic (Nadeau & Bengio 2003).\n";
    // How close each oversampler's rows come to the real positives (all positives, standardised).
    nlohmann::json privacy = nlohmann::json::object();
    if (a.oversample_to > 0) {
      std::vector<Eigen::Index> pos;
      for (std::size_t i = 0; i < d.y.size(); ++i)
        if (d.y[i]) pos.push_back(static_cast<Eigen::Index>(i));
      Eigen::MatrixXd real(static_cast<Eigen::Index>(pos.size()), d.x.cols());
      for (std::size_t i = 0; i < pos.size(); ++i)
        real.row(static_cast<Eigen::Index>(i)) = d.x.row(pos[i]);
      const Eigen::RowVectorXd mean = real.colwise().mean();
      Eigen::RowVectorXd sd = ((real.rowwise() - mean).array().square().colwise().mean()).sqrt();
      for (Eigen::Index j = 0; j < sd.size(); ++j)
        if (!(sd(j) > 1e-12)) sd(j) = 1;
      real = (real.rowwise() - mean).array().rowwise() / sd.array();
      const Eigen::MatrixXd standardised = (d.x.rowwise() - mean).array().rowwise() / sd.array();
      for (const auto& [name, sampler] : samplers) {
        const auto c = credit::privacy_check(
            real, sampler(standardised, d.y, static_cast<std::size_t>(real.rows()), a.seed));
        out << fmt::format(
            "{}: {} rows made from the {} positives; distance to the closest real row: median "
            "{:.3f} (5% {:.3f}); real rows to their closest other real row: median {:.3f} (5% "
            "{:.3f}); exact copies: {}\n",
            name, c.synthetic, real.rows(), c.synthetic_median, c.synthetic_q05, c.real_median,
            c.real_q05, c.exact_copies);
        privacy[name] = {{"synthetic", c.synthetic},
                         {"exact_copies", c.exact_copies},
                         {"synthetic_median", c.synthetic_median},
                         {"synthetic_q05", c.synthetic_q05},
                         {"real_median", c.real_median},
                         {"real_q05", c.real_q05}};
      }
    }
    if (!a.json.empty())
      write_manifest(a.json, "credit evaluate",
                     {{"data", a.data},
                      {"label", table.label_name},
                      {"positive", table.positive_class},
                      {"rows", table.rows()},
                      {"positives", table.positives()},
                      {"folds", a.folds},
                      {"repeats", a.repeats},
                      {"seed", a.seed},
                      {"oversample_to", a.oversample_to},
                      {"results", credit::to_json(r)},
                      {"privacy", privacy}});
    return static_cast<int>(kOk);
  });
}

void add_credit(CLI::App& app, CreditArgs& ev, int& code, std::ostream& out) {
  CLI::App* cmd =
      app.add_subcommand("credit", "Credit default and fraud scores on labelled tables");
  cmd->require_subcommand(1);
  CLI::App* e = cmd->add_subcommand(
      "evaluate", "Cross-validated AUROC/AUPRC of each model, with and without oversampling");
  e->add_option("--data,-d", ev.data, "Labelled table (features and a binary label)")
      ->required()
      ->check(CLI::ExistingFile);
  e->add_option("--label", ev.label, "Label column (default: class, label, target, ...)");
  e->add_option("--positive", ev.positive,
                "Label value of the positive class (default: 1, or the rarer value)");
  e->add_option("--models", ev.models, "Models, KIND or NAME=KIND")->delimiter(',');
  e->add_option("--set", ev.set, "A model option, MODEL.key=value (repeatable)");
  e->add_option("--folds", ev.folds, "Folds")->check(CLI::Range(2, 100));
  e->add_option("--repeats", ev.repeats, "Repeats of the cross-validation")
      ->check(CLI::Range(1, 100));
  e->add_option("--seed", ev.seed, "Seed of the folds and the models");
  e->add_option("--oversample-to", ev.oversample_to,
                "Oversample the positives of each training fold to this share (supervised "
                "models)")
      ->check(CLI::Range(0.0, 0.95));
  e->add_option("--oversamplers", ev.oversamplers, "Oversamplers (smote)")->delimiter(',');
  e->add_option("--json", ev.json, "Write the results as JSON");
  e->footer("Models: " + fmt::format("{}", fmt::join(credit::detector_kinds(), ", ")) +
            "\nExample:\n"
            "  fingen credit evaluate --data data/german_credit.csv --positive Bad \\\n"
            "      --oversample-to 0.5 --oversamplers smote");
  e->callback([&] { code = run_credit_evaluate(ev, out); });
}

}  // namespace fingen::cli
