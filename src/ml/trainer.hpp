// ml::Trainer: the training loop every model in fingen_ml shares (GANs now; forecasters,
// autoencoders and tabular GANs plug in the same way). Internal to fingen_ml.
//
// The loop idiom of pytorch/examples (dcgan), in C++: an explicit loop over steps, a task that
// does one update, validation every `eval_every` steps keeping the best weights, progress through
// a callback (the library never prints), an atomic checkpoint (the task's modules and optimisers,
// the step, the RNG state, the log) every `checkpoint_every` steps, resume from it, and a stop
// flag (Ctrl-C) that checkpoints and stops after the current step.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "fingen/core/dist.hpp"
#include "fingen/ml/gan.hpp"
#include "fingen/scenario/generator.hpp"

namespace fingen::ml {

/// Losses of one step.
struct StepLosses {
  double d_loss = 0, g_loss = 0;
  double wasserstein = std::numeric_limits<double>::quiet_NaN();
};

/// What a model does inside the loop.
class TrainingTask {
 public:
  virtual ~TrainingTask() = default;
  /// One update, drawing its randomness from `gen`.
  virtual StepLosses step(at::Generator& gen) = 0;
  /// Validation score of the current weights, lower is better.
  virtual double validate() = 0;
  /// Remember the current weights as the best so far.
  virtual void keep_best() = 0;
  /// Modules, optimisers and best weights, into / from a checkpoint archive.
  virtual void save(torch::serialize::OutputArchive& archive) = 0;
  virtual void load(torch::serialize::InputArchive& archive) = 0;
};

struct TrainerOptions {
  int64_t steps = 0;
  int64_t eval_every = 100, checkpoint_every = 100, log_every = 50;
  /// Early stopping: stop after this many validations without a better score (0: never).
  int64_t patience = 0;
  /// Also validate the initial weights (as step 0), which are kept if no later step beats them.
  bool validate_start = false;
  scenario::FitControl control;  ///< checkpoint directory, resume, progress callback
  /// What a checkpoint must have been made with to be resumed: options (compared key by key for
  /// `resume_keys`) and the data's SHA-256.
  nlohmann::json options;
  std::vector<std::string> resume_keys;
  std::string data_sha256;
  torch::Device device = torch::kCPU;
};

/// The outcome of a run: every step's log row and the best validation.
struct TrainerResult {
  std::vector<TrainLogRow> log;
  int64_t best_step = -1;
  double best_score = std::numeric_limits<double>::infinity();
};

/// Data-parallel training (control.comm of several ranks): every rank runs the loop in step and
/// the task all-reduces its gradients; rank 0 validates (the score is broadcast, so every rank
/// keeps the same best step and stops together), writes the checkpoints and reads them on resume
/// (their bytes are broadcast: other hosts need not see rank 0's disk). A stop request on any rank
/// stops all of them after the same step.
class Trainer {
 public:
  explicit Trainer(TrainerOptions options);
  /// Runs (or resumes) the loop. Throws Error(Runtime) when stopped (after checkpointing) and
  /// Error(Numeric) when a loss is not finite.
  TrainerResult run(TrainingTask& task, at::Generator& gen);

 private:
  void write_checkpoint(TrainingTask& task, at::Generator& gen, int64_t step,
                        const TrainerResult& r) const;
  int64_t read_checkpoint(TrainingTask& task, at::Generator& gen, TrainerResult& r) const;
  // The validation score, computed by rank 0 and broadcast when there are several ranks.
  double validate(TrainingTask& task) const;
  bool several() const { return o_.control.comm && o_.control.comm->size() > 1; }
  bool lead() const { return !several() || o_.control.comm->rank() == 0; }
  TrainerOptions o_;
};

/// Registers the neural forecasters (forecaster.cpp) with forecast::register_forecaster; called
/// with the GAN kinds' registration so linking fingen_ml is all a program does.
void register_forecasters();
/// Registers the neural detectors (detectors.cpp: mlp, autoencoder) with credit::register_detector.
void register_detectors();
/// Registers the tabular GAN (tabular_gan.cpp): the oversampler "gan" and the detector "gan".
void register_tabular_gan();
/// Registers the distributed backend (dist_gloo.cpp: c10d with Gloo) with dist::register_backend;
/// does nothing in a build without the Gloo headers.
void register_gloo_backend();

/// Atomic save of an archive (temporary file + rename); Error(Io) naming the path.
void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::string& path);
/// Loads an archive, its tensors on the CPU (whatever device they were saved from); Error(Input)
/// naming the path when it is not a readable checkpoint.
void load_archive(torch::serialize::InputArchive& archive, const std::string& path);

/// "cpu", "cuda" or "auto" (cuda when available) -> a device; Error(Usage) when CUDA is asked for
/// and this LibTorch or machine has none.
torch::Device resolve_device(const std::string& name);

}  // namespace fingen::ml
