// `loyalpos serve` as it runs: the test build of the CLI (LOYALPOS_NOW fixes
// its clock) in a process of its own on 127.0.0.1 port 0, read from its first
// line of stdout ("listening on 127.0.0.1:PORT"), stopped with SIGTERM. And
// docs/api.md: every curl example in it, run with curl against such a
// server on a fresh ledger, must answer 2xx JSON.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "net/http_client.h"
#include "tests/support/temp_dir.h"

namespace loyalpos::api {

using net::HttpClient;
using net::HttpServer;
using net::ServerOptions;
namespace {

using loyalpos::testing::TempDir;
using nlohmann::json;

constexpr const char* kNow = "2026-11-21T10:30:00";

// The child's environment: ours, with HOME set to `home` and nothing else
// pointing loyalpos elsewhere, so its default home is under `home`.
void child_environment(const std::string& home) {
  setenv("HOME", home.c_str(), 1);
  unsetenv("LOYALPOS_HOME");
  unsetenv("XDG_DATA_HOME");
  setenv("LOYALPOS_NOW", kNow, 1);
}

int run_to_end(const std::string& home, const std::vector<std::string>& args,
               std::string* err = nullptr) {
  TempDir out;
  const std::string err_path = out.file("stderr");
  const pid_t pid = fork();
  if (pid == 0) {
    child_environment(home);
    const int fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> argv{const_cast<char*>(LOYALPOS_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(LOYALPOS_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (err != nullptr) {
    std::ifstream in(err_path);
    std::stringstream text;
    text << in.rdbuf();
    *err = text.str();
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A running `loyalpos serve`; SIGKILLed if the test did not stop it.
class Served {
 public:
  explicit Served(const std::string& home) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      child_environment(home);
      dup2(fds[1], 1);
      close(fds[0]);
      execl(LOYALPOS_BINARY, LOYALPOS_BINARY, "serve", "--listen", "127.0.0.1:0", nullptr);
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Served() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // The first line of stdout, waiting up to `timeout` for it.
  std::string first_line(std::chrono::milliseconds timeout = std::chrono::milliseconds(60000)) {
    std::string line;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[256];
      const ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    return line.substr(0, line.find('\n'));
  }

  std::uint16_t port() {
    const std::string line = first_line();
    const std::string prefix = "listening on 127.0.0.1:";
    if (line.rfind(prefix, 0) != 0) return 0;
    return static_cast<std::uint16_t>(std::stoi(line.substr(prefix.size())));
  }

  // SIGTERM, then the exit code (-1: killed by a signal or not ended).
  int terminate() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
};

std::string home_of(const TempDir& dir) { return dir.path() + "/.local/share/loyalpos"; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    std::string err;
    ASSERT_EQ(run_to_end(dir_.path(),
                         {"init", "--store", "Café", "--terminal", "T1", "--sample-catalog"}, &err),
              0)
        << err;
  }
  TempDir dir_;
};

TEST_F(ServeTest, ServesUntilSigtermThenExitsZero) {
  Served served(dir_.path());
  const std::uint16_t port = served.port();
  ASSERT_NE(port, 0);
  // The token was made at first start, readable by its owner only.
  const std::string token_file = home_of(dir_) + "/api-token";
  struct stat st {};
  ASSERT_EQ(stat(token_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string token = slurp(token_file);
  while (!token.empty() && token.back() == '\n') token.pop_back();
  EXPECT_EQ(token.size(), 64u);

  HttpClient client("127.0.0.1", port);
  auto r = client.request("GET", "/v1/health", "", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200) << r->body;
  r = client.request("POST", "/v1/sales", R"({"items":[{"sku":"LATTE"}]})",
                     {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201) << r->body;
  r = client.request("GET", "/v1/health");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(served.terminate(), 0);
  // The sale is in the ledger, which audits clean.
  std::string err;
  EXPECT_EQ(run_to_end(dir_.path(), {"audit"}, &err), 0) << err;
}

TEST_F(ServeTest, RefusesATokenFileOthersMayRead) {
  const std::string token_file = home_of(dir_) + "/api-token";
  std::ofstream(token_file) << "0123456789abcdef0123456789abcdef\n";
  ASSERT_EQ(chmod(token_file.c_str(), 0644), 0);
  std::string err;
  EXPECT_EQ(run_to_end(dir_.path(), {"serve", "--listen", "127.0.0.1:0"}, &err), 1);
  EXPECT_NE(err.find("api-token"), std::string::npos) << err;
  EXPECT_NE(err.find("chmod 600"), std::string::npos) << err;
}

TEST_F(ServeTest, RefusesAListenAddressThatIsNotHostPort) {
  std::string err;
  EXPECT_EQ(run_to_end(dir_.path(), {"serve", "--listen", "8080"}, &err), 1);
  EXPECT_NE(err.find("HOST:PORT"), std::string::npos) << err;
}

// An example of docs/api.md: the curl command and the answer the doc shows.
struct Example {
  std::string command;
  std::string answer;
};

std::vector<Example> doc_examples(const std::string& markdown) {
  std::vector<Example> out;
  std::istringstream in(markdown);
  std::string line, block, fence;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line.rfind("```", 0) == 0) {
      inside = true;
      fence = line.substr(3);
      block.clear();
      continue;
    }
    if (inside && line.rfind("```", 0) == 0) {
      inside = false;
      if ((fence == "sh" || fence == "bash") && block.rfind("curl ", 0) == 0) {
        out.push_back({block, ""});
      } else if (fence == "json" && !out.empty() && out.back().answer.empty()) {
        out.back().answer = block;
      }
      continue;
    }
    if (inside) block += line + "\n";
  }
  return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

TEST_F(ServeTest, EveryCurlExampleInTheDocsAnswers2xxJson) {
  const auto examples = doc_examples(slurp(std::string(LOYALPOS_SOURCE_DIR) + "/docs/api.md"));
  ASSERT_GE(examples.size(), 7u) << "docs/api.md lost its examples";
  Served served(dir_.path());
  const std::uint16_t port = served.port();
  ASSERT_NE(port, 0);
  // Values the doc shows (a card's token, a quote's id) stand for the ones
  // this server made: later examples get the live ones.
  std::map<std::string, std::string> live = {
      {"127.0.0.1:8080", "127.0.0.1:" + std::to_string(port)}};
  TempDir scratch;
  for (const auto& example : examples) {
    std::string command = example.command;
    while (!command.empty() && command.back() == '\n') command.pop_back();
    for (const auto& [doc, now] : live) replace_all(command, doc, now);
    SCOPED_TRACE(command);
    const std::string script = scratch.file("example.sh");
    std::ofstream(script) << "set -e\n"
                          << command << " -w '\\n%{http_code}' -o " << scratch.file("body") << " > "
                          << scratch.file("status") << "\n";
    const std::string run = "env HOME='" + dir_.path() + "' bash " + script;
    ASSERT_EQ(std::system(run.c_str()), 0);
    const std::string status = slurp(scratch.file("status"));
    const int code = std::atoi(status.substr(status.rfind('\n') + 1).c_str());
    const std::string body = slurp(scratch.file("body"));
    EXPECT_GE(code, 200) << body;
    EXPECT_LT(code, 300) << body;
    const auto got = json::parse(body, nullptr, false);
    ASSERT_TRUE(got.is_object()) << body;
    EXPECT_FALSE(got.contains("error")) << body;
    const auto shown = json::parse(example.answer, nullptr, false);
    ASSERT_TRUE(shown.is_object()) << "the doc's answer is not JSON: " << example.answer;
    for (const char* key : {"token", "quote_id", "card_id"}) {
      if (shown.contains(key) && got.contains(key) && shown[key].is_string()) {
        live[shown[key].get<std::string>()] = got[key].get<std::string>();
      }
    }
    // The doc shows the shape the server answers with: the same keys.
    for (const auto& [key, value] : shown.items()) {
      EXPECT_TRUE(got.contains(key)) << "the doc shows \"" << key << "\", the server has none";
    }
    for (const auto& [key, value] : got.items()) {
      EXPECT_TRUE(shown.contains(key)) << "the server answers \"" << key << "\", the doc not";
    }
  }
  EXPECT_EQ(served.terminate(), 0);
}

}  // namespace
}  // namespace loyalpos::api
