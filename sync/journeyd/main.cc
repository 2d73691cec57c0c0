// journeyd: head office's sync server and its administration (docs/journeyd.md).
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "base/version.h"
#include "sync/journeyd/commands.h"

int main(int argc, char** argv) {
  namespace j = loyalpos::journeyd;
  CLI::App app{"journeyd: head office's sync server for loyalpos terminals"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "journeyd " + std::string(loyalpos::kVersion),
                       "print the version");

  j::InitOptions init;
  auto* c_init = app.add_subcommand("init", "make the data folder: CA, server certificate, store");
  c_init->add_option("--data", init.dir, "data folder (made 0700)")->required();
  c_init->add_option("--listen", init.listen, "HOST:PORT to serve on")->capture_default_str();
  c_init->add_option("--store", init.store_url, "store URL (default sqlite:DIR/journey.db)");
  c_init->add_option("--public-url", init.public_url,
                     "URL terminals dial (default https://LISTEN)");

  j::ServeOptions serve;
  auto* c_serve = app.add_subcommand("serve", "serve HTTPS until SIGTERM");
  c_serve->add_option("--data", serve.dir, "data folder")->capture_default_str();
  c_serve->add_option("--listen", serve.listen, "HOST:PORT (default: the config's)");
  c_serve->add_option("--store", serve.store_url, "store URL (default: the config's)");

  j::EnrollOptions enroll;
  auto* c_enroll = app.add_subcommand("enroll", "issue a terminal's certificate bundle");
  c_enroll->add_option("--data", enroll.dir, "data folder")->required();
  c_enroll->add_option("--store", enroll.store_name, "the store's name")->required();
  c_enroll->add_option("--terminal", enroll.terminal_name, "the terminal's name")->required();
  c_enroll->add_option("--out", enroll.out_file, "bundle file to write (0600)")->required();

  j::RevokeOptions revoke;
  auto* c_revoke = app.add_subcommand("revoke", "cut a terminal off at once");
  c_revoke->add_option("--data", revoke.dir, "data folder")->required();
  c_revoke->add_option("--terminal", revoke.terminal_name, "the terminal's name")->required();
  c_revoke->add_option("--store", revoke.store_name, "only that store's terminal of that name");

  j::PublishOptions publish;
  auto* c_publish = app.add_subcommand("publish", "publish rules.toml or catalog.csv");
  c_publish->add_option("--data", publish.dir, "data folder")->required();
  c_publish->add_option("file", publish.file, "rules (.toml) or catalog (.csv)")->required();
  c_publish->add_option("--kind", publish.kind, "rules | catalog (default: from the extension)");

  j::ReportOptions report;
  auto* c_report = app.add_subcommand("report", "reports from the journey store");
  c_report->require_subcommand(1);
  auto* c_conflicts = c_report->add_subcommand(
      "conflicts", "cards that spent in two shops offline what they held once");
  c_conflicts->add_option("--data", report.dir, "data folder")->required();
  c_conflicts->add_option("--store", report.store_url, "store URL (default: the config's)");
  c_conflicts->add_flag("--json", report.json, "JSON on stdout");

  // Every range report (the journey map and the rest) takes the same options.
  j::RangeReportOptions ranged;
  const auto range_report = [&](const char* name, const char* what, const char* csv) {
    auto* c = c_report->add_subcommand(name, what);
    c->add_option("--data", ranged.dir, "data folder")->required();
    c->add_option("--store", ranged.store_url, "store URL (default: the config's)");
    c->add_option("--shop", ranged.shop, "one shop's store name (default: the chain)");
    c->add_option("--from", ranged.from, "first UTC day, YYYY-MM-DD (default: the start)");
    c->add_option("--to,--until", ranged.to, "last UTC day, included, YYYY-MM-DD (default: today)");
    c->add_flag("--json", ranged.json, "JSON on stdout");
    c->add_flag("--csv", ranged.csv, csv);
    return c;
  };
  auto* c_journey =
      range_report("journey", "the journey map: stages, conversions, drop-off and touchpoints",
                   "CSV on stdout, one row per stage");
  auto* c_cohorts = range_report(
      "cohorts", "retention cohorts: cards by week of first purchase, the share buying again",
      "CSV on stdout, one row per cohort and later week");
  auto* c_lifecycle =
      range_report("lifecycle", "per week: cards new, returning, resurrected and gone dormant",
                   "CSV on stdout, one row per week");
  auto* c_stamps = range_report(
      "stamps", "per stamp program: stamps given, rewards earned and redeemed, stalled cards",
      "CSV on stdout, one row per program");
  auto* c_promotions = range_report(
      "promotions", "per promotion: units and revenue in its windows beside the weeks before",
      "CSV on stdout, one row per promotion");
  auto* c_touchpoints =
      range_report("touchpoints", "join sources ranked by the share of their cards that come back",
                   "CSV on stdout, one row per source");
  c_promotions->add_option("--tz", ranged.time_zone,
                           "the shops' time zone, e.g. Europe/Moscow (default: UTC)");

  j::UserAddOptions user;
  auto* c_user = app.add_subcommand("user", "owner accounts of the dashboard");
  c_user->require_subcommand(1);
  auto* c_user_add =
      c_user->add_subcommand("add", "add an owner; the password is read from standard input");
  c_user_add->add_option("--data", user.dir, "data folder")->required();
  c_user_add->add_option("--store", user.store_url, "store URL (default: the config's)");
  c_user_add->add_option("name", user.name, "the owner's sign-in name")->required();

  j::ContactsOptions contacts;
  auto* c_export = app.add_subcommand("export", "export data for the owner");
  c_export->require_subcommand(1);
  auto* c_contacts = c_export->add_subcommand(
      "contacts", "the e-mails given on the join page with consent, as CSV");
  c_contacts->add_option("--data", contacts.dir, "data folder")->required();
  c_contacts->add_option("--store", contacts.store_url, "store URL (default: the config's)");
  c_contacts->add_flag("--consented", contacts.consented, "those given with consent (all kept)");
  auto* c_forget =
      app.add_subcommand("forget", "erase a customer's contact data (the events stay)");
  c_forget->add_option("--data", contacts.dir, "data folder")->required();
  c_forget->add_option("--store", contacts.store_url, "store URL (default: the config's)");
  c_forget->add_option("token", contacts.token, "the card's token")->required();

  j::PosterOptions poster;
  auto* c_poster = app.add_subcommand("poster", "a PDF poster with the join page's QR, to print");
  c_poster->add_option("--data", poster.dir, "data folder (its public_url)")->required();
  c_poster->add_option("--src", poster.source, "the join source the poster counts as")->required();
  c_poster->add_option("--out", poster.out_file, "PDF file to write")->required();
  c_poster->add_option("--size", poster.size, "a4 | a5")->capture_default_str();
  c_poster->add_option("--title", poster.title, "the big title (default: in English and Russian)");

  CLI11_PARSE(app, argc, argv);
  if (*c_init) return j::init(init, std::cout, std::cerr);
  if (*c_serve) {
    // A push allocates about twice its body (up to 4 MiB) and frees it all
    // once answered. glibc would give that memory back to the kernel after
    // each push and fault it in zeroed for the next: with heap consolidation,
    // about a tenth of journeyd's CPU samples per 500-event push. Keep it.
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return j::serve(serve, std::cout, std::cerr);
  }
  if (*c_enroll) return j::enroll(enroll, std::cout, std::cerr);
  if (*c_revoke) return j::revoke(revoke, std::cout, std::cerr);
  if (*c_publish) return j::publish(publish, std::cout, std::cerr);
  if (*c_journey) return j::report_journey(ranged, std::cout, std::cerr);
  if (*c_cohorts) return j::report_cohorts(ranged, std::cout, std::cerr);
  if (*c_lifecycle) return j::report_lifecycle(ranged, std::cout, std::cerr);
  if (*c_stamps) return j::report_stamps(ranged, std::cout, std::cerr);
  if (*c_promotions) return j::report_promotions(ranged, std::cout, std::cerr);
  if (*c_touchpoints) return j::report_touchpoints(ranged, std::cout, std::cerr);
  if (*c_user_add) return j::user_add(user, std::cin, std::cout, std::cerr);
  if (*c_contacts) return j::export_contacts(contacts, std::cout, std::cerr);
  if (*c_forget) return j::forget_contact(contacts, std::cout, std::cerr);
  if (*c_poster) return j::poster(poster, std::cout, std::cerr);
  return j::report_conflicts(report, std::cout, std::cerr);
}

#if defined(__SANITIZE_ADDRESS__)
// Sanitizer builds (scripts/test): fontconfig, under Pango (`poster`), keeps
// its parsed configuration for the life of the process by design; that is
// not our leak.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
