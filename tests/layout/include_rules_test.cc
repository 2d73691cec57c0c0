// The module boundaries of docs/architecture.md, checked on every #include:
// a file may include only the modules its own module may depend on, and the
// ledger and config never pull in the CLI, Beast, toml++ or hardware.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Module (a folder of the source tree) -> the modules it may include.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> rules = {
      {"include/loyalpos", {}},
      {"base", {}},
      {"loyalty", {"base"}},
      {"hardware", {"base"}},
      {"net", {"base"}},
      {"pos/ledger", {"base", "loyalty"}},
      {"pos/config", {"base", "loyalty"}},
      {"pos/api", {"base", "loyalty", "pos/ledger", "pos/config", "net"}},
      {"pos/terminal", {"base", "loyalty", "pos/ledger", "pos/config"}},
      {"pos/app",
       {"base", "loyalty", "pos/ledger", "pos/config", "hardware", "net", "pos/api", "pos/terminal",
        "sync/agent"}},
      {"sync", {"base", "loyalty", "net"}},
      {"sync/agent", {"base", "loyalty", "pos/ledger", "pos/config", "net", "sync/wire"}},
      // hardware: `journeyd poster` draws with the card sheets' Cairo renderer.
      {"sync/journeyd",
       {"base", "loyalty", "net", "sync/store", "sync/wire", "sync/reports", "pos/config",
        "pos/ledger", "hardware"}},
      {"sync/reports", {"base", "sync/store"}},
      {"sync/wire", {"base"}},
      {"sync/store", {"base"}},
  };
  return rules;
}

// Libraries a module must never see: <CLI/...>, <boost/...>, <toml++/...>.
const std::map<std::string, std::vector<std::string>>& forbidden_system() {
  static const std::map<std::string, std::vector<std::string>> rules = {
      {"include/loyalpos", {"CLI/", "boost/", "toml++/", "nlohmann/", "sqlite3", "fmt/"}},
      {"base", {"CLI/", "boost/", "toml++/", "sqlite3"}},
      {"loyalty", {"CLI/", "boost/", "toml++/", "sqlite3", "iostream"}},
      {"pos/ledger", {"CLI/", "boost/", "toml++/", "iostream"}},
      {"pos/config", {"CLI/", "boost/", "sqlite3", "iostream"}},
      {"pos/terminal", {"CLI/", "boost/", "iostream"}},
  };
  return rules;
}

// The module a path (relative to the source tree) belongs to.
std::string module_of(const std::string& path) {
  std::string best;
  for (const auto& [module, _] : allowed()) {
    if (path.rfind(module + "/", 0) == 0 && module.size() > best.size()) best = module;
  }
  return best;
}

std::vector<std::string> violations() {
  const fs::path root = LOYALPOS_SOURCE_DIR;
  const std::regex quoted(R"re(^\s*#\s*include\s*"([^"]+)")re");
  const std::regex angled(R"re(^\s*#\s*include\s*<([^>]+)>)re");
  std::vector<std::string> out;
  for (const auto& [module, may] : allowed()) {
    if (!fs::exists(root / module)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / module)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      const std::string file = fs::relative(entry.path(), root).string();
      if (module_of(file) != module) continue;  // a nested module has its own rule
      std::ifstream in(entry.path());
      std::string line;
      int number = 0;
      while (std::getline(in, line)) {
        ++number;
        std::smatch m;
        const std::string where = file + ":" + std::to_string(number) + ": ";
        // SQL stays in the ledger library: no other module reaches its
        // database handle.
        if (module.rfind("pos/", 0) == 0 && module != "pos/ledger" &&
            (line.find(".db()") != std::string::npos ||
             line.find("sqlite3_") != std::string::npos)) {
          out.push_back(where + module + " reaches into the ledger's database");
        }
        if (std::regex_search(line, m, quoted)) {
          const std::string target = m[1];
          const std::string to = module_of(target);
          if (to.empty()) {
            // "tests/..." and the like: no product module includes them.
            out.push_back(where + "includes \"" + target + "\", outside every module");
          } else if (to != module && may.count(to) == 0) {
            out.push_back(where + module + " must not include " + to + " (\"" + target + "\")");
          } else if (target == "pos/ledger/sqlite.h" && module != "pos/ledger") {
            out.push_back(where + "SQLite is the ledger library's own: " + module +
                          " must not include " + target);
          }
        } else if (std::regex_search(line, m, angled)) {
          const std::string target = m[1];
          const auto banned = forbidden_system().find(module);
          if (banned == forbidden_system().end()) continue;
          for (const auto& prefix : banned->second) {
            if (target.rfind(prefix, 0) == 0)
              out.push_back(where + module + " must not include <" + target + ">");
          }
          // Public headers include only their own kind.
          if (module == "include/loyalpos" && target.find('/') != std::string::npos &&
              target.rfind("loyalpos/", 0) != 0) {
            out.push_back(where + "a public header includes <" + target + ">");
          }
        }
      }
    }
  }
  return out;
}

TEST(Layout, IncludesFollowTheModuleArrows) {
  const auto found = violations();
  std::string all;
  for (const auto& v : found) all += v + "\n";
  EXPECT_TRUE(found.empty()) << all;
}

TEST(Layout, TheCheckSeesEveryModule) {
  // A renamed folder would make the check pass by reading nothing.
  for (const auto& module : {"base", "loyalty", "hardware", "pos/ledger", "pos/config", "pos/app",
                             "pos/api", "pos/terminal", "sync", "net", "include/loyalpos"}) {
    EXPECT_TRUE(fs::is_directory(fs::path(LOYALPOS_SOURCE_DIR) / module)) << module;
  }
  EXPECT_EQ(module_of("pos/ledger/sale_service.cc"), "pos/ledger");
  EXPECT_EQ(module_of("loyalpos/result.h"), "");
  EXPECT_EQ(module_of("include/loyalpos/result.h"), "include/loyalpos");
}

}  // namespace
