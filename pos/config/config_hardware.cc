// The counter's hardware in the config: [printer] (type, profile and its
// overrides, where the printer is, timeouts), [scanner] (keyboard or serial,
// prefix/suffix) and [receipt] (join_url). A printer config that is read
// without error has a valid profile; a serial scanner has a device.
#include "pos/config/detail/config_parser.h"

namespace loyalpos::pos::detail {

namespace {

Status read_profile(const ConfigReader& r, const toml::table& t, PrinterConfig& printer) {
  auto name = r.string_at(t, "profile", "generic-80", false);
  if (!name.ok()) return name.error();
  auto profile = builtin_profile(*name);
  if (!profile.ok()) {
    const toml::node* where = t.get("profile");
    return r.error_at(where != nullptr ? *where : t, profile.error().message());
  }
  PrinterProfile& p = *profile;
  auto columns = r.int_at(t, "columns", p.columns, 16, 96);
  if (!columns.ok()) return columns.error();
  auto dots = r.int_at(t, "dots_per_line", p.dots_per_line, 128, 1024);
  if (!dots.ok()) return dots.error();
  auto code_page = r.int_at(t, "code_page", p.code_page, 0, 255);
  if (!code_page.ok()) return code_page.error();
  auto encoding = r.string_at(t, "encoding", p.encoding, false);
  if (!encoding.ok()) return encoding.error();
  auto native_qr = r.bool_at(t, "native_qr", p.native_qr);
  if (!native_qr.ok()) return native_qr.error();
  auto module = r.int_at(t, "qr_module_size", p.qr_module_size, 1, 16);
  if (!module.ok()) return module.error();
  auto cut = r.bool_at(t, "cut", p.cut);
  if (!cut.ok()) return cut.error();
  auto status_after_job = r.bool_at(t, "status_after_job", p.status_after_job);
  if (!status_after_job.ok()) return status_after_job.error();
  p.columns = static_cast<int>(*columns);
  p.dots_per_line = static_cast<int>(*dots);
  p.code_page = static_cast<int>(*code_page);
  p.encoding = *encoding;
  p.native_qr = *native_qr;
  p.qr_module_size = static_cast<int>(*module);
  p.cut = *cut;
  p.status_after_job = *status_after_job;
  if (auto valid = validate_profile(p); !valid.ok()) {
    return r.error_at(t, "[printer] " + valid.error().message());
  }
  printer.profile = std::move(p);
  return ok_status();
}

Result<int> timeout_at(const ConfigReader& r, const toml::table& t, const char* key, int fallback) {
  auto value = r.int_at(t, key, fallback, 100, 120000);
  if (!value.ok()) return value.error();
  return static_cast<int>(*value);
}

}  // namespace

Status read_printer(const ConfigReader& r, const toml::table& root, PrinterConfig& printer) {
  Status status = ok_status();
  const auto* t = r.table_at(root, "printer", status);
  LOYALPOS_TRY(status);
  if (t == nullptr) return read_profile(r, toml::table{}, printer);
  LOYALPOS_TRY(r.check_keys(
      *t,
      {"type", "profile", "device", "host", "port", "folder", "columns", "dots_per_line",
       "code_page", "encoding", "native_qr", "qr_module_size", "cut", "status_after_job",
       "connect_timeout_ms", "write_timeout_ms", "drain_timeout_ms", "status_timeout_ms"},
      " in [printer]"));
  auto type = r.string_at(*t, "type", "none", false);
  if (!type.ok()) return type.error();
  if (*type == "none") {
    printer.type = PrinterType::kNone;
  } else if (*type == "virtual") {
    printer.type = PrinterType::kVirtual;
  } else if (*type == "usb") {
    printer.type = PrinterType::kUsb;
  } else if (*type == "network") {
    printer.type = PrinterType::kNetwork;
  } else {
    return r.error_at(*t->get("type"),
                      "[printer] type must be \"none\", \"virtual\", \"usb\" or \"network\"");
  }
  LOYALPOS_TRY(read_profile(r, *t, printer));
  auto device = r.string_at(*t, "device", printer.device, false);
  if (!device.ok()) return device.error();
  printer.device = *device;
  auto host = r.string_at(*t, "host", "", printer.type == PrinterType::kNetwork);
  if (!host.ok()) return host.error();
  printer.host = *host;
  if (printer.type == PrinterType::kNetwork && printer.host.empty()) {
    return r.error_at(*t->get("host"), "[printer] host must not be empty");
  }
  auto port = r.int_at(*t, "port", printer.port, 1, 65535);
  if (!port.ok()) return port.error();
  printer.port = static_cast<int>(*port);
  auto folder = r.string_at(*t, "folder", "", false);
  if (!folder.ok()) return folder.error();
  printer.folder = *folder;
  for (auto [key, field] : {std::pair{"connect_timeout_ms", &printer.connect_timeout_ms},
                            {"write_timeout_ms", &printer.write_timeout_ms},
                            {"drain_timeout_ms", &printer.drain_timeout_ms},
                            {"status_timeout_ms", &printer.status_timeout_ms}}) {
    auto value = timeout_at(r, *t, key, *field);
    if (!value.ok()) return value.error();
    *field = *value;
  }
  return ok_status();
}

Status read_scanner(const ConfigReader& r, const toml::table& root, ScannerConfig& scanner) {
  Status status = ok_status();
  const auto* t = r.table_at(root, "scanner", status);
  if (t == nullptr) return status;
  LOYALPOS_TRY(r.check_keys(*t, {"type", "device", "baud", "idle_end_ms", "prefix", "suffix"},
                            " in [scanner]"));
  auto type = r.string_at(*t, "type", "keyboard", false);
  if (!type.ok()) return type.error();
  if (*type == "serial") {
    scanner.type = ScannerType::kSerial;
  } else if (*type != "keyboard") {
    return r.error_at(*t->get("type"), "[scanner] type must be \"keyboard\" or \"serial\"");
  }
  auto device = r.string_at(*t, "device", "", scanner.type == ScannerType::kSerial);
  if (!device.ok()) return device.error();
  scanner.device = *device;
  auto baud = r.int_at(*t, "baud", scanner.baud, 1200, 921600);
  if (!baud.ok()) return baud.error();
  scanner.baud = static_cast<unsigned>(*baud);
  auto idle = r.int_at(*t, "idle_end_ms", 0, 0, 10000);
  if (!idle.ok()) return idle.error();
  scanner.idle_end_ms = static_cast<int>(*idle);
  auto prefix = r.string_at(*t, "prefix", "", false);
  if (!prefix.ok()) return prefix.error();
  auto suffix = r.string_at(*t, "suffix", "", false);
  if (!suffix.ok()) return suffix.error();
  scanner.prefix = *prefix;
  scanner.suffix = *suffix;
  return ok_status();
}

Status read_receipt(const ConfigReader& r, const toml::table& root, Config& config) {
  Status status = ok_status();
  const auto* t = r.table_at(root, "receipt", status);
  if (t == nullptr) return status;
  LOYALPOS_TRY(r.check_keys(*t, {"join_url"}, " in [receipt]"));
  auto url = r.string_at(*t, "join_url", "", false);
  if (!url.ok()) return url.error();
  if (!url->empty() && url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
    return r.error_at(*t->get("join_url"), "receipt.join_url must start with https://");
  }
  config.receipt_join_url = *url;
  return ok_status();
}

}  // namespace loyalpos::pos::detail
