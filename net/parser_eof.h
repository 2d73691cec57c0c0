// Internal to net/: what reading an HTTP message meets when the peer closes
// the stream, as Beast's http::read says it (the client and the server read
// with their own loops).
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace loyalpos::net {

// The stream ended before `parser` was done: end_of_stream when no byte of
// the message came, else what the end means to the parser (a body read to
// the end is complete; anything else is partial_message).
template <typename Parser>
boost::beast::error_code at_end_of_stream(Parser& parser) {
  namespace http = boost::beast::http;
  if (!parser.got_some()) return http::error::end_of_stream;
  boost::beast::error_code ec;
  parser.put_eof(ec);
  if (!ec && !parser.is_done()) ec = http::error::partial_message;
  return ec;
}

}  // namespace loyalpos::net
