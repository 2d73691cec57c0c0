// A receipt printer: prints a ReceiptDocument and, if it can, says how it is.
//
// EscPosPrinter is every printer reached by sending ESC/POS bytes: print()
// encodes with the profile and hands the whole job to send_job(), which each
// transport implements (device file, TCP 9100, folder, or a function for
// tests and benchmarks). send_job() also takes bytes encoded earlier, so a
// spool can keep a job's exact bytes and reprint them.
//
// Error codes, for a caller's retry policy: kInvalidInput — the document can
// never print (a line too wide, a bad profile); kUnavailable — the printer was not
// reached (refused, timeout, unplugged, busy device): nothing printed, try
// again later; kIo — the connection broke during the job: part of it may be
// on the paper. A printer object runs one job at a time (not thread-safe);
// a spool serialises jobs per printer.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "hardware/escpos_encoder.h"
#include "hardware/printer_status.h"
#include "hardware/receipt_document.h"

namespace loyalpos::hardware {

class Printer {
 public:
  virtual ~Printer() = default;

  virtual Status print(const ReceiptDocument& document) = 0;
  // Default: unknown (the transport cannot ask).
  virtual Result<PrinterStatus> status();
};

class EscPosPrinter : public Printer {
 public:
  explicit EscPosPrinter(PrinterProfile profile) : profile_(std::move(profile)) {}

  Status print(const ReceiptDocument& document) override;
  virtual Status send_job(std::span<const std::uint8_t> job) = 0;

  // The bytes print() would send.
  Result<std::vector<std::uint8_t>> encode(const ReceiptDocument& document);
  const PrinterProfile& profile() const { return profile_; }

 private:
  PrinterProfile profile_;
  std::optional<EscPosEncoder> encoder_;  // made on first use, kept (it holds iconv handles)
};

// Hands each job to a function: a null transport for benchmarks, a capture
// for tests of whatever drives a printer.
class SinkPrinter final : public EscPosPrinter {
 public:
  using Send = std::function<Status(std::span<const std::uint8_t>)>;

  SinkPrinter(PrinterProfile profile, Send send)
      : EscPosPrinter(std::move(profile)), send_(std::move(send)) {}

  Status send_job(std::span<const std::uint8_t> job) override { return send_(job); }

 private:
  Send send_;
};

}  // namespace loyalpos::hardware
