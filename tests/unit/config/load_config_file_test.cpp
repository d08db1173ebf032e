// Reading config files from disk: found, missing, unreadable, too large.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "weir/config.hpp"

namespace {

class LoadConfigFile : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "weir-config-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  }
  void TearDown() override {
    for (const std::string& f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    if (f != nullptr) {
      EXPECT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
      std::fclose(f);
    }
    files_.push_back(path);
    return path;
  }

  std::string dir_;
  std::vector<std::string> files_;
};

TEST_F(LoadConfigFile, ReadsAValidFile) {
  std::string path = write("ok.json", R"({"workers": 3})");
  weir::ConfigResult r = weir::load_config_file(path);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r.config->workers, 3u);
}

TEST_F(LoadConfigFile, ReportsParseErrorsLikeParseConfig) {
  std::string path = write("bad.json", R"({"workers": -1})");
  EXPECT_EQ(weir::load_config_file(path).error, "workers: expected a non-negative integer");
}

TEST_F(LoadConfigFile, ReportsAMissingFile) {
  std::string path = dir_ + "/missing.json";
  EXPECT_EQ(weir::load_config_file(path).error, "cannot read: No such file or directory");
}

TEST_F(LoadConfigFile, ReportsADirectory) {
  EXPECT_EQ(weir::load_config_file(dir_).error, "cannot read: Is a directory");
}

TEST_F(LoadConfigFile, RefusesFilesOverSixteenMebibytes) {
  std::string path = write("big.json", std::string(16 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(weir::load_config_file(path).error, "cannot read: larger than 16777216 bytes");
}

TEST_F(LoadConfigFile, AcceptsAFileOfExactlySixteenMebibytes) {
  std::string text = "{}";
  text.resize(16 * 1024 * 1024, ' ');
  std::string path = write("edge.json", text);
  weir::ConfigResult r = weir::load_config_file(path);
  EXPECT_TRUE(r) << r.error;
}

}  // namespace
