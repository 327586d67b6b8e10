// GAN losses on discriminator logits (D(x) = sigmoid(logit)) or critic scores. Internal to
// fingen_ml.
#pragma once

#include <string>

#include <torch/torch.h>

namespace fingen::ml {

/// Discriminator: -[log D(x) + log(1 - D(G(z)))] averaged over the batch (minimax and ns);
/// critic: E[D(G(z))] - E[D(x)] (wgan-gp, without the gradient penalty).
torch::Tensor discriminator_loss(const std::string& loss, const torch::Tensor& real,
                                 const torch::Tensor& fake);

/// Generator: minimax log(1 - D(G(z))); ns -log D(G(z)); wgan-gp -E[D(G(z))].
torch::Tensor generator_loss(const std::string& loss, const torch::Tensor& fake);

}  // namespace fingen::ml
