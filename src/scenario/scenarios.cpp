#include "fingen/scenario/scenarios.hpp"

#include <cmath>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "fingen/core/checked.hpp"
#include "fingen/core/error.hpp"
#include "fingen/core/io.hpp"

namespace fingen {

static_assert(sizeof(double) == 8, "float64 expected");

std::string npy_header(const std::vector<std::size_t>& shape) {
  FG_REQUIRE(!shape.empty(), "npy: empty shape");
  std::size_t count = 1;
  std::string dims;
  for (std::size_t d : shape) {
    count = checked_mul(count, d, "npy: number of values");
    dims += fmt::format("{}, ", d);
  }
  checked_mul(count, std::size_t{8}, "npy: number of bytes");
  if (shape.size() > 1)
    dims.erase(dims.size() - 2);  // (3,) for one dimension, (2, 3) otherwise
  else
    dims.erase(dims.size() - 1);
  std::string header =
      fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}), }}", dims);
  // Pad with spaces so magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  FG_REQUIRE(header.size() < 65536, "npy header too long");
  std::string out;
  out.append("\x93NUMPY", 6);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  return out;
}

std::string npy_bytes(const double* data, const std::vector<std::size_t>& shape) {
  std::string out = npy_header(shape);
  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;  // checked by npy_header
  out.reserve(out.size() + count * 8);
  out.append(reinterpret_cast<const char*>(data), count * 8);
  return out;
}

void write_npy(const std::string& file, const double* data, const std::vector<std::size_t>& shape) {
  write_file_atomic(file, npy_bytes(data, shape));
}

