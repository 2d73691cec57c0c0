#include "hardware/printer_device.h"

#include <fcntl.h>
#include <linux/lp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace loyalpos::hardware {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Owns a file descriptor; close() reports what close(2) said.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  int close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd);
  }

 private:
  int fd_;
};

std::string errno_text(int err) { return std::strerror(err); }

std::string seconds_text(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// Non-blocking, so a FIFO without a reader fails (ENXIO) instead of hanging,
// and a stalled printer is noticed by poll's timeout instead of a hung write.
int open_device(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
}

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISBLK(mode)) return "a block device (a disk)";
  return "not a device";
}

Error not_a_printer(const std::string& path, const std::string& kind) {
  return Error::invalid(path + " is not a printer device (it is " + kind +
                        "): set [printer] device to the printer's character device, such as "
                        "/dev/usb/lp0; nothing was written to it");
}

// Opens `path` as a printer: a character device only. Writing to a
// regular file would overwrite its start and call the receipt printed.
Result<int> open_printer(const std::string& path) {
  const int fd = open_device(path);
  if (fd < 0) {
    const int err = errno;
    if (err == EISDIR) return not_a_printer(path, "a folder");
    return device_open_error(path, err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode)) {
    ::close(fd);
    return not_a_printer(path, kind_of(st.st_mode));
  }
  return fd;
}

Error stalled(const std::string& path, std::size_t written, std::size_t total,
              std::chrono::milliseconds timeout) {
  return Error(ErrorCode::kIo,
               "printer " + path + " stopped taking the receipt after " + std::to_string(written) +
                   " of " + std::to_string(total) + " bytes for " + seconds_text(timeout) +
                   ": out of paper, cover open or switched off? Part of it may have printed");
}

// Waits until the device takes more (or, after the last write, has taken it all).
Status wait_writable(int fd, const std::string& path, std::size_t written, std::size_t total,
                     std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return stalled(path, written, total, timeout);
    pollfd p{fd, POLLOUT, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r > 0) return ok_status();
    if (r == 0) return stalled(path, written, total, timeout);
    if (errno != EINTR) return Error::io("waiting for printer " + path + ": " + errno_text(errno));
  }
}

}  // namespace

Error device_open_error(const std::string& path, int err) {
  std::string message;
  switch (err) {
    case EACCES:
    case EPERM:
      message = "cannot open printer " + path +
                ": permission denied. Add the user to group lp (sudo usermod -aG lp USER), "
                "then log out and in again";
      break;
    case ENOENT:
      message = "no printer at " + path +
                ": is it plugged in and switched on? (ls /dev/usb/ lists USB printers)";
      break;
    case ENXIO:
    case ENODEV:
      message = "printer " + path + " is not answering: switched off or unplugged";
      break;
    case EBUSY:
      message =
          "printer " + path + " is busy: another program holds it (CUPS, or a second loyalpos)";
      break;
    default:
      message = "cannot open printer " + path + ": " + errno_text(err);
  }
  return Error(ErrorCode::kUnavailable, message);
}

Status DevicePrinter::send_job(std::span<const std::uint8_t> job) {
  const std::string& path = settings_.path;
  auto opened = open_printer(path);
  if (!opened.ok()) return opened.error();
  Fd fd(*opened);

  std::size_t written = 0;
  while (written < job.size()) {
    const ssize_t n = ::write(fd.get(), job.data() + written, job.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) {
      const int err = errno;
      const ErrorCode code = written == 0 ? ErrorCode::kUnavailable : ErrorCode::kIo;
      return Error(code, "writing to printer " + path + " failed after " + std::to_string(written) +
                             " of " + std::to_string(job.size()) + " bytes: " + errno_text(err));
    }
    LOYALPOS_TRY(wait_writable(fd.get(), path, written, job.size(), settings_.write_timeout));
  }
  // usblp returns from a non-blocking write while its last transfer is still
  // under way, and close() cancels it: wait until the printer took it all.
  LOYALPOS_TRY(wait_writable(fd.get(), path, written, job.size(), settings_.write_timeout));
  if (fd.close() != 0 && errno != EINTR) {
    return Error(ErrorCode::kIo, "closing printer " + path + " failed: " + errno_text(errno) +
                                     "; the end of the receipt may be missing");
  }
  return ok_status();
}

Result<PrinterStatus> DevicePrinter::status() {
  auto opened = open_printer(settings_.path);
  if (!opened.ok()) return opened.error();
  Fd fd(*opened);
  int port = 0;
  if (::ioctl(fd.get(), LPGETSTATUS, &port) != 0) return PrinterStatus::unknown();
  PrinterStatus status;
  status.known = true;
  status.paper_out = (port & LP_POUTPA) != 0;
  status.online = (port & LP_PSELECD) != 0 && (port & LP_PERRORP) != 0;
  return status;
}

}  // namespace loyalpos::hardware
