#include "base/printer_profile.h"

#include <array>

namespace loyalpos {

namespace {

const std::array<PrinterProfile, 3>& builtin_profiles() {
  static const std::array<PrinterProfile, 3> kProfiles = {{
      {"epson-tm-t88", 48, 576, 17, "CP866", true, 6, true, true},
      {"xprinter-58", 32, 384, 17, "CP866", false, 6, false},
      {"generic-80", 42, 512, 17, "CP866", false, 6, true},
  }};
  return kProfiles;
}

}  // namespace

Status validate_profile(const PrinterProfile& p) {
  const std::string who = "printer profile \"" + p.name + "\": ";
  if (p.columns < 8 || p.columns > 96) {
    return Error::invalid(who + "columns must be 8 to 96, not " + std::to_string(p.columns));
  }
  // GS v 0 carries the width in bytes in one byte pair; 2040 dots is far beyond any roll.
  if (p.dots_per_line < 128 || p.dots_per_line > 2040) {
    return Error::invalid(who + "dots per line must be 128 to 2040, not " +
                          std::to_string(p.dots_per_line));
  }
  if (p.code_page < 0 || p.code_page > 255) {
    return Error::invalid(who + "code page table must be 0 to 255, not " +
                          std::to_string(p.code_page));
  }
  if (p.encoding.empty()) return Error::invalid(who + "no encoding given for the code page");
  if (p.qr_module_size < 1 || p.qr_module_size > 16) {
    return Error::invalid(who + "QR module size must be 1 to 16 dots, not " +
                          std::to_string(p.qr_module_size));
  }
  return ok_status();
}

Result<PrinterProfile> builtin_profile(std::string_view name) {
  for (const PrinterProfile& profile : builtin_profiles()) {
    if (profile.name == name) return profile;
  }
  std::string known;
  for (const std::string& n : builtin_profile_names()) known += (known.empty() ? "" : ", ") + n;
  return Error::not_found("unknown printer profile \"" + std::string(name) +
                          "\"; known profiles: " + known);
}

std::vector<std::string> builtin_profile_names() {
  std::vector<std::string> names;
  for (const PrinterProfile& profile : builtin_profiles()) names.push_back(profile.name);
  return names;
}

}  // namespace loyalpos
