// The terminal's configuration (config.toml): the loyalty rules and the
// settings of the counter. Parsed once into plain structs and passed down.
// Every error names the file, the line and what is wrong; docs/config.md
// documents every key.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/printer_profile.h"
#include "loyalty/money.h"
#include "loyalty/rules.h"

namespace loyalpos::pos {

enum class PrinterType { kNone, kVirtual, kUsb, kNetwork };

// [printer]: where receipts go. `profile` is the named builtin profile with
// the config's overrides applied, already validated.
struct PrinterConfig {
  PrinterType type = PrinterType::kNone;
  PrinterProfile profile;
  std::string device = "/dev/usb/lp0";  // kUsb
  std::string host;                     // kNetwork: an IP address
  int port = 9100;
  std::string folder;  // kVirtual; empty: <home>/prints; relative: under <home>
  int connect_timeout_ms = 3000;
  int write_timeout_ms = 10000;
  int drain_timeout_ms = 2000;
  int status_timeout_ms = 1500;
};

enum class ScannerType { kKeyboard, kSerial };

// [scanner]: where scans come from, and what the scanner adds around them.
struct ScannerConfig {
  ScannerType type = ScannerType::kKeyboard;
  std::string device;  // kSerial, e.g. /dev/ttyACM0 (required then)
  unsigned baud = 9600;
  int idle_end_ms = 0;
  std::string prefix;
  std::string suffix;
};

struct Config {
  std::string card_base_url = "https://loyal.example";
  std::string timezone;  // IANA name, e.g. "Europe/Moscow"; empty: the system's
  int busy_timeout_ms = 5000;
  std::string scanner_prefix;  // = scanner.prefix, kept for the existing callers
  std::string scanner_suffix;
  ScannerConfig scanner;
  PrinterConfig printer;
  std::string receipt_join_url;               // QR on a receipt without a card; empty: none
  std::string api_listen = "127.0.0.1:8080";  // [api] listen: where `loyalpos serve` listens
  loyalty::Rules rules;                       // with the language
};

inline const loyalty::Currency kDefaultCurrency{"RUB", 2};

// "HOST:PORT" as [api] listen and `serve --listen` take it: an IPv4 address
// or "localhost", and a port 0-65535 (0: any free one).
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
};
Result<ListenAddress> parse_listen_address(std::string_view text);

// Amounts in the config (promotion prices) are read in `currency`.
Result<Config> parse_config(std::string_view text, const std::string& source_name,
                            const loyalty::Currency& currency = kDefaultCurrency);
// Rules head office publishes (`journeyd publish rules.toml`, docs/sync-protocol.md):
// the loyalty tables of config.toml alone ([[stamp_card]], [[points]],
// [[promotion]], [[tier]], [referral], [journey]), read exactly as the
// config reads them. The shop's own settings (its language among them) stay
// the terminal's: `language` is carried over into the rules returned.
Result<loyalty::Rules> parse_published_rules(std::string_view text, const std::string& source_name,
                                             const loyalty::Currency& currency,
                                             loyalty::Language language);
// A config over this size is refused (a café's is a few KiB).
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
// The file must be a regular file: a folder or a device is an error.
Result<Config> load_config(const std::string& path,
                           const loyalty::Currency& currency = kDefaultCurrency);

// The shipped sample config (the café's rules) and catalog, embedded.
std::string_view default_config_text();
std::string_view default_catalog_csv();

}  // namespace loyalpos::pos
