// `journeyd user add` (docs/journeyd.md "Owner accounts").
#include <ctime>
#include <iostream>
#include <string>

#include "sync/journeyd/commands.h"
#include "sync/journeyd/owner_accounts.h"

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

}  // namespace loyalpos::journeyd
