// A TCP proxy for the sync fault tests (sync_faults_test.cc): it listens on
// 127.0.0.1, port 0, never any other address, and forwards each connection it
// accepts to journeyd on 127.0.0.1:upstream, from a thread of its own, byte
// for byte — unless the fault planned for that connection says otherwise.
// The terminal dials it because `journeyd init --public-url` put its port in
// the enrollment bundle; journeyd's certificate names the host, not the port.
//
// TLS passes through opaquely: the proxy sees bytes and their timing, never
// a request. A fault is therefore placed by counting the client's bytes on
// its connection (`at`): the sync agent keeps one connection for its claim,
// every push and the pull, and sends a push only after the answer to the
// request before it, so "more than `at` client bytes" with `at` past the
// handshake and the claim (a few KiB) means "inside a push", and everything
// journeyd sends after that is the answer to that push — journeyd answers
// only after its commit. (On a fresh connection a fault `at` just past the
// handshake may meet TLS 1.3 session tickets instead, which journeyd sends
// once it has read the client's Finished: that answer-fault then cuts the
// request rather than losing its answer. The tests place their answer
// faults on a connection whose claim went first.)
//
// How "duplicates a batch" is covered. Bytes of one TLS session cannot be
// replayed inside another, so a byte-level copy cannot deliver a batch twice.
// The honest ways, all in sync_faults_test.cc:
//   (a) kLoseAnswer: journeyd commits a batch, its answer never arrives, and
//       the terminal sends the same batch again (net's client retries once
//       on a kept-alive connection; the next sync from the old anchor);
//   (b) the test re-sends already-stored batches (and an overlapping one)
//       itself, over HTTPS with the terminal's own certificate;
//   (c) kSwallowRequest records a whole client stream (handshake, claim and
//       a push journeyd never got), and replay() plays it to journeyd on a
//       fresh connection: the handshake fails (new server random), nothing
//       is stored.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace loyalpos::journeyd {

struct Fault {
  enum class Kind {
    kPass,            // forward both ways
    kRefuse,          // close the connection at once: not one client byte forwarded
    kCutRequest,      // forward the first `at` client bytes, then close both sides
    kLoseAnswer,      // once the client sent more than `at` bytes, close both sides at
                      // journeyd's first byte back: it committed, the terminal never hears
    kCutAnswer,       // the same, but `answer_bytes` of the answer reach the client first
    kDelay,           // once the client sent more than `at` bytes, hold every chunk,
                      // both ways, `delay` before forwarding it
    kSwallowRequest,  // forward the first `at` client bytes, keep the rest (and all
                      // of it in recorded()); close when the client has been quiet 300 ms
  };
  Kind kind = Kind::kPass;
  std::size_t at = 0;
  std::size_t answer_bytes = 0;
  std::chrono::milliseconds delay{0};
};

class FaultProxy {
 public:
  // Listens at once (port() is 0 if it could not); forwards nowhere until
  // set_upstream().
  FaultProxy();
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // journeyd's port on 127.0.0.1, for connections accepted from now on
  // (a restarted journeyd listens on another port).
  void set_upstream(std::uint16_t port) { upstream_ = port; }
  // The faults for the next connections, in order; later ones pass.
  void plan(std::deque<Fault> faults);
  // Planned faults that took effect (a refused connection, a cut, a lost or
  // cut answer, a swallowed request; a delay when it first held a byte).
  int fired() const { return fired_; }
  int accepted() const { return accepted_; }
  // Waits until no connection is open (true) or `limit` passed (false).
  bool wait_idle(std::chrono::milliseconds limit) const;
  // The client bytes of the last kSwallowRequest connection.
  std::string recorded() const;

 private:
  struct Conn;
  void loop();
  void accept_one();
  // Reads, applies the fault, writes what is due. false: close it now.
  bool pump(Conn& c, short client_events, short server_events);
  bool from_client(Conn& c, std::string bytes);
  bool from_server(Conn& c, std::string bytes);
  void finish(Conn& c);
  Fault next_fault();

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::atomic<std::uint16_t> upstream_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> fired_{0};
  std::atomic<int> accepted_{0};
  std::atomic<int> open_{0};
  mutable std::mutex mutex_;  // plan_, recorded_
  std::deque<Fault> plan_;
  std::string recorded_;
  std::vector<std::unique_ptr<Conn>> conns_;  // the proxy thread's only
  std::thread thread_;
};

// Connects to 127.0.0.1:port, writes `bytes`, reads until the peer closes
// or `limit` passes; returns what came back.
std::string replay(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds limit);

}  // namespace loyalpos::journeyd
