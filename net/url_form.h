// The text forms of HTTP that carry values: %-escapes, the name=value pairs
// of a query string or an HTML form body, and the Cookie header; and how a
// secret carried in them is compared.
#pragma once

#include <loyalpos/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loyalpos::net {

// %XX-decodes a path segment or (`query`) a query or form value, where '+'
// is a space. A '%' not followed by two hex digits is kInvalidInput.
Result<std::string> url_decode(std::string_view text, bool query);

// %XX-encodes `text` for a query or form value (unreserved bytes as they are).
std::string url_encode(std::string_view text);

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x+y" (a query string or an application/x-www-form-urlencoded body)
// as its decoded pairs, in order; empty pairs are skipped.
Result<FormFields> form_fields(std::string_view text);

// The value of the first field named `name`, if there is one.
std::optional<std::string> field(const FormFields& fields, std::string_view name);

// Whether a secret a request carries (a bearer token, a cookie) is the
// expected one: the time taken depends on the length of `expected` only,
// never on where `given` first differs.
bool constant_time_equals(std::string_view given, std::string_view expected);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace loyalpos::net
