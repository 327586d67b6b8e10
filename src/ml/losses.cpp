#include "losses.hpp"

namespace fingen::ml {

torch::Tensor discriminator_loss(const std::string& loss, const torch::Tensor& real,
                                 const torch::Tensor& fake) {
  if (loss == "wgan-gp") return fake.mean() - real.mean();
  // Written with softplus for stability: -log sigmoid(l) = softplus(-l), -log(1 - sigmoid(l)) =
  // softplus(l).
  return torch::softplus(-real).mean() + torch::softplus(fake).mean();
}

torch::Tensor generator_loss(const std::string& loss, const torch::Tensor& fake) {
  if (loss == "wgan-gp") return -fake.mean();
  if (loss == "minimax")
    return -torch::softplus(fake).mean();  // log(1 - sigmoid(l)) = -softplus(l)
  return torch::softplus(-fake).mean();    // -log sigmoid(l)
}

}  // namespace fingen::ml
