// A printer that prints into a folder, for trying loyalpos without one:
// each job becomes job-NNNN.bin (the exact ESC/POS bytes a real printer of
// the profile would get) and job-NNNN.png (a preview of the paper, see
// receipt_preview.h). Numbers continue after the highest job already in the
// folder, so a restart never overwrites a receipt. Files are written under
// a temporary name, synced and renamed: a job's files are whole or absent.
// A write that fails (a full disk) leaves no file of the job and is kUnavailable
// (printer.h: nothing printed, try again), so the spool keeps the receipt.
#pragma once

#include <string>

#include "hardware/printer.h"

namespace loyalpos::hardware {

class VirtualPrinter final : public EscPosPrinter {
 public:
  // The folder is created on the first job if it does not exist.
  VirtualPrinter(PrinterProfile profile, std::string folder)
      : EscPosPrinter(std::move(profile)), folder_(std::move(folder)) {}

  // job-NNNN.bin and job-NNNN.png.
  Status print(const ReceiptDocument& document) override;
  // job-NNNN.bin only (bytes encoded earlier, e.g. a reprint from a spool).
  Status send_job(std::span<const std::uint8_t> job) override;
  // Ready when the folder can be written; an error saying why otherwise.
  Result<PrinterStatus> status() override;

  // The last job's path without extension ("<folder>/job-0003"); empty before one.
  const std::string& last_job() const { return last_job_; }

 private:
  Result<std::string> next_job();

  std::string folder_;
  std::string last_job_;
};

}  // namespace loyalpos::hardware
