// A receipt printer on 127.0.0.1 for the spool and end-to-end tests: a
// thread accepts connections on one port and keeps what each job sent. It
// can take whole jobs, or drop every connection after `close_after` bytes
// (a printer that dies mid-job). stop() closes the port (then connections
// are refused); start() listens again on the same port. Every wait is
// bounded, and everything binds to loopback only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace loyalpos::testing {

class FakeTcpPrinter {
 public:
  using Bytes = std::vector<std::uint8_t>;

  // close_after = 0: take whole jobs.
  explicit FakeTcpPrinter(std::size_t close_after = 0) : close_after_(close_after) { start(); }
  ~FakeTcpPrinter() { stop(); }
  FakeTcpPrinter(const FakeTcpPrinter&) = delete;
  FakeTcpPrinter& operator=(const FakeTcpPrinter&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  std::uint16_t port() const { return port_; }

  // Listens (again) on port() — or on a fresh port the first time.
  bool start() {
    stop();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return false;
    }
    port_ = ntohs(addr.sin_port);
    listen_fd_ = fd;
    running_ = true;
    thread_ = std::thread([this] { serve(); });
    return true;
  }

  // Closes the port: connections are refused until start().
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

  // The jobs received so far (one per connection that sent anything).
  std::vector<Bytes> jobs() {
    std::lock_guard lock(mutex_);
    return jobs_;
  }

 private:
  static bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  }

  void serve() {
    while (running_) {
      if (!readable(listen_fd_, 50)) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Bytes got;
      std::uint8_t buf[4096];
      for (int idle = 0; idle < 100;) {  // at most ~5 s without a byte
        std::size_t want = sizeof buf;
        if (close_after_ > 0) {
          if (got.size() >= close_after_) break;
          want = std::min(want, close_after_ - got.size());
        }
        if (!readable(fd, 50)) {
          ++idle;
          continue;
        }
        const ssize_t n = ::recv(fd, buf, want, 0);
        if (n <= 0) break;
        got.insert(got.end(), buf, buf + n);
      }
      if (close_after_ > 0) {
        linger hard{1, 0};  // reset: the client sees the connection break
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      }
      ::close(fd);
      if (!got.empty()) {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(got));
      }
    }
  }

  std::size_t close_after_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> running_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Bytes> jobs_;
};

// A printer on 127.0.0.1 that accepts connections and never reads them
// (jammed, or its firmware hung): what is sent sits in socket buffers. A
// small receive buffer makes a receipt fill its window. Connections are
// held until the object goes away; every wait is bounded.
class StuckTcpPrinter {
 public:
  StuckTcpPrinter() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    const int rcvbuf = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return;
    }
    port_ = ntohs(addr.sin_port);
    listen_fd_ = fd;
    running_ = true;
    thread_ = std::thread([this] { serve(); });
  }
  ~StuckTcpPrinter() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
    for (int fd : held_) ::close(fd);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  StuckTcpPrinter(const StuckTcpPrinter&) = delete;
  StuckTcpPrinter& operator=(const StuckTcpPrinter&) = delete;

  bool ok() const { return listen_fd_ >= 0; }
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void serve() {
    for (int idle = 0; running_ && idle < 1200; ++idle) {  // at most ~60 s
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      held_.push_back(fd);
      ++connections_;
    }
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> running_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::vector<int> held_;  // touched by the thread only, until it is joined
};

}  // namespace loyalpos::testing
