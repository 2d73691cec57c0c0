#include "pos/ledger/temp_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace loyalpos::pos {

namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what) { return Error::io(what + ": " + std::strerror(errno)); }

fs::path folder_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

Status sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open " + path);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return io_error("cannot write " + path + " to the disk");
  return ok_status();
}

}  // namespace

Status check_copy_target(const std::string& path, bool overwrite) {
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status)) return ok_status();
  if (!fs::is_regular_file(status)) {
    return Error::io(path + " is not a regular file; a copy of the ledger is written only as one");
  }
  if (!overwrite) {
    return Error::conflict(path + " already exists; name another file, or add --force to " +
                           "replace it");
  }
  return ok_status();
}

Result<TempFile> TempFile::beside(const std::string& target, const std::string& tag) {
  const fs::path folder = folder_of(target);
  std::string pattern =
      (folder / ("." + fs::path(target).filename().string() + "." + tag + "-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) return io_error("cannot write a file in " + folder.string());
  ::close(fd);
  return TempFile(std::move(pattern));
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempFile::~TempFile() {
  if (path_.empty()) return;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
}

Status TempFile::install(const std::string& target, bool overwrite) {
  LOYALPOS_TRY(check_copy_target(target, overwrite));
  LOYALPOS_TRY(sync_path(path_, O_RDONLY));
  const unsigned flags = overwrite ? 0u : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, target.c_str(), flags) != 0) {
    if (errno == EEXIST) return check_copy_target(target, false);
    return io_error("cannot name the copy " + target);
  }
  path_.clear();
  return sync_path(folder_of(target).string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace loyalpos::pos
