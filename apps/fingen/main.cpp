// fingen: financial analysis with deep generative models. One program, many subcommands.
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "fingen/version.hpp"

int main(int argc, char** argv) {
  using namespace fingen::cli;
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
  InfoArgs info_args;
  add_info(app, info_args, code, std::cout);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsageError;
  }
  return code;
}
