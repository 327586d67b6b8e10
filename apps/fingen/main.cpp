// fingen: financial analysis with deep generative models. One program, many subcommands.
#include <csignal>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/core/runtime.hpp"
#include "fingen/version.hpp"

namespace {
extern "C" void on_interrupt(int) {
  fingen::request_stop();        // training loops checkpoint and stop after the current step
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}
}  // namespace

int main(int argc, char** argv) {
  using namespace fingen::cli;
  std::signal(SIGINT, on_interrupt);
  CLI::App app{"fingen: financial analysis with deep generative models"};
  app.set_version_flag("--version", std::string("fingen ") + FINGEN_VERSION_STRING);
  app.require_subcommand(1);
  app.footer("Run 'fingen SUBCOMMAND --help' for the options and examples of each subcommand.");
  int code = kOk;

  CLI::App* data = app.add_subcommand("data", "Load, validate, clean and summarise data files");
  data->require_subcommand(1);
  DataInspectArgs inspect_args;
  add_data_inspect(*data, inspect_args, code, std::cout);
  DataCleanArgs clean_args;
  add_data_clean(*data, clean_args, code, std::cout);
  FitArgs fit_args;
  add_fit(app, fit_args, code, std::cout);
  GenerateArgs generate_args;
  add_generate(app, generate_args, code, std::cout);
  LaunchArgs launch_args;
  add_launch(app, launch_args, code);
  RiskVarArgs risk_var_args;
  RiskBacktestArgs risk_backtest_args;
  add_risk(app, risk_var_args, risk_backtest_args, code, std::cout);
  RiskStressArgs risk_stress_args;
  add_risk_stress(app, risk_stress_args, code, std::cout);
  StrategyArgs strategy_backtest_args, strategy_robustness_args, strategy_search_args;
  add_strategy(app, strategy_backtest_args, strategy_robustness_args, strategy_search_args, code,
               std::cout);
  ExecuteArgs execute_args;
  add_execute(app, execute_args, code, std::cout);
  PortfolioArgs portfolio_optimize_args, portfolio_frontier_args, portfolio_backtest_args,
      portfolio_screen_args;
  add_portfolio(app, portfolio_optimize_args, portfolio_frontier_args, portfolio_backtest_args,
                portfolio_screen_args, code, std::cout);
  DetectArgs detect_args;
  add_detect(app, detect_args, code, std::cout);
  CreditArgs credit_args;
  add_credit(app, credit_args, code, std::cout);
  ForecastCommands forecast_args;
  add_forecast(app, forecast_args, code, std::cout);
  EvaluateArgs evaluate_args;
  add_evaluate(app, evaluate_args, code, std::cout);
  RunArgs run_args;
  add_run(app, run_args, code, std::cout);
  ReportArgs report_args;
  add_report(app, report_args, code, std::cout);
  InfoArgs info_args;
  add_info(app, info_args, code, std::cout);

  // `fingen launch [options] -- COMMAND...`: what follows -- is the command of the ranks.
  int own_argc = argc;
  if (argc > 1 && std::string(argv[1]) == "launch")
    for (int i = 2; i < argc; ++i)
      if (std::string(argv[i]) == "--") {
        launch_args.command.assign(argv + i + 1, argv + argc);
        own_argc = i;
        break;
      }
  try {
    app.parse(own_argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsageError;
  }
  return code;
}
