#include "hardware/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace loyalpos::hardware {

namespace {

Error cannot_write(const std::string& path, int err) {
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return Error::io("cannot write " + path + ": the disk is full");
  }
  if (err == ENOENT) return Error::io("cannot write " + path + ": no such folder");
  return Error::io("cannot write " + path + ": " + std::strerror(err));
}

}  // namespace

Status check_writable_target(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return ok_status();
    return cannot_write(path, errno);
  }
  if (S_ISLNK(st.st_mode)) {
    return Error::io("will not write " + path +
                     ": it is a symbolic link; give the real file's path");
  }
  if (S_ISDIR(st.st_mode)) return Error::io("cannot write " + path + ": it is a folder");
  if (!S_ISREG(st.st_mode)) {
    return Error::io("will not write " + path + ": it is a device or a special file, not a file");
  }
  return ok_status();
}

Status write_file_whole(const std::string& path, std::span<const std::uint8_t> bytes) {
  LOYALPOS_TRY(check_writable_target(path));
  const std::filesystem::path target(path);
  const std::string folder =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::string temp = folder + "/." + target.filename().string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return cannot_write(path, errno);
  int err = 0;
  for (std::size_t written = 0; written < bytes.size() && err == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
    } else {
      written += static_cast<std::size_t>(n);
    }
  }
  if (err == 0 && ::fchmod(fd, 0644) != 0) err = errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    return cannot_write(path, err);
  }
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return ok_status();
}

}  // namespace loyalpos::hardware