std::size_t Scenarios::value_count(std::size_t paths, std::size_t horizon, std::size_t assets) {
  std::size_t n = 0;
  if (__builtin_mul_overflow(paths, horizon, &n) || __builtin_mul_overflow(n, assets, &n) ||
      n > kMaxScenarioValues)
    FG_FAIL(Usage,
            "{} paths x {} steps x {} series is too many values (at most {} values, {} GB, are "
            "supported)",
            paths, horizon, assets, kMaxScenarioValues, kMaxScenarioValues * 8 / 1'000'000'000);
  return n;
}

namespace {
// Index of the first non-finite value, or data.size().
std::size_t first_non_finite(const std::vector<double>& data) {
  for (std::size_t i = 0; i < data.size(); ++i)
    if (!std::isfinite(data[i])) return i;
  return data.size();
}
std::string position(const Scenarios& s, std::size_t i) {
  const std::size_t per_path = s.horizon * s.assets;
  return fmt::format("path {}, step {}, series {}", i / per_path + 1, (i % per_path) / s.assets + 1,
                     i % s.assets + 1);
}
}  // namespace

void check_finite(const Scenarios& s, const std::string& who) {
  const std::size_t i = first_non_finite(s.data);
  if (i < s.data.size())
    FG_FAIL(Numeric,
            "{}: generated a non-finite value ({}) at {}; the model's parameters make the "
            "simulation overflow",
            who, s.data[i], position(s, i));
}

std::vector<std::size_t> read_npy(const std::string& file, std::vector<double>& data) {
  const std::string bytes = read_file(file);
  auto bad = [&](const std::string& why) {
    throw_input_error({file, 0, {}}, "not a float64 .npy file: " + why);
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    bad("missing the \\x93NUMPY magic");
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) |
                 (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2) {
    if (bytes.size() < 12) bad("truncated header");
    header_len = 0;
    for (int i = 3; i >= 0; --i)
      header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    offset = 12;
  } else {
    // Version 3 (UTF-8 header) is only written by NumPy for non-ASCII field names, which a float64
    // array never has.
    bad(fmt::format("unsupported .npy format version {} (fingen reads versions 1 and 2)", major));
  }
  if (bytes.size() - offset < header_len) bad("truncated header");
  const std::string header = bytes.substr(offset, header_len);
  if (header.find("'descr': '<f8'") == std::string::npos)
    bad("dtype is not little-endian float64 ('<f8'): " + header);
  if (header.find("'fortran_order': False") == std::string::npos)
    bad("Fortran order is not supported");
  const std::size_t sp = header.find("'shape': (");
  if (sp == std::string::npos) bad("no shape in header");
  // NumPy arrays have at most 64 dimensions (NPY_MAXDIMS); fingen uses 1 to 3.
  constexpr std::size_t kMaxDims = 64;
  std::vector<std::size_t> shape;
  std::size_t i = sp + 10;
  std::size_t count = 1;
  bool overflow = false;
  while (i < header.size() && header[i] != ')') {
    if (header[i] == ' ' || header[i] == ',') {
      ++i;
      continue;
    }
    std::size_t v = 0;
    bool any = false;
    while (i < header.size() && header[i] >= '0' && header[i] <= '9') {
      overflow = overflow || __builtin_mul_overflow(v, std::size_t{10}, &v) ||
                 __builtin_add_overflow(v, static_cast<std::size_t>(header[i] - '0'), &v);
      ++i;
      any = true;
    }
    if (!any) bad("malformed shape in header: " + header);
    if (shape.size() == kMaxDims) bad(fmt::format("more than {} dimensions", kMaxDims));
    shape.push_back(v);
    overflow = overflow || __builtin_mul_overflow(count, v, &count);
  }
  if (i >= header.size()) bad("unterminated shape in header: " + header);
  const std::size_t start = offset + header_len;
  const std::size_t body = bytes.size() - start;
  std::size_t need = 0;
  if (overflow || __builtin_mul_overflow(count, std::size_t{8}, &need))
    bad(fmt::format("the shape in the header is impossibly large: {}", header));
  if (body != need) bad(fmt::format("shape needs {} bytes of data, the file has {}", need, body));
  data.resize(count);
  if (count > 0) std::memcpy(data.data(), bytes.data() + start, need);
  return shape;
}

std::string npy_bytes(const Scenarios& s) {
  FG_REQUIRE(s.data.size() == Scenarios::value_count(s.paths, s.horizon, s.assets),
             "scenarios: {} values for shape ({}, {}, {})", s.data.size(), s.paths, s.horizon,
             s.assets);
  return npy_bytes(s.data.data(), {s.paths, s.horizon, s.assets});
}

void write_npy(const std::string& file, const Scenarios& s) {
  write_file_atomic(file, npy_bytes(s));
}

Scenarios read_scenarios_npy(const std::string& file) {
  Scenarios s;
  const std::vector<std::size_t> shape = read_npy(file, s.data);
  if (shape.size() == 2) {
    s.paths = shape[0];
    s.horizon = shape[1];
    s.assets = 1;
  } else if (shape.size() == 3) {
    s.paths = shape[0];
    s.horizon = shape[1];
    s.assets = shape[2];
  } else {
    throw_input_error(
        {file, 0, {}},
        fmt::format("scenarios need a (paths, horizon[, assets]) array, found {} dimensions",
                    shape.size()));
  }
  if (s.assets > kMaxNpyAssets)
    throw_input_error({file, 0, {}}, fmt::format("{} series is more than the {} supported",
                                                 s.assets, kMaxNpyAssets));
  if (s.paths * s.horizon * s.assets > kMaxScenarioValues)  // no overflow: equals data.size()
    throw_input_error({file, 0, {}}, fmt::format("{} values is more than the {} supported",
                                                 s.data.size(), kMaxScenarioValues));
  if (const std::size_t i = first_non_finite(s.data); i < s.data.size())
    throw_input_error({file, 0, {}}, fmt::format("value at {} is {} (scenarios must be finite)",
                                                 position(s, i), s.data[i]));
  for (std::size_t a = 0; a < s.assets; ++a) s.names.push_back(fmt::format("asset{}", a + 1));
  return s;
}

std::string scenarios_csv_header(const Scenarios& s) {
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  fmt::format_to(out, "path,step");
  for (std::size_t a = 0; a < s.assets; ++a)
    fmt::format_to(out, ",{}", a < s.names.size() ? s.names[a] : fmt::format("asset{}", a + 1));
  buf.push_back('\n');
  return std::string(buf.data(), buf.size());
}

std::string scenarios_csv_rows(const Scenarios& s, std::size_t first) {
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  for (std::size_t p = 0; p < s.paths; ++p)
    for (std::size_t t = 0; t < s.horizon; ++t) {
      fmt::format_to(out, "{},{}", first + p, t + 1);
      for (std::size_t a = 0; a < s.assets; ++a) fmt::format_to(out, ",{}", s.at(p, t, a));
      buf.push_back('\n');
    }
  return std::string(buf.data(), buf.size());
}

std::string scenarios_csv(const Scenarios& s) {
  return scenarios_csv_header(s) + scenarios_csv_rows(s, 0);
}

void write_scenarios_csv(const std::string& file, const Scenarios& s) {
  write_file_atomic(file, scenarios_csv(s));
}

}  // namespace fingen
