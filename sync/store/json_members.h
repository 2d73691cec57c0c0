// The raw text of some top-level members of a JSON object, or of each element
// of an array, found in one pass over its bytes without building a document:
// the PostgreSQL store's sales read (each_sale) takes a sale's promotions and
// lines out of its payload this way, since PostgreSQL's json parse of every
// sale costs more than the rest of the report, and the promotions report
// reads each line of them so.
//
// The text must be one JSON object; its structure is checked (strings and
// their escapes, nesting, commas and colons), its scalars only loosely (a
// run of the characters a number, true, false or null is made of).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace loyalpos::sync::detail {

// For each of `keys` (n of them, unescaped key text), the raw text of its
// value in `json` in `values` (empty when the object has no such member; the
// last one of a repeated key). False when `json` is not one well-formed
// object.
bool json_members(std::string_view json, const std::string_view* keys, std::string_view* values,
                  std::size_t n);

// The raw text of each element of a JSON array, handed to `visit` in order.
// False when `json` is not one well-formed array (`visit` may have seen
// some elements by then).
bool json_elements(std::string_view json, const std::function<void(std::string_view)>& visit);

}  // namespace loyalpos::sync::detail
