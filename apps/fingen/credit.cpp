// fingen credit evaluate|fit|score: cross-validated default / fraud scores of detectors on a
// labelled table with the rare class optionally oversampled (SMOTE, a conditional GAN); one
// detector fitted into a model directory; a new table scored with it.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/outputs.hpp"
#include "fingen/credit/run.hpp"

namespace fingen::cli {

namespace {
data::TableOptions table_options(const CreditArgs& a) {
  return data::TableOptions().label_column(a.label).positive(a.positive);
}
/// The --set assignments NAME.key=value that belong to `name`, as key=value.
std::vector<std::string> assignments_of(const CreditArgs& a, const std::string& name) {
  std::vector<std::string> mine;
  for (const std::string& x : a.set)
    if (x.rfind(name + ".", 0) == 0) mine.push_back(x.substr(name.size() + 1));
  return mine;
}
}  // namespace

int run_credit_evaluate(const CreditArgs& a, std::ostream& out) {
  return guarded([&] {
    credit::EvaluateRequest q;
    q.data = a.data;
    q.table = table_options(a);
    // Models: KIND or NAME=KIND; options NAME.key=value. Oversamplers by kind.
    for (const std::string& m : a.models) {
      const auto eq = m.find('=');
      credit::DetectorSpec s{eq == std::string::npos ? m : m.substr(0, eq),
                             eq == std::string::npos ? m : m.substr(eq + 1),
                             nlohmann::json::object()};
      for (const auto& o : q.models)
        FG_REQUIRE(o.name != s.name, "--models: the name '{}' is given twice", s.name);
      s.options = parse_option_assignments(
          assignments_of(a, s.name), credit::detector_kind(s.kind).options, s.name + " options");
      q.models.push_back(s);
    }
    for (const std::string& k : a.oversamplers)
      q.oversamplers.push_back(
          {k, k,
           parse_option_assignments(assignments_of(a, k), credit::oversampler_kind(k).options,
                                    k + " options")});
    for (const std::string& x : a.set) {
      const std::string prefix = x.substr(0, x.find('.'));
      FG_REQUIRE(std::any_of(q.models.begin(), q.models.end(),
                             [&](const credit::DetectorSpec& s) { return s.name == prefix; }) ||
                     std::find(a.oversamplers.begin(), a.oversamplers.end(), prefix) !=
                         a.oversamplers.end(),
                 "--set '{}': expected NAME.key=value for one of the models or oversamplers", x);
    }
    q.cv.folds(a.folds)
        .repeats(a.repeats)
        .seed(a.seed)
        .oversample_to(a.oversample_to)
        .threads(a.threads);
    q.progress = [](const std::string& s) { std::cerr << "  " << s << "\n"; };
    const credit::EvaluateReport r = credit::evaluate_table(q);
    out << credit::format_report(r);
    if (!a.json.empty()) write_manifest(a.json, "credit evaluate", credit::to_json(r));
    return static_cast<int>(kOk);
  });
}

int run_credit_fit(const CreditArgs& a, std::ostream& out) {
  return guarded([&] {
    credit::FitRequest q;
    q.data = a.data;
    q.table = table_options(a);
    q.kind = a.model;
    for (const std::string& x : a.set)
      FG_REQUIRE(x.rfind(a.model + ".", 0) == 0, "--set '{}': expected {}.key=value", x, a.model);
    q.options = parse_option_assignments(
        assignments_of(a, a.model), credit::detector_kind(a.model).options, a.model + " options");
    q.seed = a.seed;
    q.out = a.model_dir;
    const credit::FitSummary s = credit::fit_and_save(q);
    out << fmt::format(
        "{}: fitted on {} rows ({} positive), {} design columns, in {:.1f} s; in-sample AUROC "
        "{:.4f}\nmodel written to {}\n",
        a.model, s.rows, s.positives, s.columns, s.seconds, s.train_auroc, a.model_dir);
    out << credit::format_constant_features(s.constant_features);
    return static_cast<int>(kOk);
  });
}

int run_credit_score(const CreditArgs& a, std::ostream& out) {
  return guarded([&] {
    const credit::ScoreSummary s = credit::score_table(a.model_dir, a.data, a.out);
    out << fmt::format("{} rows scored into {}\n", s.rows, a.out);
    if (s.labelled)
      out << fmt::format("the table holds the label: AUROC {:.4f}, AUPRC {:.4f}\n", s.auroc,
                         s.auprc);
    return static_cast<int>(kOk);
  });
}

int run_credit_augment(const CreditArgs& a, std::ostream& out) {
  return guarded([&] {
    credit::AugmentRequest q;
    q.data = a.data;
    q.table = table_options(a);
    for (const std::string& x : a.set)
      FG_REQUIRE(x.rfind(a.oversampler + ".", 0) == 0, "--set '{}': expected {}.key=value", x,
                 a.oversampler);
    q.oversampler = {a.oversampler, a.oversampler,
                     parse_option_assignments(assignments_of(a, a.oversampler),
                                              credit::oversampler_kind(a.oversampler).options,
                                              a.oversampler + " options")};
    q.rows = a.rows;
    q.share = a.share;
    q.seed = a.seed;
    q.synthetic_only = a.synthetic_only;
    q.out = a.out;
    const auto r = credit::augment_table(q);
    out << fmt::format(
        "{}: {} synthetic rows of the positive class from {} real rows ({} positive) written to "
        "{}{}\ndistance to the closest real positive: median {:.3f} (5% {:.3f}); real positives "
        "to their closest other positive: median {:.3f} (5% {:.3f}); exact copies: {}\n",
        a.oversampler, r.synthetic, r.real_rows, r.positives, a.out,
        a.synthetic_only ? " (synthetic rows only)" : " after the real rows",
        r.privacy.synthetic_median, r.privacy.synthetic_q05, r.privacy.real_median,
        r.privacy.real_q05, r.privacy.exact_copies);
    return static_cast<int>(kOk);
  });
}

void add_credit(CLI::App& app, CreditArgs& ev, int& code, std::ostream& out) {
  CLI::App* cmd =
      app.add_subcommand("credit", "Credit default and fraud scores on labelled tables");
  cmd->require_subcommand(1);
  auto table = [&](CLI::App* c) {
    c->add_option("--data,-d", ev.data, "Labelled table (features and a binary label)")
        ->required()
        ->check(CLI::ExistingFile);
    c->add_option("--label", ev.label, "Label column (default: class, label, target, ...)");
    c->add_option("--positive", ev.positive,
                  "Label value of the positive class (default: 1, or the rarer value)");
  };
  CLI::App* e = cmd->add_subcommand(
      "evaluate", "Cross-validated AUROC/AUPRC of each model, with and without oversampling");
  table(e);
  e->add_option("--models", ev.models, "Models, KIND or NAME=KIND")->delimiter(',');
  e->add_option("--set", ev.set, "A model or oversampler option, NAME.key=value (repeatable)");
  e->add_option("--folds", ev.folds, "Folds")->check(CLI::Range(2, 100));
  e->add_option("--threads", ev.threads,
                "Folds run in parallel on this many threads (0: all cores); the results are the "
                "same for any number")
      ->check(CLI::Range(0, 1024));
  e->add_option("--repeats", ev.repeats, "Repeats of the cross-validation")
      ->check(CLI::Range(1, 100));
  e->add_option("--seed", ev.seed, "Seed of the folds and the models");
  e->add_option("--oversample-to", ev.oversample_to,
                "Oversample the positives of each training fold to this share (supervised "
                "models)")
      ->check(CLI::Range(0.0, 0.95));
  e->add_option("--oversamplers", ev.oversamplers,
                "Oversamplers: " + fmt::format("{}", fmt::join(credit::oversampler_kinds(), ", ")))
      ->delimiter(',');
  e->add_option("--json", ev.json, "Write the results as JSON");
  e->footer("Models: " + fmt::format("{}", fmt::join(credit::detector_kinds(), ", ")) +
            "\nExample:\n"
            "  fingen credit evaluate --data data/german_credit.csv --positive Bad \\\n"
            "      --models logistic,mlp,autoencoder,gan --oversample-to 0.5 "
            "--oversamplers smote,gan");
  e->callback([&] { code = run_credit_evaluate(ev, out); });

  CLI::App* f = cmd->add_subcommand("fit", "Fit one model on every row into a model directory");
  table(f);
  f->add_option("--model,-m", ev.model, "Model kind (default logistic)");
  f->add_option("--set", ev.set, "A model option, MODEL.key=value (repeatable)");
  f->add_option("--seed", ev.seed, "Seed");
  f->add_option("--out,-o", ev.model_dir, "Model directory")->required();
  f->footer(
      "Example:\n  fingen credit fit --data data/german_credit.csv --positive Bad "
      "--model logistic --out german-logistic");
  f->callback([&] { code = run_credit_fit(ev, out); });

  CLI::App* s = cmd->add_subcommand(
      "score", "Score a table with a fitted model (the label column may be absent)");
  s->add_option("--model-dir,-m", ev.model_dir, "Model directory from credit fit")
      ->required()
      ->check(CLI::ExistingDirectory);
  s->add_option("--data,-d", ev.data, "Table with the columns the model was fitted on")
      ->required()
      ->check(CLI::ExistingFile);
  s->add_option("--out,-o", ev.out, "CSV of row,score")->required();
  s->callback([&] { code = run_credit_score(ev, out); });

  CLI::App* g = cmd->add_subcommand(
      "augment", "Write the table enlarged with synthetic rows of the positive class");
  table(g);
  g->add_option("--oversampler", ev.oversampler,
                "Oversampler: " + fmt::format("{}", fmt::join(credit::oversampler_kinds(), ", ")));
  g->add_option("--set", ev.set, "An oversampler option, NAME.key=value (repeatable)");
  g->add_option("--rows", ev.rows, "Synthetic rows (default: enough for --share)");
  g->add_option("--share", ev.share, "Share of positives after augmenting")
      ->check(CLI::Range(0.01, 0.95));
  g->add_option("--seed", ev.seed, "Seed");
  g->add_flag("--synthetic-only", ev.synthetic_only, "Write only the synthetic rows");
  g->add_option("--out,-o", ev.out, "Output CSV (the table's columns, the label last)")->required();
  g->footer(
      "Example:\n  fingen credit augment --data data/german_credit.csv --positive Bad "
      "--oversampler gan --out german_augmented.csv");
  g->callback([&] { code = run_credit_augment(ev, out); });
}

}  // namespace fingen::cli
