#include "sync/agent/head_office_client.h"

#include <nlohmann/json.hpp>

#include "net/http_date.h"

namespace loyalpos::sync {

std::unique_ptr<net::HttpClient> head_office_client(const Enrollment& enrollment,
                                                    std::chrono::milliseconds timeout) {
  return std::make_unique<net::HttpClient>(
      enrollment.host, enrollment.port,
      net::ClientTls{enrollment.ca_pem, enrollment.cert_pem, enrollment.key_pem}, timeout);
}

Result<HeadOfficeProbe> probe_head_office(const Enrollment& enrollment, const pos::Clock& clock,
                                          std::chrono::milliseconds timeout) {
  auto client = head_office_client(enrollment, timeout);
  HeadOfficeProbe probe;
  probe.sent_at = clock.now_unix();
  const auto started = std::chrono::steady_clock::now();
  auto r = client->request("GET", "/v1/head", {}, {{"Loyalpos-Sync", "1"}});
  probe.round_trip = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  probe.answered_at = clock.now_unix();
  if (!r.ok()) return Error::unavailable(r.error().message());
  probe.status = r->status;
  for (const auto& [name, value] : r->headers) {
    if (name == "date") probe.server_time = net::parse_http_date(value);
  }
  const auto body = nlohmann::json::parse(r->body, nullptr, false);
  if (body.is_object() && probe.status == 200 && body.contains("ack") && body["ack"].is_object()) {
    probe.acked_seq = body["ack"].value("seq", std::int64_t{0});
  } else if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    probe.message = body["error"].value("message", std::string());
  }
  return probe;
}

}  // namespace loyalpos::sync
