#include "tests/journeyd/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace loyalpos::journeyd {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kChunk = 64 * 1024;
// Chunks queued one way before the proxy stops reading the other side.
constexpr std::size_t kMaxQueued = 64;
constexpr milliseconds kQuietBeforeClosing{300};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Blocking connect to 127.0.0.1:port; -1 when nobody listens there.
int dial(std::uint16_t port) {
  if (port == 0) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const sockaddr_in addr = loopback(port);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Chunk {
  Clock::time_point due;
  std::string bytes;
};

// Writes the queue's chunks that are due; false on a broken socket.
bool flush(int fd, std::deque<Chunk>& queue) {
  const auto now = Clock::now();
  while (!queue.empty() && queue.front().due <= now) {
    std::string& b = queue.front().bytes;
    // MSG_NOSIGNAL: a peer gone must not SIGPIPE the test binary.
    const ssize_t n = send(fd, b.data(), b.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    b.erase(0, static_cast<std::size_t>(n));
    if (!b.empty()) return true;
    queue.pop_front();
  }
  return true;
}

bool due_now(const std::deque<Chunk>& q) { return !q.empty() && q.front().due <= Clock::now(); }

}  // namespace

struct FaultProxy::Conn {
  int client = -1;
  int server = -1;
  Fault fault;
  std::size_t client_bytes = 0;  // read from the client so far
  std::size_t answer_sent = 0;   // kCutAnswer: answer bytes let through
  std::deque<Chunk> to_server, to_client;
  bool client_eof = false, server_eof = false;    // read sides finished
  bool client_shut = false, server_shut = false;  // their EOF passed on
  bool close_when_flushed = false;                // a cut: close once the queues drain
  bool swallowing = false;
  bool fired = false;
  Clock::time_point last_client_byte = Clock::now();
  std::string recorded;

  bool past_at() const { return client_bytes > fault.at; }
  ~Conn() {
    if (client >= 0) close(client);
    if (server >= 0) close(server);
  }
};

FaultProxy::FaultProxy() {
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return;
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return;
  sockaddr_in addr = loopback(0);  // 127.0.0.1 only, any free port
  socklen_t size = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    return;
  }
  set_nonblocking(listen_fd_);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
  stop_ = true;
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  conns_.clear();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void FaultProxy::plan(std::deque<Fault> faults) {
  std::lock_guard lock(mutex_);
  plan_ = std::move(faults);
}

Fault FaultProxy::next_fault() {
  std::lock_guard lock(mutex_);
  if (plan_.empty()) return {};
  Fault f = plan_.front();
  plan_.pop_front();
  return f;
}

std::string FaultProxy::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

bool FaultProxy::wait_idle(milliseconds limit) const {
  const auto end = Clock::now() + limit;
  while (open_ > 0) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

void FaultProxy::accept_one() {
  const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  ++accepted_;
  const Fault fault = next_fault();
  if (fault.kind == Fault::Kind::kRefuse) {
    ++fired_;
    close(client);
    return;
  }
  const int server = dial(upstream_);
  if (server < 0) {  // journeyd is down: the client sees the connection closed
    close(client);
    return;
  }
  const int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_nonblocking(client);
  set_nonblocking(server);
  auto c = std::make_unique<Conn>();
  c->client = client;
  c->server = server;
  c->fault = fault;
  conns_.push_back(std::move(c));
  ++open_;
}

// Client bytes: recorded, counted, and forwarded as the fault allows.
bool FaultProxy::from_client(Conn& c, std::string bytes) {
  using K = Fault::Kind;
  const auto now = Clock::now();
  c.last_client_byte = now;
  const std::size_t before = c.client_bytes;
  c.client_bytes += bytes.size();
  const std::size_t room = c.fault.at > before ? c.fault.at - before : 0;
  switch (c.fault.kind) {
    case K::kCutRequest:
      if (bytes.size() > room) {
        bytes.resize(room);
        c.close_when_flushed = true;
        c.fired = true;
      }
      break;
    case K::kSwallowRequest:
      c.recorded += bytes;
      if (bytes.size() > room) {
        bytes.resize(room);
        c.swallowing = true;
      }
      break;
    case K::kDelay:
      if (c.past_at()) {
        c.to_server.push_back({now + c.fault.delay, std::move(bytes)});
        c.fired = true;
        return true;
      }
      break;
    default:
      break;
  }
  if (!bytes.empty()) c.to_server.push_back({now, std::move(bytes)});
  return true;
}

// journeyd's bytes: after `at`, the answer to the push in flight.
bool FaultProxy::from_server(Conn& c, std::string bytes) {
  using K = Fault::Kind;
  const auto now = Clock::now();
  if (c.past_at()) {
    switch (c.fault.kind) {
      case K::kLoseAnswer:
        c.fired = true;
        return false;  // journeyd committed; the client never hears it
      case K::kCutAnswer: {
        const std::size_t left = c.fault.answer_bytes - c.answer_sent;
        if (bytes.size() >= left) {
          bytes.resize(left);
          c.close_when_flushed = true;
          c.fired = true;
        }
        c.answer_sent += bytes.size();
        break;
      }
      case K::kDelay:
        // A client that hung up waiting is not kept waiting for longer.
        if (!c.client_eof) c.to_client.push_back({now + c.fault.delay, std::move(bytes)});
        return true;
      default:
        break;
    }
  }
  if (!bytes.empty()) c.to_client.push_back({now, std::move(bytes)});
  return true;
}

bool FaultProxy::pump(Conn& c, short client_events, short server_events) {
  char buf[kChunk];
  const bool reading = !c.close_when_flushed;
  if (reading && !c.client_eof && (client_events & (POLLIN | POLLHUP | POLLERR))) {
    const ssize_t n = read(c.client, buf, sizeof buf);
    if (n > 0) {
      if (!from_client(c, std::string(buf, static_cast<std::size_t>(n)))) return false;
    } else if (n == 0) {
      c.client_eof = true;
    } else if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (reading && !c.server_eof && (server_events & (POLLIN | POLLHUP | POLLERR))) {
    const ssize_t n = read(c.server, buf, sizeof buf);
    if (n > 0) {
      if (!from_server(c, std::string(buf, static_cast<std::size_t>(n)))) return false;
    } else if (n == 0) {
      c.server_eof = true;
    } else if (errno != EAGAIN && errno != EINTR) {
      return false;
    }
  }
  if (!flush(c.server, c.to_server) || !flush(c.client, c.to_client)) return false;
  if (c.close_when_flushed) return !(c.to_server.empty() && c.to_client.empty());
  if (c.swallowing && Clock::now() - c.last_client_byte > kQuietBeforeClosing) return false;
  // An end of stream passes on once what came before it has.
  if (c.client_eof && c.to_server.empty() && !c.server_shut) {
    shutdown(c.server, SHUT_WR);
    c.server_shut = true;
  }
  if (c.server_eof && c.to_client.empty() && !c.client_shut) {
    shutdown(c.client, SHUT_WR);
    c.client_shut = true;
  }
  return !(c.client_shut && c.server_shut);
}

void FaultProxy::finish(Conn& c) {
  if (c.fired) ++fired_;
  if (c.fault.kind == Fault::Kind::kSwallowRequest) {
    std::lock_guard lock(mutex_);
    recorded_ = c.recorded;
  }
  --open_;
}

void FaultProxy::loop() {
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    auto wait = milliseconds(50);
    const auto now = Clock::now();
    for (const auto& c : conns_) {
      const bool reading = !c->close_when_flushed;
      short ce = 0, se = 0;
      if (reading && !c->client_eof && c->to_server.size() < kMaxQueued) ce |= POLLIN;
      if (reading && !c->server_eof && c->to_client.size() < kMaxQueued) se |= POLLIN;
      if (due_now(c->to_client)) ce |= POLLOUT;
      if (due_now(c->to_server)) se |= POLLOUT;
      for (const auto* q : {&c->to_client, &c->to_server}) {
        if (!q->empty() && q->front().due > now) {
          wait = std::min(wait, std::chrono::duration_cast<milliseconds>(q->front().due - now) +
                                    milliseconds(1));
        }
      }
      fds.push_back({c->client, ce, 0});
      fds.push_back({c->server, se, 0});
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) accept_one();
    const std::size_t before = fds.size() / 2 - 1;  // connections polled this round
    std::vector<std::unique_ptr<Conn>> kept;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      const short ce = i < before ? fds[2 + 2 * i].revents : 0;
      const short se = i < before ? fds[3 + 2 * i].revents : 0;
      if (pump(*conns_[i], ce, se)) {
        kept.push_back(std::move(conns_[i]));
      } else {
        finish(*conns_[i]);
      }
    }
    conns_ = std::move(kept);
  }
}

std::string replay(std::uint16_t port, const std::string& bytes, milliseconds limit) {
  const int fd = dial(port);
  if (fd < 0) return {};
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  // journeyd may close mid-way (an alert after the forged handshake): the
  // rest of the bytes then simply do not go.
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string back;
  char buf[4096];
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    back.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return back;
}

}  // namespace loyalpos::journeyd
