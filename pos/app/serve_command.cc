#include "pos/app/serve_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "net/http_server.h"
#include "pos/api/api_service.h"
#include "pos/app/cli_session.h"
#include "pos/app/print_messages.h"
#include "pos/ledger/random.h"

namespace loyalpos::pos {

namespace {

Result<std::string> new_token() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    auto bits = random_bits();
    if (!bits.ok()) return bits.error();
    for (int shift = 60; shift >= 0; shift -= 4) token.push_back(kHex[(*bits >> shift) & 0xF]);
  }
  return token;
}

// Creates `path` with a new token, 0600, failing if it appeared meanwhile.
Status write_token(const std::string& path) {
  auto token = new_token();
  if (!token.ok()) return token.error();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io("cannot create " + path + ": " + std::strerror(errno));
  const std::string text = *token + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(path.c_str());
    return Error::io("cannot write " + path);
  }
  return ok_status();
}

}  // namespace

Result<std::string> load_api_token(const std::string& home) {
  const std::string path = home + "/api-token";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Error::io("cannot read " + path + ": " + std::strerror(errno));
    if (auto s = write_token(path); !s.ok() && ::stat(path.c_str(), &st) != 0) return s.error();
    if (::stat(path.c_str(), &st) != 0) return Error::io("cannot read " + path);
  }
  if (!S_ISREG(st.st_mode)) return Error::invalid(path + " is not a file");
  if ((st.st_mode & 077) != 0) {
    return Error::invalid(path + " may be read by other users: run chmod 600 " + path +
                          " (and make a new token if they could have read it)");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Error::io("cannot read " + path);
  std::string token = text.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) {
    token.pop_back();
  }
  if (token.size() < 16 || token.find_first_of(" \t\r\n") != std::string::npos) {
    return Error::invalid(path + " must hold one token of at least 16 characters");
  }
  return token;
}

Status run_serve(const std::string& home, const std::string& listen, Ledger& ledger,
                 const Config& config, const Clock& clock, PrintSpool& spool) {
  auto address = parse_listen_address(listen.empty() ? config.api_listen : listen);
  if (!address.ok()) return address.error().with_context(listen.empty() ? "[api] " : "--listen: ");
  auto token = load_api_token(home);
  if (!token.ok()) return token.error();

  api::ApiOptions options;
  options.scan = {config.card_base_url, config.scanner_prefix, config.scanner_suffix};
  if (spool.enabled()) {
    options.after_sale = [&spool](const SaleRecord& sale) {
      const PrintOutcome printed = print_after_sale(spool, sale, [](const PrintOutcome& o) {
        const std::string message = print_outcome_message(o);
        if (!message.empty()) std::cerr << "loyalpos serve: " << message << "\n";
      });
      return print_outcome_json(printed);
    };
    options.reprint = [&spool](std::int64_t sale_id) -> Result<nlohmann::json> {
      auto printed = spool.reprint(sale_id);
      if (!printed.ok()) return printed.error();
      return print_outcome_json(*printed);
    };
  }
  options.published_rules = parse_published_rules;
  options.api_token = *token;  // the counter page's cookie is made from it
  api::ApiService service(ledger, config.rules, clock, std::move(options));

  net::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  server_options.bearer_token = *token;
  server_options.admit_without_token = service.admitter();
  net::HttpServer server(server_options, service.handler());
  auto port = server.listen();
  if (!port.ok()) return port.error();
  std::cout << "listening on " << address->host << ":" << *port << std::endl;
  return server.run_until_signal();
}

void add_serve_command(CLI::App& app, std::vector<Command>& commands) {
  auto* serve = app.add_subcommand("serve", "the loopback JSON API for a front end (docs/api.md)");
  auto listen = std::make_shared<std::string>();
  serve->add_option("--listen", *listen, "HOST:PORT (default [api] listen, 127.0.0.1:8080)");
  commands.push_back({serve, [listen](Context& c) {
                        if (auto s = run_serve(c.options.home, *listen, c.ledger, c.config,
                                               *c.session->clock, c.spool);
                            !s.ok()) {
                          return fail(c.options, s.error());
                        }
                        return 0;
                      }});
}

}  // namespace loyalpos::pos
