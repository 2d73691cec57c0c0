// Makes the receipt printer the config's [printer] names: a VirtualPrinter
// folder, a DevicePrinter (USB), a TcpPrinter (network), or none. Making one
// opens nothing: each job connects or opens the device itself, so a printer
// that is off never stops the terminal from starting.
#pragma once

#include <memory>
#include <string>

#include "hardware/printer.h"
#include "pos/config/config.h"

namespace loyalpos::pos {

// nullptr for type = "none".
std::unique_ptr<hardware::EscPosPrinter> make_printer(const PrinterConfig& config,
                                                      const std::string& home);

// The virtual printer's folder: `folder`, under `home` when relative;
// <home>/prints when not set.
std::string printer_folder(const PrinterConfig& config, const std::string& home);

}  // namespace loyalpos::pos
