// Runs the real journeyd for the end-to-end tests: a command to completion,
// or `journeyd serve` in the background on 127.0.0.1 port 0 (the port read
// from its first line), stopped with SIGTERM.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace loyalpos::journeyd {

struct CommandRun {
  int status = -1;
  std::string out;
};

// Runs journeyd with `args` to completion, `input` on its standard input;
// its stdout and stderr together.
inline CommandRun run_journeyd(const std::vector<std::string>& args,
                               const std::string& input = "") {
  int fds[2], in[2];
  if (pipe(fds) != 0) return {};
  if (pipe(in) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(in[1]);
    std::vector<char*> argv = {const_cast<char*>(JOURNEYD_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(JOURNEYD_BINARY, argv.data());
    _exit(127);
  }
  close(fds[1]);
  close(in[0]);
  // A few bytes: the pipe takes them whole before the child reads.
  if (!input.empty()) (void)!write(in[1], input.data(), input.size());
  close(in[1]);
  CommandRun r;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// `journeyd serve` in the background; SIGTERM and wait in stop().
class Server {
 public:
  Server(const std::string& dir, const std::string& store_url,
         const std::string& listen = "127.0.0.1:0") {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      std::vector<std::string> args = {JOURNEYD_BINARY, "serve", "--data", dir, "--listen", listen};
      if (!store_url.empty()) {
        args.push_back("--store");
        args.push_back(store_url);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(JOURNEYD_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1 && c != '\n') line.push_back(c);
    first_line_ = line;
    const auto colon = line.rfind(':');
    if (line.rfind("listening on https://127.0.0.1:", 0) == 0 && colon != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
    }
  }
  ~Server() {
    if (pid_ > 0 && !stopped_) stop();
    if (out_ >= 0) close(out_);
  }
  std::uint16_t port() const { return port_; }
  const std::string& first_line() const { return first_line_; }
  pid_t pid() const { return pid_; }
  void signal_term() { kill(pid_, SIGTERM); }
  // Exit status after SIGTERM (or -1).
  int stop() {
    if (!stopped_) signal_term();
    return wait();
  }
  int wait() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    stopped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
  std::string first_line_;
  bool stopped_ = false;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace loyalpos::journeyd
