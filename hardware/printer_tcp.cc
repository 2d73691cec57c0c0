// The only translation unit of the printers that includes Boost.Asio (it is
// slow to compile, twice as slow under ASan): keep it that way.
#include "hardware/printer_tcp.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange under C++20
#include <vector>

#include "hardware/detail/duration_text.h"
#include "hardware/escpos_status.h"

namespace loyalpos::hardware {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

using detail::seconds_text;

milliseconds until(SteadyClock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
}

// One TCP connection to the printer, driven synchronously: each operation
// is started asynchronously and the io_context runs until it completes or
// its time is up; then the socket is closed, which aborts it. The socket is
// closed on destruction, whatever happened.
class Connection {
 public:
  explicit Connection(const TcpPrinterSettings& settings)
      : settings_(settings), where_(settings.host + ":" + std::to_string(settings.port)) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status connect() {
    auto endpoints = resolve();
    if (!endpoints) return endpoints.error();
    bool done = false;
    error_code result;
    asio::async_connect(socket_, *endpoints, [&](const error_code& ec, const tcp::endpoint&) {
      result = ec;
      done = true;
    });
    if (!wait(settings_.connect_timeout, done)) {
      return Error(ErrorCode::kBusy, "the printer at " + where_ + " did not answer within " +
                                         seconds_text(settings_.connect_timeout) +
                                         ": it is busy, switched off or unreachable");
    }
    if (result == asio::error::connection_refused) {
      return Error(ErrorCode::kBusy, "the printer at " + where_ +
                                         " refused the connection: it is busy with another job, "
                                         "starting up, or that is not its address");
    }
    if (result) {
      return Error(ErrorCode::kBusy, "cannot reach the printer at " + where_ + " (" +
                                         result.message() +
                                         "): it is busy, switched off or unreachable");
    }
    return ok_status();
  }

  Status write_all(std::span<const std::uint8_t> bytes) {
    bool done = false;
    error_code result;
    std::size_t written = 0;
    asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                      [&](const error_code& ec, std::size_t n) {
                        result = ec;
                        written = n;
                        done = true;
                      });
    if (!wait(settings_.write_timeout, done)) {
      return Error(ErrorCode::kIo,
                   "the printer at " + where_ + " stopped taking the receipt after " +
                       std::to_string(written) + " of " + std::to_string(bytes.size()) +
                       " bytes for " + seconds_text(settings_.write_timeout) +
                       ": out of paper or cover open? Part of it may have printed");
    }
    if (result) {
      return Error(ErrorCode::kIo,
                   "lost the connection to the printer at " + where_ + " after " +
                       std::to_string(written) + " of " + std::to_string(bytes.size()) +
                       " bytes (" + result.message() + "): part of the receipt may have printed");
    }
    return ok_status();
  }

  void shutdown_send() {
    error_code ignored;  // a peer that is already gone shows up in drain()
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Reads (and drops) whatever the printer sends until it closes. A printer
  // that keeps the connection open past drain_timeout has the whole job.
  Status drain() {
    const auto deadline = SteadyClock::now() + settings_.drain_timeout;
    std::uint8_t buf[256];
    for (;;) {
      const milliseconds left = until(deadline);
      if (left.count() <= 0) return ok_status();
      bool done = false;
      error_code result;
      socket_.async_read_some(asio::buffer(buf), [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
      });
      if (!wait(left, done)) return ok_status();
      if (result == asio::error::eof) return ok_status();
      if (result) {
        return Error(ErrorCode::kIo, "the printer at " + where_ +
                                         " dropped the connection before finishing the job (" +
                                         result.message() +
                                         "): part of the receipt may be missing");
      }
    }
  }

  // Up to `count` bytes, whatever arrived within `timeout`.
  std::vector<std::uint8_t> read_up_to(std::size_t count, milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    std::vector<std::uint8_t> got;
    std::uint8_t buf[16];
    while (got.size() < count) {
      const milliseconds left = until(deadline);
      if (left.count() <= 0) break;
      bool done = false;
      error_code result;
      std::size_t n = 0;
      socket_.async_read_some(asio::buffer(buf, std::min(sizeof buf, count - got.size())),
                              [&](const error_code& ec, std::size_t bytes) {
                                result = ec;
                                n = bytes;
                                done = true;
                              });
      if (!wait(left, done)) break;
      got.insert(got.end(), buf, buf + n);
      if (result) break;
    }
    return got;
  }

 private:
  Result<std::vector<tcp::endpoint>> resolve() {
    error_code ec;
    const asio::ip::address address = asio::ip::make_address(settings_.host, ec);
    if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(address, settings_.port)};
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(settings_.host, std::to_string(settings_.port), ec);
    if (ec || results.empty()) {
      return Error(ErrorCode::kBusy, "cannot find the printer " + settings_.host + " (" +
                                         ec.message() + "): use its IP address");
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    return endpoints;
  }

  // Runs until `done` or `timeout`. On timeout closes the socket, which
  // aborts the operation, and runs its handler; returns false.
  bool wait(milliseconds timeout, const bool& done) {
    io_.restart();
    if (timeout.count() > 0) io_.run_for(timeout);
    if (done) return true;
    close();
    io_.restart();
    io_.run();
    return false;
  }

  void close() {
    error_code ignored;
    socket_.close(ignored);
  }

  const TcpPrinterSettings& settings_;
  const std::string where_;
  asio::io_context io_{1};
  tcp::socket socket_{io_};
};

}  // namespace

Status TcpPrinter::send_job(std::span<const std::uint8_t> job) {
  Connection connection(settings_);
  LOYALPOS_TRY(connection.connect());
  LOYALPOS_TRY(connection.write_all(job));
  connection.shutdown_send();
  return connection.drain();
}

Result<PrinterStatus> TcpPrinter::status() {
  Connection connection(settings_);
  LOYALPOS_TRY(connection.connect());
  const std::vector<std::uint8_t> query = status_query();
  LOYALPOS_TRY(connection.write_all(query));
  const std::vector<std::uint8_t> reply =
      connection.read_up_to(kStatusReplyBytes, settings_.status_timeout);
  connection.shutdown_send();
  return parse_status_reply(reply);
}

}  // namespace loyalpos::hardware
