// Helpers for hardware tests that shell out to independent decoders
// (zbarimg, pdftoppm, pdfinfo, pdftotext, python3) and read images back in-process with ZXing.
// Every file a test writes goes into its own TempDir, removed afterwards.
#pragma once

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <fcntl.h>
#include <png.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace loyalpos::hardware::testing {

// A fresh directory removed with its contents (tests/support/temp_dir.h).
using TempDir = loyalpos::testing::TempDir;

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout only: stderr goes to /dev/null (zbarimg's dbus noise)
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// zbarimg prints one line per code found; -q drops the summary.
inline std::vector<std::string> zbar_decode(const std::string& image_path,
                                            int* exit_code = nullptr) {
  const CommandResult r = run_command("zbarimg --raw -q '" + image_path + "'");
  if (exit_code != nullptr) *exit_code = r.exit_code;
  return lines(r.out);
}

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

inline GrayImage read_png(const void* data, std::size_t size) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  GrayImage out;
  if (!png_image_begin_read_from_memory(&image, data, size)) return out;
  image.format = PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return out;
  }
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels = std::move(pixels);
  return out;
}

inline GrayImage read_png_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return read_png(bytes.data(), bytes.size());
}

inline std::vector<ZXing::Result> zxing_decode_all(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  if (image.pixels.empty()) return {};
  return ZXing::ReadBarcodes(
      ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
      hints);
}

inline ZXing::Result zxing_decode(const GrayImage& image) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  return ZXing::ReadBarcode(
      ZXing::ImageView(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum),
      hints);
}

// A pseudo-terminal in raw mode: its slave, /dev/pts/N, is a character
// device that stands in for /dev/usb/lp0, and what is written to it comes
// out of the master unchanged. read_all() starts a thread that keeps
// reading the master (a printer taking bytes); without it nobody reads, and
// the device stops taking bytes once its buffer is full (a stalled printer).
class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    const char* name = ::ptsname(master_);
    if (name == nullptr) return;
    path_ = name;
    // Held open so the master never sees a hang-up between jobs.
    slave_ = ::open(path_.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    termios raw{};
    if (slave_ < 0 || ::tcgetattr(slave_, &raw) != 0) return;
    ::cfmakeraw(&raw);
    if (::tcsetattr(slave_, TCSANOW, &raw) != 0) return;
    ok_ = true;
  }
  ~Pty() {
    stop_ = true;
    if (reader_.joinable()) reader_.join();
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }

  void read_all() {
    reader_ = std::thread([this] {
      std::uint8_t buf[4096];
      for (int idle = 0; !stop_ && idle < 200;) {  // at most ~10 s without a byte
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
          ++idle;
          continue;
        }
        const ssize_t n = ::read(master_, buf, sizeof buf);
        if (n <= 0) break;
        std::lock_guard lock(mutex_);
        got_.insert(got_.end(), buf, buf + n);
      }
    });
  }
  // What came out so far; waits up to `settle_ms` for nothing more to arrive.
  std::vector<std::uint8_t> bytes(int settle_ms = 200) {
    std::size_t last = static_cast<std::size_t>(-1);
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (got_.size() == last) return got_;
        last = got_.size();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
    }
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  bool ok_ = false;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  std::mutex mutex_;
  std::vector<std::uint8_t> got_;
};

// A disk with room for `bytes` per file, for this process: a write past it
// fails with EFBIG (SIGXFSZ ignored) as a full disk fails with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &old_);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  sighandler_t old_handler_;
  bool ok_ = false;
};

}  // namespace loyalpos::hardware::testing
