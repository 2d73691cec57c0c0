// A network receipt printer on a raw TCP port (9100, "JetDirect").
//
// One job = connect (connect_timeout) -> write all (write_timeout) ->
// [confirm_with_status: DLE EOT, wait for the answer] -> shutdown(send) ->
// read until the printer closes or drain_timeout passes (closing at once
// loses the tail and the cut) -> close. One connection at a time: a printer
// busy with a job refuses the next. The socket is closed on every path.
//
// A job succeeds only when the printer took every byte: it closed the
// connection after reading to our end, or (confirm_with_status) it answered
// the status request sent after the job, "ready", and acknowledged every
// byte. Bytes in socket buffers are not taken: a printer that never reads
// still accepts a connection and, for a small job, all of its bytes.
//
// Errors: refused or no answer -> kUnavailable ("busy, switched off or
// unreachable": nothing printed, try again later); the connection broke,
// stalled, or the printer did not take or confirm the whole job -> kIo (part
// of the receipt may be on the paper, or come out later). Retrying is the
// caller's business (its spool), never this class's.
//
// status() sends DLE EOT 1, 2, 4 on its own connection and waits
// status_timeout for the three answers; none (or garbage) is "unknown".
// Boost.Asio stays inside printer_tcp.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hardware/printer.h"

namespace loyalpos::hardware {

struct TcpPrinterSettings {
  std::string host;  // an IP address is best: a name needs a resolver, which may hang offline
  std::uint16_t port = 9100;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds drain_timeout{2000};  // after the job, for the printer to close
  std::chrono::milliseconds status_timeout{1500};
  // Send DLE EOT after each job and count it printed only on a "ready"
  // answer: for printers that answer status requests (genuine Epson TM).
  bool confirm_with_status = false;
};

class TcpPrinter final : public EscPosPrinter {
 public:
  TcpPrinter(PrinterProfile profile, TcpPrinterSettings settings)
      : EscPosPrinter(std::move(profile)), settings_(std::move(settings)) {}

  Status send_job(std::span<const std::uint8_t> job) override;
  Result<PrinterStatus> status() override;

 private:
  TcpPrinterSettings settings_;
};

}  // namespace loyalpos::hardware
