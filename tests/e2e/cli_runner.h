// Runs the real `loyalpos` binary with a home folder of its own and returns
// its exit code, stdout and stderr. For the end-to-end tests.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loyalpos::e2e {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const { return nlohmann::json::parse(out); }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Cli {
 public:
  Cli() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loyalpos-e2e-XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    home_ = dir_ + "/home";
  }
  ~Cli() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  const std::string& home() const { return home_; }
  const std::string& dir() const { return dir_; }
  void set_env(const std::string& key, const std::string& value) { env_[key] = value; }
  // The binary to run: the test build's (LOYALPOS_NOW honoured) by default.
  void set_binary(const std::string& path) { binary_ = path; }

  CliResult run(const std::vector<std::string>& args, const std::string& input = "") const {
    const std::string in_path = dir_ + "/stdin", out_path = dir_ + "/stdout",
                      err_path = dir_ + "/stderr";
    std::ofstream(in_path, std::ios::binary) << input;
    const pid_t pid = fork();
    if (pid == 0) {
      const int in = open(in_path.c_str(), O_RDONLY);
      const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      setenv("LOYALPOS_HOME", home_.c_str(), 1);
      for (const auto& [k, v] : env_) setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> argv;
      std::string binary = binary_;
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CliResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
  }

 private:
  std::string dir_;
  std::string home_;
  std::map<std::string, std::string> env_;
  std::string binary_ = LOYALPOS_BINARY;
};

// The café most ledger tests start from: initialised with the sample
// catalog at 2026-11-23 10:00, then one sale (a croissant and a coffee).
// What failed, or empty.
inline std::string open_cafe_with_one_sale(Cli& cli) {
  cli.set_env("LOYALPOS_NOW", "2026-11-23T10:00:00");
  auto init = cli.run({"init", "--store", "Café", "--terminal", "till-1", "--sample-catalog"});
  if (init.code != 0) return "init: " + init.err;
  auto sale = cli.run({"sale", "CROISSANT", "COFFEE"});
  if (sale.code != 0) return "sale: " + sale.err;
  return {};
}

}  // namespace loyalpos::e2e
