// The only translation unit of the printers that includes Boost.Asio (it is
// slow to compile, twice as slow under ASan): keep it that way.
#include "hardware/printer_tcp.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>

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
      return Error(ErrorCode::kUnavailable, "the printer at " + where_ + " did not answer within " +
                                                seconds_text(settings_.connect_timeout) +
                                                ": it is busy, switched off or unreachable");
    }
    if (result == asio::error::connection_refused) {
      return Error(ErrorCode::kUnavailable,
                   "the printer at " + where_ +
                       " refused the connection: it is busy with another job, "
                       "starting up, or that is not its address");
    }
    if (result) {
      return Error(ErrorCode::kUnavailable, "cannot reach the printer at " + where_ + " (" +
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

  // Reads (and drops) whatever the printer sends until it closes, so our
  // close never resets a connection the printer is still reading. A job of
  // `total` bytes was taken when the printer closed after reading to our
  // end. A printer that keeps the connection open past drain_timeout took
  // it only if it `confirmed` (answered a status request after the job)
  // and its TCP acknowledged every byte: acknowledged bytes may sit unread
  // in a hung printer's buffer, and bytes in our send queue are not on the
  // printer at all.
  Status drain(std::size_t total, bool confirmed) {
    const auto deadline = SteadyClock::now() + settings_.drain_timeout;
    std::uint8_t buf[256];
    for (;;) {
      const milliseconds left = until(deadline);
      if (left.count() <= 0) return not_closed(total, confirmed);
      bool done = false;
      error_code result;
      socket_.async_read_some(asio::buffer(buf), [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
      });
      if (!wait(left, done, /*close_on_timeout=*/false)) return not_closed(total, confirmed);
      if (result == asio::error::eof) return ok_status();
      if (result) {
        return Error(ErrorCode::kIo, "the printer at " + where_ +
                                         " dropped the connection before finishing the job (" +
                                         result.message() +
                                         "): part of the receipt may be missing");
      }
    }
  }

  // Asks the printer (DLE EOT) after the job: an answer means it has read
  // every byte before the question. No answer, or a printer that is not
  // ready, is not printed. A printer reads a long job as it prints, so the
  // wait for the answer starts over while it is still taking bytes (up to
  // write_timeout in all); one that takes nothing answers nothing within
  // status_timeout.
  Status confirm() {
    LOYALPOS_TRY(write_all(status_query()));
    const PrinterStatus status = parse_status_reply(read_reply());
    if (!status.known) {
      return Error(ErrorCode::kIo, "the printer at " + where_ +
                                       " did not confirm it took the receipt (no answer to the "
                                       "status request within " +
                                       seconds_text(settings_.status_timeout) +
                                       "): check it, then reprint if the receipt is missing");
    }
    if (!status.ready()) {
      return Error(ErrorCode::kIo, "the receipt did not print: " + describe(status) +
                                       ". It may come out when the printer is fixed: check "
                                       "before you reprint");
    }
    return ok_status();
  }

  std::vector<std::uint8_t> read_reply() {
    constexpr milliseconds kSlice{100};
    const auto start = SteadyClock::now();
    const auto cap = start + settings_.write_timeout + settings_.status_timeout;
    auto deadline = start + settings_.status_timeout;
    int last_unacked = unacknowledged();
    std::vector<std::uint8_t> got;
    std::uint8_t buf[16];
    while (got.size() < kStatusReplyBytes) {
      const milliseconds left = std::min(until(deadline), until(cap));
      if (left.count() <= 0) break;
      bool done = false;
      error_code result;
      std::size_t n = 0;
      socket_.async_read_some(asio::buffer(buf, kStatusReplyBytes - got.size()),
                              [&](const error_code& ec, std::size_t bytes) {
                                result = ec;
                                n = bytes;
                                done = true;
                              });
      if (!wait(std::min(left, kSlice), done, /*close_on_timeout=*/false)) {
        got.insert(got.end(), buf, buf + n);  // what arrived as it was cancelled
        const int unacked = unacknowledged();
        if (unacked >= 0 && unacked < last_unacked) {  // still reading the job
          last_unacked = unacked;
          deadline = SteadyClock::now() + settings_.status_timeout;
        }
        continue;
      }
      got.insert(got.end(), buf, buf + n);
      if (result) break;
    }
    return got;
  }

  // Bytes sent but not acknowledged by the printer (SIOCOUTQ; a FIN counts
  // one), or -1 when the socket cannot say.
  int unacknowledged() {
    int unacked = 0;
    if (::ioctl(socket_.native_handle(), SIOCOUTQ, &unacked) != 0) return -1;
    return unacked;
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
      return Error(ErrorCode::kUnavailable, "cannot find the printer " + settings_.host + " (" +
                                                ec.message() + "): use its IP address");
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    return endpoints;
  }

  // Runs until `done` or `timeout`. On timeout aborts the operation (by
  // closing the socket, or only cancelling it so the socket can still be
  // asked how much of the job is unacknowledged), runs its handler and
  // returns false.
  bool wait(milliseconds timeout, const bool& done, bool close_on_timeout = true) {
    io_.restart();
    if (timeout.count() > 0) io_.run_for(timeout);
    if (done) return true;
    if (close_on_timeout) {
      close();
    } else {
      error_code ignored;
      socket_.cancel(ignored);
    }
    io_.restart();
    io_.run();
    return false;
  }

  // After shutdown_send, the printer still connected: ok when it confirmed
  // the job and its TCP acknowledged every byte (SIOCOUTQ: bytes sent but
  // not acknowledged, our FIN included).
  Status not_closed(std::size_t total, bool confirmed) {
    const int unacked = unacknowledged();
    if (unacked < 0) {
      return Error(ErrorCode::kIo, "cannot tell whether the printer at " + where_ +
                                       " took the receipt: check it, then reprint if it is "
                                       "missing");
    }
    if (unacked == 0 && confirmed) return ok_status();
    if (unacked == 0) {
      return Error(ErrorCode::kIo, "the printer at " + where_ +
                                       " got the receipt but did not finish the job (it did not "
                                       "close the connection within " +
                                       seconds_text(settings_.drain_timeout) +
                                       "): check whether it printed; reprint it if not");
    }
    const std::size_t waiting = std::min(total, static_cast<std::size_t>(unacked));
    return Error(ErrorCode::kIo,
                 "the printer at " + where_ + " did not take the whole receipt: " +
                     std::to_string(waiting) + " of " + std::to_string(total) +
                     " bytes still waiting after " + seconds_text(settings_.drain_timeout) +
                     " (out of paper, cover open, or not reading?). It is not counted as "
                     "printed: check the printer, then reprint");
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
  if (settings_.confirm_with_status) LOYALPOS_TRY(connection.confirm());
  connection.shutdown_send();
  return connection.drain(job.size(), settings_.confirm_with_status);
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
