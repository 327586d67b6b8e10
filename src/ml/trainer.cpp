#include "trainer.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"
#include "fingen/core/runtime.hpp"

namespace fingen::ml {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using nlohmann::json;
}  // namespace

void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    std::remove(tmp.c_str());
    FG_FAIL(Io, "{}: cannot write: {}", path, e.what_without_backtrace());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    FG_FAIL(Io, "{}: cannot rename the temporary file into place", path);
  }
}

void load_archive(torch::serialize::InputArchive& archive, const std::string& path) {
  if (!std::filesystem::exists(path)) FG_FAIL(Io, "{}: no such file", path);
  try {
    archive.load_from(path, torch::Device(torch::kCPU));  // (saved from any device)
  } catch (const c10::Error& e) {
    throw_input_error({path, 0, {}},
                      fmt::format("not a readable fingen/LibTorch checkpoint ({})",
                                  std::string(e.what_without_backtrace()).substr(0, 200)));
  }
}

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "auto")
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::kCPU;
  if (name == "cuda") {
    FG_REQUIRE(torch::cuda::is_available(),
               "device 'cuda' asked for, but this LibTorch build or machine has no CUDA device "
               "(use cpu or auto)");
    return torch::kCUDA;
  }
  FG_FAIL(Usage, "unknown device '{}': expected cpu, cuda or auto", name);
}

Trainer::Trainer(TrainerOptions options) : o_(std::move(options)) {
  FG_REQUIRE(o_.steps >= 0 && o_.eval_every >= 1 && o_.checkpoint_every >= 1 && o_.log_every >= 1,
             "trainer: steps must be >= 0 and the eval/checkpoint/log intervals >= 1");
}

void Trainer::write_checkpoint(TrainingTask& task, at::Generator& gen, int64_t step,
                               const TrainerResult& r) const {
  const std::string& dir = o_.control.checkpoint_dir;
  if (dir.empty() || !lead()) return;  // every rank holds the same state: rank 0 writes it
  std::filesystem::create_directories(dir);
  torch::serialize::OutputArchive archive;
  task.save(archive);
  archive.write("step", torch::tensor(step, torch::kLong));
  archive.write("rng", gen.get_state());
  json log = json::array();
  for (const auto& row : r.log)
    log.push_back({row.step, row.d_loss, row.g_loss,
                   std::isnan(row.wasserstein) ? json() : json(row.wasserstein), row.validation,
                   row.seconds});
  const json state{{"options", o_.options},
                   {"data_sha256", o_.data_sha256},
                   {"step", step},
                   {"best_step", r.best_step},
                   {"best_score", std::isfinite(r.best_score) ? json(r.best_score) : json()},
                   {"log", log}};
  // The archive is the checkpoint: it holds the state too, so a kill between the two writes below
  // cannot pair weights with another step's log. train_state.json is the readable copy.
  archive.write("state", c10::IValue(state.dump()));
  save_archive_atomic(archive, dir + "/last.pt");
  write_file_atomic(dir + "/train_state.json", state.dump() + "\n");
}

int64_t Trainer::read_checkpoint(TrainingTask& task, at::Generator& gen, TrainerResult& r) const {
  const std::string& dir = o_.control.checkpoint_dir;
  FG_REQUIRE(!dir.empty(), "resuming needs a checkpoint directory");
  const std::string state_path = dir + "/train_state.json", last_path = dir + "/last.pt";
  // Rank 0 reads the checkpoint and sends it to the others (hosts without rank 0's disk).
  std::string bytes, state_text, state_error;
  if (lead()) {
    if (!std::filesystem::exists(last_path)) FG_FAIL(Io, "{}: no such file", last_path);
    bytes = read_file(last_path);
    try {
      state_text = read_file(state_path);
    } catch (const std::exception& e) {
      state_error = e.what();
    }
  }
  if (several()) {
    dist::Communicator& comm = *o_.control.comm;
    std::uint64_t sizes[3] = {bytes.size(), state_text.size(), state_error.size()};
    comm.broadcast(sizes, sizeof sizes, 0);
    bytes.resize(sizes[0]);
    state_text.resize(sizes[1]);
    state_error.resize(sizes[2]);
    for (std::string* s : {&bytes, &state_text, &state_error})
      comm.broadcast(s->data(), s->size(), 0);
  }
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(bytes.data(), bytes.size(), o_.device);  // where the task's modules are
  } catch (const c10::Error& e) {
    throw_input_error({last_path, 0, {}},
                      fmt::format("not a readable fingen/LibTorch checkpoint ({})",
                                  std::string(e.what_without_backtrace()).substr(0, 200)));
  }
  int64_t step = 0;
  json embedded;
  try {
    torch::Tensor t_step;
    archive.read("step", t_step);
    step = t_step.item<int64_t>();
    c10::IValue v;
    if (archive.try_read("state", v) && v.isString()) embedded = json::parse(v.toStringRef());
  } catch (const std::exception& e) {
    throw_input_error({last_path, 0, {}}, fmt::format("not a complete fingen checkpoint ({})",
                                                      std::string(e.what()).substr(0, 200)));
  }
  // The readable copy when it belongs to the archive's step (the normal case), else the state
  // inside the archive (a kill between the two writes); checkpoints without one use the file.
  json state;
  std::string where = state_path;
  try {
    if (!state_error.empty()) throw std::runtime_error(state_error);
    state = json::parse(state_text);
  } catch (const std::exception& e) {
    if (embedded.is_null()) throw_input_error({state_path, 0, {}}, fmt::format("{}", e.what()));
  }
  if (!embedded.is_null() && state.value("step", int64_t{-1}) != step) {
    state = embedded;
    where = last_path;
  }
  const json saved = state.value("options", json());
  for (const std::string& key : o_.resume_keys)
    if (saved.value(key, json()) != o_.options.at(key))
      throw_input_error({where, 0, {}},
                        fmt::format("the checkpoint was made with {} = {}, this run has {}", key,
                                    saved.value(key, json()).dump(), o_.options.at(key).dump()));
  if (state.value("data_sha256", "") != o_.data_sha256)
    throw_input_error({where, 0, {}}, "the checkpoint was trained on different data");
  try {
    task.load(archive);
    torch::Tensor t_rng;
    archive.read("rng", t_rng);
    gen.set_state(t_rng);
  } catch (const c10::Error& e) {
    throw_input_error({last_path, 0, {}},
                      fmt::format("checkpoint does not match this model ({})",
                                  std::string(e.what_without_backtrace()).substr(0, 200)));
  }
  try {
    r.best_step = state.value("best_step", int64_t{-1});
    const json best = state.value("best_score", json());
    r.best_score = best.is_number() ? best.get<double>() : std::numeric_limits<double>::infinity();
    for (const auto& row : state.value("log", json::array()))
      r.log.push_back({row.at(0).get<int64_t>(), row.at(1).get<double>(), row.at(2).get<double>(),
                       row.at(3).is_null() ? kNaN : row.at(3).get<double>(),
                       row.at(4).get<double>(), row.at(5).get<double>()});
  } catch (const json::exception& e) {
    throw_input_error({where, 0, {}}, fmt::format("malformed training state: {}", e.what()));
  }
  return step;
}

