// Reading the files a user points loyalpos at (the config, a catalog CSV):
// only regular files, read whole, with errors in plain words that name the
// path. A folder, a device or a missing file is refused, never read as empty.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <string>

namespace loyalpos::pos {

// `what` names the file for the error ("the config"). Files over `max_bytes`
// are refused.
Result<std::string> read_text_file(const std::string& path, const std::string& what,
                                   std::size_t max_bytes);

}  // namespace loyalpos::pos
