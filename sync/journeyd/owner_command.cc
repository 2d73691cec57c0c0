// `journeyd user add` (docs/journeyd.md "Owner accounts"), `export contacts`
// and `forget` (docs/journeyd.md "The join page").
#include <ctime>
#include <iostream>
#include <string>

#include "loyalty/card_token.h"
#include "sync/journeyd/commands.h"
#include "sync/journeyd/owner_accounts.h"
#include "sync/reports/report_output.h"
#include "sync/reports/utc_day.h"

namespace loyalpos::journeyd {

int user_add(const UserAddOptions& o, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string password;
  if (!std::getline(in, password) || password.empty()) {
    return command_failed(err, Error::invalid("give the password on standard input, one line"));
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return command_failed(err, store.error());
  if (Status s =
          add_owner(**store, o.name, password, static_cast<std::int64_t>(std::time(nullptr)));
      !s.ok()) {
    return command_failed(err, s.error());
  }
  out << "owner " << o.name << " added: sign in at /owner/login\n";
  return 0;
}

int export_contacts(const ContactsOptions& o, std::ostream& out, std::ostream& err) {
  if (!o.consented) {
    return command_failed(err, Error::invalid("say --consented: only contacts given with consent "
                                              "to marketing are kept, and exported"));
  }
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return command_failed(err, store.error());
  auto contacts = (*store)->contacts();
  if (!contacts.ok()) return command_failed(err, contacts.error());
  out << "card,email,consented_at,source\n";
  for (const auto& c : *contacts) {
    auto id = loyalty::card_id_from_hex(c.card_id);
    out << (id.ok() ? loyalty::encode_token(*id) : c.card_id) << ","
        << reports::output::csv_field(c.email) << ","
        << reports::utc_time(c.consented_at, "%Y-%m-%dT%H:%M:%SZ") << ","
        << reports::output::csv_field(c.source) << "\n";
  }
  err << contacts->size() << (contacts->size() == 1 ? " contact\n" : " contacts\n");
  return 0;
}

int forget_contact(const ContactsOptions& o, std::ostream& out, std::ostream& err) {
  std::string token = o.token;
  for (char& c : token) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::erase(token, ' ');
  auto id = loyalty::parse_token(token);
  if (!id.ok()) return command_failed(err, id.error().with_context("the card token: "));
  auto store = open_data_store(o.dir, o.store_url);
  if (!store.ok()) return command_failed(err, store.error());
  auto gone = (*store)->forget_contact(loyalty::card_id_hex(*id));
  if (!gone.ok()) return command_failed(err, gone.error());
  out << (*gone ? "erased the contact data of card " : "no contact data is kept for card ")
      << loyalty::group_token(token) << "; its journey events stay, without it\n";
  return 0;
}

}  // namespace loyalpos::journeyd
