#include "pos/config/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace loyalpos::pos {

Result<std::string> read_text_file(const std::string& path, const std::string& what,
                                   std::size_t max_bytes) {
  const std::string name = what + " " + path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::io("cannot read " + name + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error::io("cannot read " + name + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Error::io("cannot read " + name + ": it is a folder, not a file");
  if (!S_ISREG(st.st_mode)) return Error::io("cannot read " + name + ": it is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return Error::invalid(name + " is over " + std::to_string(max_bytes / (1024 * 1024)) + " MiB");
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::io("cannot read " + name + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      return Error::invalid(name + " is over " + std::to_string(max_bytes / (1024 * 1024)) +
                            " MiB");
    }
  }
  return text;
}

}  // namespace loyalpos::pos
