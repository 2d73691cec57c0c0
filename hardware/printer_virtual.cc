#include "hardware/printer_virtual.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

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

Status write_file(const std::string& path, std::span<const std::uint8_t> bytes) {
  const std::string part = path + ".part";
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    if (out) {
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    if (out) out.close();
    if (!out) {
      const int err = errno;
      std::remove(part.c_str());
      return Error::io("cannot write " + path + ": " + std::strerror(err));
    }
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(part.c_str());
    return Error::io("cannot write " + path + ": " + std::strerror(err));
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
  // The preview first: a .bin is the job, and it only appears once both are written.
  LOYALPOS_TRY(write_file(*job + ".png", *png));
  LOYALPOS_TRY(write_file(*job + ".bin", *bytes));
  last_job_ = *job;
  return ok_status();
}

Status VirtualPrinter::send_job(std::span<const std::uint8_t> job_bytes) {
  auto job = next_job();
  if (!job) return job.error();
  LOYALPOS_TRY(write_file(*job + ".bin", job_bytes));
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