double Trainer::validate(TrainingTask& task) const {
  double v = lead() ? task.validate() : 0.0;
  if (several()) o_.control.comm->broadcast(&v, sizeof v, 0);
  return v;
}

TrainerResult Trainer::run(TrainingTask& task, at::Generator& gen) {
  TrainerResult r;
  int64_t step = 0;
  const auto& progress = o_.control.progress;
  if (o_.control.resume) {
    step = read_checkpoint(task, gen, r);
    if (progress) {
      scenario::FitProgress p;
      p.step = step;
      p.total_steps = o_.steps;
      p.message =
          fmt::format("resuming from {}/last.pt at step {}", o_.control.checkpoint_dir, step);
      progress(p);
    }
  }
  if (o_.validate_start && step == 0) {
    const double v = validate(task);
    if (std::isfinite(v)) {
      r.best_score = v;
      r.best_step = 0;
      task.keep_best();
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t first_step = step;
  bool stop = false;  // with several ranks: agreed after each step
  while (step < o_.steps) {
    if (several() ? stop : stop_requested()) {
      write_checkpoint(task, gen, step, r);
      take_stop_request();
      FG_FAIL(Runtime, "training interrupted at step {}{}", step,
              o_.control.checkpoint_dir.empty()
                  ? std::string(" (no checkpoint directory)")
                  : fmt::format("; checkpoint written to {}/last.pt; fit again with resume to "
                                "continue",
                                o_.control.checkpoint_dir));
    }
    const StepLosses l = task.step(gen);
    ++step;
    if (several()) {
      double flag = stop_requested() ? 1.0 : 0.0;
      o_.control.comm->all_reduce_sum(&flag, 1);
      stop = flag > 0;
    }
    if (!std::isfinite(l.d_loss) || !std::isfinite(l.g_loss))
      FG_FAIL(Numeric,
              "training diverged at step {} (discriminator loss {}, generator loss {}){}; try a "
              "smaller learning rate",
              step, l.d_loss, l.g_loss,
              o_.control.checkpoint_dir.empty()
                  ? std::string()
                  : fmt::format("; the last good checkpoint is kept in {}/last.pt",
                                o_.control.checkpoint_dir));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    TrainLogRow row{step, l.d_loss, l.g_loss, l.wasserstein, -1.0, seconds};
    if (step % o_.eval_every == 0 || step == o_.steps) {
      row.validation = validate(task);
      if (row.validation < r.best_score) {
        r.best_score = row.validation;
        r.best_step = step;
        task.keep_best();
      }
    }
    r.log.push_back(row);
    const bool stale = o_.patience > 0 && step % o_.eval_every == 0 && r.best_step > 0 &&
                       step - r.best_step >= o_.patience * o_.eval_every;
    if (progress && (step % o_.log_every == 0 || step == o_.steps || stale)) {
      scenario::FitProgress p;
      p.step = step;
      p.total_steps = o_.steps;
      p.d_loss = l.d_loss;
      p.g_loss = l.g_loss;
      p.wasserstein = l.wasserstein;
      p.best_step = r.best_step;
      p.best_validation = r.best_step > 0 ? r.best_score : kNaN;
      p.steps_per_second = static_cast<double>(step - first_step) / std::max(seconds, 1e-9);
      p.eta_seconds = static_cast<double>(o_.steps - step) / p.steps_per_second;
      progress(p);
    }
    if (step % o_.checkpoint_every == 0 || step == o_.steps || stale)
      write_checkpoint(task, gen, step, r);
    if (stale) break;  // early stopping: the best weights are `patience` validations old
  }
  return r;
}

}  // namespace fingen::ml
