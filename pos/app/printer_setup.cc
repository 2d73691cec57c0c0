#include "pos/app/printer_setup.h"

#include <chrono>
#include <filesystem>

#include "hardware/printer_device.h"
#include "hardware/printer_tcp.h"
#include "hardware/printer_virtual.h"

namespace loyalpos::pos {

std::string printer_folder(const PrinterConfig& config, const std::string& home) {
  if (config.folder.empty()) return home + "/prints";
  const std::filesystem::path folder(config.folder);
  return folder.is_absolute() ? config.folder : (std::filesystem::path(home) / folder).string();
}

std::unique_ptr<hardware::EscPosPrinter> make_printer(const PrinterConfig& config,
                                                      const std::string& home) {
  using std::chrono::milliseconds;
  switch (config.type) {
    case PrinterType::kNone:
      return nullptr;
    case PrinterType::kVirtual:
      return std::make_unique<hardware::VirtualPrinter>(config.profile,
                                                        printer_folder(config, home));
    case PrinterType::kUsb:
      return std::make_unique<hardware::DevicePrinter>(
          config.profile,
          hardware::DevicePrinterSettings{config.device, milliseconds(config.write_timeout_ms)});
    case PrinterType::kNetwork: {
      hardware::TcpPrinterSettings settings;
      settings.host = config.host;
      settings.port = static_cast<std::uint16_t>(config.port);
      settings.connect_timeout = milliseconds(config.connect_timeout_ms);
      settings.write_timeout = milliseconds(config.write_timeout_ms);
      settings.drain_timeout = milliseconds(config.drain_timeout_ms);
      settings.status_timeout = milliseconds(config.status_timeout_ms);
      // A printer that answers DLE EOT confirms each receipt with its answer
      // (docs/printers.md, "When a receipt counts as printed").
      settings.confirm_with_status = config.profile.status_after_job;
      return std::make_unique<hardware::TcpPrinter>(config.profile, settings);
    }
  }
  return nullptr;
}

}  // namespace loyalpos::pos
