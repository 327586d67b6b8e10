// pipeline::read_config: regressions found by fuzzing (fuzz/fuzz_config.cpp).
#include "fingen/pipeline/config.hpp"

#include <string>

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace fingen::pipeline {
namespace {

std::string config_with_data_file(const std::string& data_file) {
  return R"({"name": "m", "data": {"file": ")" + data_file +
         R"("}, "split": {"test_start": "2018-01-01"}, "models": [{"model": "gbm"}]})";
}

// A data file name longer than the file system allows (ENAMETOOLONG) made std::filesystem::exists
// throw std::filesystem_error out of read_config (found by fuzz_config). It is now a file that is
// not found, reported when it is read.
TEST(PipelineConfig, DataFileNameTooLongForTheFileSystemIsNotAnException) {
  test::TempDir dir;
  for (const std::string& name : {std::string(300, 'a'), std::string(5000, 'b'), [] {
                                    std::string p;
                                    for (int i = 0; i < 3000; ++i) p += "x/";
                                    return p;
                                  }()}) {
    const std::string file = dir.write("c.json", config_with_data_file(name));
    PipelineConfig c;
    ASSERT_NO_THROW(c = read_config(file));
    EXPECT_EQ(c.data_file, name);
    EXPECT_EQ(c.models.size(), 1u);
  }
}

TEST(PipelineConfig, DataFileRelativeToTheConfig) {
  test::TempDir dir;
  dir.write("prices.csv", "date,x\n2020-01-02,1\n");
  const PipelineConfig c = read_config(dir.write("c.json", config_with_data_file("prices.csv")));
  EXPECT_EQ(c.data_file, dir.file("prices.csv"));
}

}  // namespace
}  // namespace fingen::pipeline
