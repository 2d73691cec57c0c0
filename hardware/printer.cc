#include "hardware/printer.h"

namespace loyalpos::hardware {

Result<PrinterStatus> Printer::status() { return PrinterStatus::unknown(); }

Result<std::vector<std::uint8_t>> EscPosPrinter::encode(const ReceiptDocument& document) {
  if (!encoder_) {
    auto encoder = EscPosEncoder::create(profile_);
    if (!encoder) return encoder.error();
    encoder_.emplace(std::move(*encoder));
  }
  return encoder_->encode(document);
}

Status EscPosPrinter::print(const ReceiptDocument& document) {
  auto job = encode(document);
  if (!job) return job.error();
  return send_job(*job);
}

}  // namespace loyalpos::hardware
