// Precompiled header of fingen_ml: LibTorch's headers are the bulk of every src/ml compile.
#pragma once
#include <torch/torch.h>
