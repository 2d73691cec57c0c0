#include "sync/store/store.h"

#include "sync/store/pg_store.h"
#include "sync/store/sqlite_store.h"

namespace loyalpos::sync {

Result<std::unique_ptr<Store>> make_store(const std::string& url) {
  const auto starts = [&](std::string_view prefix) { return url.rfind(prefix, 0) == 0; };
  if (starts("sqlite:")) {
    const std::string path = url.substr(7);
    if (path.empty()) return Error::invalid("store url \"sqlite:\" names no file");
    return open_sqlite_store(path);
  }
  if (starts("postgresql://") || starts("postgres://")) return open_pg_store(url);
  return Error::invalid("store url must be \"sqlite:PATH\" or \"postgresql://…\", not \"" + url +
                        "\"");
}

}  // namespace loyalpos::sync
