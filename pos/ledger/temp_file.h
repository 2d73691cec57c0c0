// A new private file beside the one it will become: written, checked, then
// installed under its name (fsync, rename, fsync of the folder), so a crash
// never leaves half a ledger or half a backup under a name. Until then it
// is removed, with any journal SQLite left beside it, when dropped.
#pragma once

#include <loyalpos/result.h>

#include <string>

namespace loyalpos::pos {

class TempFile {
 public:
  // An empty file, mode 0600 (card codes are in a ledger), named
  // .<name of target>.<tag>-XXXXXX in the target's folder.
  static Result<TempFile> beside(const std::string& target, const std::string& tag);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();

  const std::string& path() const { return path_; }
  // Syncs the file and renames it to `target`; a file there is refused
  // (kConflict) unless `overwrite`. After success nothing is removed.
  Status install(const std::string& target, bool overwrite);

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Why a copy may not be written at `path`: kConflict when a file is there
// (unless `overwrite`), kIo when something that is not a regular file is.
Status check_copy_target(const std::string& path, bool overwrite);

}  // namespace loyalpos::pos
