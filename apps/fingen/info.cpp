// fingen info: version and what the deep-learning backend of this build can use.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "fingen/core/runtime.hpp"
#include "fingen/version.hpp"

namespace fingen::cli {

int run_info(const InfoArgs& args, std::ostream& out) {
  return guarded([&] {
    const BackendInfo info = backend_info();
    if (args.json) {
      out << nlohmann::json{{"fingen_version", FINGEN_VERSION_STRING},
                            {"torch_version", info.torch_version},
                            {"intra_op_threads", info.intra_op_threads},
                            {"cuda_available", info.cuda_available},
                            {"cuda_devices", info.cuda_devices}}
                 .dump(2)
          << '\n';
      return static_cast<int>(kOk);
    }
    out << fmt::format("fingen {}\nLibTorch {}\nthreads {}\nCUDA {}\n", FINGEN_VERSION_STRING,
                       info.torch_version, info.intra_op_threads,
                       info.cuda_available ? fmt::format("yes, {} device(s)", info.cuda_devices)
                                           : std::string("no"));
    out << info.parallel_info;
    return static_cast<int>(kOk);
  });
}

void add_info(CLI::App& app, InfoArgs& args, int& code, std::ostream& out) {
  CLI::App* cmd =
      app.add_subcommand("info", "Show the version and the compute backend (threads, CUDA)");
  cmd->footer("Example:\n  fingen info --json");
  cmd->add_flag("--json", args.json, "Print as JSON");
  cmd->callback([&] { code = run_info(args, out); });
}

}  // namespace fingen::cli
