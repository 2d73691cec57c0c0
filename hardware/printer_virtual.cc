#include "hardware/printer_virtual.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "hardware/receipt_preview.h"

namespace loyalpos::hardware {

namespace {

namespace fs = std::filesystem;

// The job number in "job-0042.bin" / "job-0042.png", or 0.
long job_number(const std::string& name) {
  constexpr std::string_view kPrefix = "job-";
  if (name.size() <= kPrefix.size() + 4 || name.compare(0, kPrefix.size(), kPrefix) != 0) return 0;
  const std::string ext = name.substr(name.size() - 4);
  if (ext != ".bin" && ext != ".png") return 0;
  const std::string digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - 4);
  if (digits.empty() || digits.size() > 9) return 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
  }
  return std::stol(digits);
}

// A full disk, a quota, an unplugged USB stick: nothing was printed (no
// file is left), so the spool keeps the receipt and tries again.
Error not_written(const std::string& path, int err) {
  return Error(ErrorCode::kUnavailable, "the virtual printer cannot write " + path + ": " +
                                            std::strerror(err) +
                                            " (is the disk full?); nothing was printed");
}

// Writes `bytes` to a new file at `path` and syncs it; on any error
// removes what it wrote.
Status write_synced(const std::string& path, std::span<const std::uint8_t> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return not_written(path, errno);
  std::size_t written = 0;
  int err = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0 && errno != EINTR) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());
    return not_written(path, err);
  }
  return ok_status();
}

struct JobFile {
  std::string extension;  // ".png", ".bin"
  std::span<const std::uint8_t> bytes;
};

// Writes a job's files whole or not at all: each under a temporary name,
// synced, then renamed in order (the .bin last: it is the job), then the
// folder synced. On any error every file of the job is removed again.
Status write_job(const std::string& folder, const std::string& job,
                 const std::vector<JobFile>& files) {
  std::vector<std::string> temps;
  // Removes the first `renamed` files under their final names, the rest
  // of those written under their temporary ones.
  const auto remove_all = [&](std::size_t renamed) {
    for (std::size_t i = 0; i < temps.size(); ++i) {
      ::unlink((i < renamed ? job + files[i].extension : temps[i]).c_str());
    }
  };
  for (const JobFile& file : files) {
    temps.push_back(job + file.extension + ".part");
    if (auto written = write_synced(temps.back(), file.bytes); !written.ok()) {
      temps.pop_back();
      remove_all(0);
      return written;
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = job + files[i].extension;
    if (std::rename(temps[i].c_str(), path.c_str()) != 0) {
      const int err = errno;
      remove_all(i);
      return not_written(path, err);
    }
  }
  // The renames are durable once the folder is synced.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    const int err = ::fsync(dir) == 0 ? 0 : errno;
    ::close(dir);
    if (err != 0 && err != EINVAL) {
      remove_all(files.size());
      return not_written(folder, err);
    }
  }
  return ok_status();
}

}  // namespace

Result<std::string> VirtualPrinter::next_job() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec)
    return Error::io("cannot make the virtual printer folder " + folder_ + ": " + ec.message());
  long highest = 0;
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    highest = std::max(highest, job_number(entry.path().filename().string()));
  }
  if (ec)
    return Error::io("cannot read the virtual printer folder " + folder_ + ": " + ec.message());
  char name[32];
  std::snprintf(name, sizeof name, "job-%04ld", highest + 1);
  return (fs::path(folder_) / name).string();
}

Status VirtualPrinter::print(const ReceiptDocument& document) {
  auto bytes = encode(document);
  if (!bytes) return bytes.error();
  auto png = render_receipt_png(document, profile());
  if (!png) return png.error();
  auto job = next_job();
  if (!job) return job.error();
  LOYALPOS_TRY(write_job(folder_, *job, {{".png", *png}, {".bin", *bytes}}));
  last_job_ = *job;
  return ok_status();
}

Status VirtualPrinter::send_job(std::span<const std::uint8_t> job_bytes) {
  auto job = next_job();
  if (!job) return job.error();
  LOYALPOS_TRY(write_job(folder_, *job, {{".bin", job_bytes}}));
  last_job_ = *job;
  return ok_status();
}

Result<PrinterStatus> VirtualPrinter::status() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec || ::access(folder_.c_str(), W_OK) != 0) {
    return Error::io("the virtual printer cannot write to " + folder_ +
                     (ec ? ": " + ec.message() : std::string(": ") + std::strerror(errno)));
  }
  PrinterStatus status;
  status.known = true;
  status.online = true;
  return status;
}

}  // namespace loyalpos::hardware
