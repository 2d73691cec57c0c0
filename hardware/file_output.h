// Writing a file a user named (a card sheet's PDF, an image): whole or not at
// all, and only where a regular file belongs. The bytes go to a new
// temporary file beside the target, are synced, and are renamed over it, so
// a failure (a full disk, a missing folder) leaves no partial file and the
// old one untouched. A device node, a folder or a symbolic link at the path is
// refused: loyalpos never writes through a link it was not told about, nor
// over /dev/… .
#pragma once

#include <loyalpos/result.h>

#include <cstdint>
#include <span>
#include <string>

namespace loyalpos::hardware {

// Errors (kIo) in plain words naming the path: "the disk is full", "no such
// folder", "is a device, not a file", "is a symbolic link".
Status write_file_whole(const std::string& path, std::span<const std::uint8_t> bytes);

// Why `path` may not be written: anything there but a regular file.
Status check_writable_target(const std::string& path);

}  // namespace loyalpos::hardware
