// The socket-free half of HttpServer, for the fuzz target and tests: the
// same parser limits, checks and handler dispatch the server applies to a
// request read from a connection, applied to bytes in memory.
#pragma once

#include <string>
#include <string_view>

#include "net/http_server.h"

namespace loyalpos::net {

// Parses the first request in `bytes` (the whole input: a request cut short
// is a 400) and answers it as the server would: the parse errors, the
// bearer token check, then the handler. Bytes after the first request are
// ignored. Never throws.
HttpResponse handle_raw_request(std::string_view bytes, const ServerOptions& options,
                                const Handler& handler);

// The bytes the server writes for `response` to a request of HTTP `version`
// (Beast's encoding: 10 or 11): status line, the response's headers and the
// server's own, the body (none for HEAD). `response` must come
// from handle_raw_request or the server's checks (a handler's raw response
// is checked there first).
std::string serialize_response(const HttpResponse& response, unsigned version, bool keep_alive,
                               bool head_request);

}  // namespace loyalpos::net
