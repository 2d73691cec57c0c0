// A fresh folder under the system's temp directory (mkdtemp), removed with
// its contents when the test is done. Shared by every test suite.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace loyalpos::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "loyalpos-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace loyalpos::testing
