// A printer behind a device file: USB printers through the kernel's usblp
// driver (/dev/usb/lp0) or a parallel port. One job = open (write-only, no
// controlling tty, non-blocking so nothing hangs) -> write all, waiting at
// most write_timeout whenever the printer takes no more -> wait until the
// driver has passed the last bytes on (usblp cancels a transfer still under
// way at close) -> close. The descriptor is closed on every path.
//
// Opening failures name the fix: permission (group lp), nothing there
// (unplugged, off), busy (CUPS or another program holds it) — kUnavailable. The
// path must be a character device: a regular file, folder or pipe is a
// wrong config, kInvalidInput (never retried by itself), and is left
// untouched.
#pragma once

#include <chrono>
#include <string>

#include "hardware/printer.h"

namespace loyalpos::hardware {

struct DevicePrinterSettings {
  std::string path = "/dev/usb/lp0";
  // Longest wait for the printer to take more bytes (it stops while out of paper).
  std::chrono::milliseconds write_timeout{10000};
};

class DevicePrinter final : public EscPosPrinter {
 public:
  DevicePrinter(PrinterProfile profile, DevicePrinterSettings settings)
      : EscPosPrinter(std::move(profile)), settings_(std::move(settings)) {}

  Status send_job(std::span<const std::uint8_t> job) override;
  // The port status (LPGETSTATUS) where the driver has one; otherwise unknown.
  Result<PrinterStatus> status() override;

 private:
  DevicePrinterSettings settings_;
};

// The error for failing to open `path` with errno `err` (kUnavailable: nothing printed).
Error device_open_error(const std::string& path, int err);

}  // namespace loyalpos::hardware
