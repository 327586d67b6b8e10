// A program outside the fingen tree, built against the installed package.
#include <iostream>

#include "fingen/data/readers.hpp"
#include "fingen/version.hpp"
#ifdef USE_ML
#include "fingen/ml/runtime.hpp"
#endif

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const fingen::Panel p = fingen::data::read_ohlcv(argv[1]);
  std::cout << "fingen " << FINGEN_VERSION_STRING << " rows " << p.rows();
#ifdef USE_ML
  std::cout << " torch " << fingen::ml::runtime_info().torch_version;
#endif
  std::cout << '\n';
  return 0;
}
