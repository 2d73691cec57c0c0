// journeyd's commands (docs/journeyd.md), each a plain function over plain
// options so main.cc only parses the command line. Every command prints what
// it did to `out` and returns its exit code; errors go to `err`.
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "sync/reports/journey_map.h"
#include "sync/store/store.h"

namespace loyalpos::journeyd {

// DIR/journeyd.toml, read into plain data.
struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8443;
  std::string store_url;   // default "sqlite:DIR/journey.db"
  std::string public_url;  // what enrollment bundles tell terminals
};

// "HOST:PORT" or "[v6]:PORT"; kInvalidInput otherwise.
Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& text);
Result<Config> read_config(const std::string& dir);

struct InitOptions {
  std::string dir;
  std::string listen = "127.0.0.1:8443";
  std::string store_url;   // empty: sqlite:DIR/journey.db
  std::string public_url;  // empty: https://LISTEN
};
int init(const InitOptions& o, std::ostream& out, std::ostream& err);

struct ServeOptions {
  std::string dir = "/var/lib/journeyd";
  std::string listen;     // empty: the config's
  std::string store_url;  // empty: the config's
};
int serve(const ServeOptions& o, std::ostream& out, std::ostream& err);

struct EnrollOptions {
  std::string dir;
  std::string store_name;
  std::string terminal_name;
  std::string out_file;
};
int enroll(const EnrollOptions& o, std::ostream& out, std::ostream& err);

struct RevokeOptions {
  std::string dir;
  std::string terminal_name;
  std::string store_name;  // empty: every store's terminal of that name
};
int revoke(const RevokeOptions& o, std::ostream& out, std::ostream& err);

struct PublishOptions {
  std::string dir;
  std::string file;
  std::string kind;  // empty: from the file's extension (.toml rules, .csv catalog)
};
int publish(const PublishOptions& o, std::ostream& out, std::ostream& err);

struct ReportOptions {
  std::string dir;
  std::string store_url;  // empty: the config's
  bool json = false;
};
// `report conflicts` (sync/journeyd/conflicts.h), in report_command.cc.
int report_conflicts(const ReportOptions& o, std::ostream& out, std::ostream& err);

// The options of the reports over a range of days: journey, cohorts,
// lifecycle, stamps, promotions, touchpoints.
struct RangeReportOptions {
  std::string dir;
  std::string store_url;  // empty: the config's
  std::string shop;       // a store name; empty: the whole chain
  std::string from;       // YYYY-MM-DD (UTC); empty: from the first event
  std::string to;         // YYYY-MM-DD (UTC), inclusive; empty: today
  bool json = false;
  bool csv = false;
  std::int64_t now = 0;   // unix seconds; 0: the system clock (tests fix it)
  std::string time_zone;  // promotions: the zone of the promotions' hours; empty: UTC
};
using JourneyReportOptions = RangeReportOptions;
// `report journey|cohorts|lifecycle|stamps|promotions|touchpoints`
// (sync/journeyd/named_reports.h), in report_commands.cc: bad dates, an
// unknown shop, an unknown --tz or --json with --csv are exit 2.
int report_journey(const JourneyReportOptions& o, std::ostream& out, std::ostream& err);
int report_cohorts(const RangeReportOptions& o, std::ostream& out, std::ostream& err);
int report_lifecycle(const RangeReportOptions& o, std::ostream& out, std::ostream& err);
int report_stamps(const RangeReportOptions& o, std::ostream& out, std::ostream& err);
int report_touchpoints(const RangeReportOptions& o, std::ostream& out, std::ostream& err);
int report_promotions(const RangeReportOptions& o, std::ostream& out, std::ostream& err);

struct UserAddOptions {
  std::string dir;
  std::string store_url;  // empty: the config's
  std::string name;
};
// `user add`, in owner_command.cc: an owner account of the dashboard, the
// password read from the first line of `in` (never from the command line,
// where other users of the machine see it).
int user_add(const UserAddOptions& o, std::istream& in, std::ostream& out, std::ostream& err);

struct ContactsOptions {
  std::string dir;
  std::string store_url;  // empty: the config's
  bool consented = false;
  std::string token;  // forget: the card's token
};
// `export contacts --consented`: CSV (card, email, consented_at UTC, source)
// of the e-mails given on the join page with consent; `forget TOKEN` erases
// a card's contact (its journey events stay, anonymous). In owner_command.cc.
int export_contacts(const ContactsOptions& o, std::ostream& out, std::ostream& err);
int forget_contact(const ContactsOptions& o, std::ostream& out, std::ostream& err);

struct PosterOptions {
  std::string dir;
  std::string source;  // the join page's src: valid_source (join_page.h)
  std::string out_file;
  std::string size = "a4";           // a4 | a5
  std::optional<std::string> title;  // empty: "Get your loyalty card" in English and Russian
};
// `poster`, in poster_command.cc: a PDF to print with the QR of
// PUBLIC_URL/join?src=SOURCE (hardware/poster.h). A bad source, size or
// title is exit 2 before anything is read or written; I/O is exit 1.
int poster(const PosterOptions& o, std::ostream& out, std::ostream& err);
// PUBLIC_URL/join?src=SOURCE, the link a poster's QR holds.
std::string join_url(std::string public_url, const std::string& source);

// For the commands in other files: the store of the data folder DIR (or
// `store_url` when given), and how a command says it failed (its exit code).
Result<std::unique_ptr<sync::Store>> open_data_store(const std::string& dir,
                                                     const std::string& store_url);
int command_failed(std::ostream& err, const Error& e);

}  // namespace loyalpos::journeyd
