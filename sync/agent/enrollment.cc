#include "sync/agent/enrollment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace loyalpos::sync {

namespace {

using nlohmann::json;

// "https://host:port" (IPv4 or a name).
Status split_url(Enrollment& e) {
  constexpr std::string_view kScheme = "https://";
  const std::string_view url = e.server_url;
  const auto bad = [&] {
    return Error::invalid("the bundle's server_url \"" + e.server_url +
                          "\" is not like https://HOST:PORT");
  };
  if (url.rfind(kScheme, 0) != 0) return bad();
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  unsigned port = 0;
  const auto digits = rest.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 ||
      port > 65535) {
    return bad();
  }
  e.host = std::string(rest.substr(0, colon));
  e.port = static_cast<std::uint16_t>(port);
  return ok_status();
}

}  // namespace

Result<Enrollment> parse_enrollment(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Error::invalid(
        "the enrollment bundle is not JSON (give the file journeyd enroll wrote)");
  }
  Enrollment e;
  const std::pair<const char*, std::string*> fields[] = {{"server_url", &e.server_url},
                                                         {"ca_pem", &e.ca_pem},
                                                         {"cert_pem", &e.cert_pem},
                                                         {"key_pem", &e.key_pem},
                                                         {"store", &e.store},
                                                         {"terminal", &e.terminal},
                                                         {"enrollment_id", &e.enrollment_id}};
  for (const auto& [name, into] : fields) {
    if (!j.contains(name) || !j[name].is_string() || j[name].get<std::string>().empty()) {
      return Error::invalid(std::string("the enrollment bundle has no ") + name);
    }
    *into = j[name].get<std::string>();
  }
  LOYALPOS_TRY(split_url(e));
  return e;
}

std::string enrollment_path(const std::string& home) { return home + "/enrollment.json"; }

Status install_enrollment(const std::string& home, std::string_view text) {
  auto checked = parse_enrollment(text);
  if (!checked.ok()) return checked.error();
  const std::string path = enrollment_path(home);
  const std::string temp = path + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::io("cannot write " + temp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return Error::io("cannot write " + temp + ": " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Error::io("cannot write " + temp + ": " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Error::io("cannot install " + path + ": " + std::strerror(errno));
  }
  return ok_status();
}

Result<Enrollment> load_enrollment(const std::string& home) {
  const std::string path = enrollment_path(home);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::not_found(
        "this terminal is not enrolled with head office: run loyalpos enroll "
        "FILE with the bundle journeyd enroll wrote");
  }
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  auto e = parse_enrollment(text);
  if (!e.ok()) return e.error().with_context(path + ": ");
  return e;
}

}  // namespace loyalpos::sync
