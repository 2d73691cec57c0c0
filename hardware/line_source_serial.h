// A serial scanner (USB CDC-ACM /dev/ttyACM0, or a USB-serial adapter
// /dev/ttyUSB0): lines read below any keyboard layout. The port is opened
// raw, 8 data bits, no parity, 1 stop bit, no flow control, at `baud`.
// Lines end at CR, LF, CRLF or TAB (see line_source.h); empty lines are skipped.
// Unplugging the scanner ends the input (next_line() gives std::nullopt).
// Boost.Asio stays inside line_source_serial.cc.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "hardware/line_source.h"

namespace loyalpos::hardware {

struct SerialSettings {
  std::string device;  // e.g. "/dev/ttyACM0"
  unsigned baud = 9600;
  // > 0: a line with no terminator ends after this long without a byte
  // (scanners set to send no suffix). 0: wait for CR/LF.
  std::chrono::milliseconds idle_end{0};
  // > 0: next_line() fails (kUnavailable) when no line came in this long. 0: waits for ever.
  std::chrono::milliseconds read_timeout{0};
};

class SerialLineSource final : public LineSource {
 public:
  // Errors: the device cannot be opened (the message says why: missing,
  // permission -> group dialout, busy -> ModemManager), is not a serial
  // port, or refuses the baud rate.
  static Result<std::unique_ptr<SerialLineSource>> open(const SerialSettings& settings);
  ~SerialLineSource() override;

  Result<std::optional<std::string>> next_line() override;

 private:
  struct Port;

  SerialLineSource(SerialSettings settings, std::unique_ptr<Port> port);

  SerialSettings settings_;
  std::unique_ptr<Port> port_;
  LineAssembler lines_;
  bool ended_ = false;
};

}  // namespace loyalpos::hardware
