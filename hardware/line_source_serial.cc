// The serial scanner's Boost.Asio code; the only other Asio translation unit
// besides printer_tcp.cc.
#include "hardware/line_source_serial.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <cerrno>
#include <cstdio>
#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange under C++20

#include "hardware/detail/duration_text.h"

namespace loyalpos::hardware {

namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

using detail::seconds_text;

Error open_error(const std::string& device, const error_code& ec) {
  switch (ec.value()) {
    case ENOENT:
      return Error(
          ErrorCode::kUnavailable,
          "no scanner at " + device + ": is it plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)");
    case EACCES:
    case EPERM:
      return Error(ErrorCode::kUnavailable,
                   "cannot open scanner " + device +
                       ": permission denied. Add the user to group dialout "
                       "(sudo usermod -aG dialout USER), then log out and in again");
    case EBUSY:
      return Error(ErrorCode::kUnavailable, "scanner " + device +
                                                " is busy: another program holds it (ModemManager "
                                                "probing it? see docs/printers.md)");
    case ENOTTY:
    case EINVAL:
      return Error::invalid(device + " is not a serial port");
    default:
      return Error(ErrorCode::kUnavailable, "cannot open scanner " + device + ": " + ec.message());
  }
}

}  // namespace

struct SerialLineSource::Port {
  asio::io_context io{1};
  asio::serial_port port{io};

  // One read of whatever is there, waiting at most `wait` (negative: for
  // ever). Returns the bytes read; `ec` is the read's error, or timed_out.
  std::size_t read_some(char* buf, std::size_t size, milliseconds wait, error_code& ec) {
    bool done = false;
    std::size_t got = 0;
    port.async_read_some(asio::buffer(buf, size), [&](const error_code& e, std::size_t n) {
      ec = e;
      got = n;
      done = true;
    });
    io.restart();
    if (wait.count() < 0) {
      io.run();
    } else {
      io.run_for(wait);
    }
    if (!done) {
      error_code ignored;
      port.cancel(ignored);
      io.restart();
      io.run();
      if (got == 0) ec = asio::error::timed_out;
    }
    return got;
  }
};

SerialLineSource::SerialLineSource(SerialSettings settings, std::unique_ptr<Port> port)
    : settings_(std::move(settings)), port_(std::move(port)) {}

SerialLineSource::~SerialLineSource() = default;

Result<std::unique_ptr<SerialLineSource>> SerialLineSource::open(const SerialSettings& settings) {
  auto port = std::make_unique<Port>();
  error_code ec;
  port->port.open(settings.device, ec);
  if (ec) return open_error(settings.device, ec);
  using Base = asio::serial_port_base;
  port->port.set_option(Base::baud_rate(settings.baud), ec);
  if (ec) {
    return Error::invalid("scanner " + settings.device + " does not take " +
                          std::to_string(settings.baud) + " baud: " + ec.message());
  }
  port->port.set_option(Base::character_size(8), ec);
  if (!ec) port->port.set_option(Base::parity(Base::parity::none), ec);
  if (!ec) port->port.set_option(Base::stop_bits(Base::stop_bits::one), ec);
  if (!ec) port->port.set_option(Base::flow_control(Base::flow_control::none), ec);
  if (ec) return Error::io("cannot set up scanner " + settings.device + " as 8N1: " + ec.message());
  return std::unique_ptr<SerialLineSource>(new SerialLineSource(settings, std::move(port)));
}

Result<std::optional<std::string>> SerialLineSource::next_line() {
  const bool has_deadline = settings_.read_timeout.count() > 0;
  const auto deadline = SteadyClock::now() + settings_.read_timeout;
  char buf[256];
  for (;;) {
    while (auto line = lines_.pop()) {
      if (line->too_long) return line_too_long_error("scanner " + settings_.device);
      if (!line->text.empty()) return std::optional<std::string>(std::move(line->text));
    }
    if (ended_) return std::optional<std::string>();

    milliseconds wait{-1};
    if (has_deadline) {
      wait = std::max(milliseconds{0},
                      std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()));
    }
    const bool idle_ends = lines_.has_partial() && settings_.idle_end.count() > 0;
    if (idle_ends && (wait.count() < 0 || settings_.idle_end < wait)) wait = settings_.idle_end;

    error_code ec;
    const std::size_t n = port_->read_some(buf, sizeof buf, wait, ec);
    lines_.push(std::string_view(buf, n));
    if (n > 0) continue;
    if (ec == asio::error::timed_out) {
      if (idle_ends) {
        lines_.flush();
        continue;
      }
      if (has_deadline && SteadyClock::now() >= deadline) {
        return Error(ErrorCode::kUnavailable, "no scan from " + settings_.device + " within " +
                                                  seconds_text(settings_.read_timeout));
      }
      continue;
    }
    // End of file, or EIO once the device is unplugged (or a pty's master closes).
    if (ec == asio::error::eof || ec.value() == EIO) {
      ended_ = true;
      lines_.flush();
      continue;
    }
    if (ec) return Error::io("reading scanner " + settings_.device + " failed: " + ec.message());
  }
}

}  // namespace loyalpos::hardware
