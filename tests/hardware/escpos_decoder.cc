#include "escpos_decoder.h"

#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>

namespace loyalpos::hardware::testing {

namespace {

constexpr std::uint8_t LF = 0x0A;
constexpr std::uint8_t ESC = 0x1B;
constexpr std::uint8_t GS = 0x1D;
constexpr std::uint8_t FS = 0x1C;
constexpr std::uint8_t DLE = 0x10;

struct IconvClose {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvPtr = std::unique_ptr<void, IconvClose>;

std::string hex(int b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b & 0xFF);
  return buf;
}

class Decoder {
 public:
  Decoder(std::span<const std::uint8_t> bytes, int columns,
          const std::map<int, std::string>& tables)
      : bytes_(bytes), columns_(columns), tables_(tables) {}

  Result<DecodedJob> run() {
    if (bytes_.size() < 2 || bytes_[0] != ESC || bytes_[1] != '@') {
      return fail("the job does not start with ESC @");
    }
    while (at_ < bytes_.size()) {
      const std::uint8_t b = bytes_[at_];
      std::optional<Error> error;
      if (b == LF) {
        error = end_line();
        ++at_;
      } else if (b == ESC) {
        error = esc();
      } else if (b == GS) {
        error = gs();
      } else if (b == FS) {
        error = fs();
      } else if (b == DLE) {
        error = dle();
      } else if (b < 0x20 || b == 0x7F) {
        return fail("control byte " + hex(b) + " in text");
      } else {
        if (b >= 0x80 && job_.code_page < 0) return fail("byte " + hex(b) + " before ESC t");
        if (b >= 0x80 && !job_.kanji_cancelled) {
          return fail("byte " + hex(b) + " while the printer may be in Kanji mode (no FS .)");
        }
        text_.push_back(static_cast<char>(b));
        ++at_;
      }
      if (error) return *error;
    }
    if (!text_.empty()) return fail("text at the end of the job without LF: never printed");
    return job_;
  }

 private:
  Error fail(const std::string& what) const {
    return Error::invalid("ESC/POS byte " + std::to_string(at_) + ": " + what);
  }

  std::optional<Error> need(std::size_t n) const {
    if (at_ + n > bytes_.size()) return fail("command cut short");
    return std::nullopt;
  }

  int byte(std::size_t offset) const { return bytes_[at_ + offset]; }

  std::optional<Error> end_line() {
    DecodedLine line;
    line.raw = text_;
    line.bold = bold_;
    line.double_size = double_size_;
    line.align = align_;
    const int limit = double_size_ ? columns_ / 2 : columns_;
    if (columns_ > 0 && static_cast<int>(text_.size()) > limit) {
      return fail("a line of " + std::to_string(text_.size()) + " columns; the paper has " +
                  std::to_string(limit) + ": the printer would wrap it");
    }
    auto text = to_utf8(text_);
    if (!text) return text.error();
    line.text = *text;
    text_.clear();
    job_.events.emplace_back(std::move(line));
    return std::nullopt;
  }

  Result<std::string> to_utf8(const std::string& raw) {
    if (raw.empty()) return std::string();
    if (!iconv_) return raw;  // ASCII only (checked as read): the same in every table
    auto cd = static_cast<iconv_t>(iconv_.get());
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
    std::string out(raw.size() * 4 + 4, '\0');
    char* in = const_cast<char*>(raw.data());
    std::size_t in_left = raw.size();
    char* o = out.data();
    std::size_t o_left = out.size();
    if (iconv(cd, &in, &in_left, &o, &o_left) == static_cast<std::size_t>(-1)) {
      return fail("text not valid in " + table_ + ": " + std::strerror(errno));
    }
    out.resize(out.size() - o_left);
    return out;
  }

  std::optional<Error> flush_buffer_as_line() {
    if (text_.empty()) return std::nullopt;
    return end_line();
  }

  std::optional<Error> esc() {
    if (auto e = need(2)) return e;
    const int cmd = byte(1);
    switch (cmd) {
      case '@':
        if (!text_.empty()) return fail("ESC @ drops unprinted text");
        bold_ = double_size_ = false;
        align_ = Align::kLeft;
        job_.initialised = true;
        at_ += 2;
        return std::nullopt;
      case 't': {
        if (auto e = need(3)) return e;
        if (!text_.empty()) return fail("ESC t in the middle of a line");
        const int n = byte(2);
        const auto table = tables_.find(n);
        if (table == tables_.end()) return fail("ESC t " + std::to_string(n) + ": unknown table");
        iconv_t cd = iconv_open("UTF-8", table->second.c_str());
        if (cd == reinterpret_cast<iconv_t>(-1)) return fail("iconv lacks " + table->second);
        iconv_.reset(cd);
        table_ = table->second;
        job_.code_page = n;
        at_ += 3;
        return std::nullopt;
      }
      case 'E':
        if (auto e = need(3)) return e;
        if (byte(2) > 1) return fail("ESC E " + std::to_string(byte(2)));
        bold_ = byte(2) == 1;
        at_ += 3;
        return std::nullopt;
      case 'a': {
        if (auto e = need(3)) return e;
        const int n = byte(2) >= 48 ? byte(2) - 48 : byte(2);
        if (n > 2) return fail("ESC a " + std::to_string(byte(2)));
        if (!text_.empty()) return fail("ESC a in the middle of a line");
        align_ = static_cast<Align>(n);
        at_ += 3;
        return std::nullopt;
      }
      case 'd':
        if (auto e = need(3)) return e;
        if (auto e = flush_buffer_as_line()) return e;
        job_.events.emplace_back(DecodedFeed{byte(2)});
        at_ += 3;
        return std::nullopt;
      case 'p':
        if (auto e = need(5)) return e;
        job_.events.emplace_back(DecodedDrawer{byte(2), byte(3) * 2, byte(4) * 2});
        at_ += 5;
        return std::nullopt;
      default:
        return fail("unknown command ESC " + hex(cmd));
    }
  }

  std::optional<Error> gs() {
    if (auto e = need(2)) return e;
    const int cmd = byte(1);
    switch (cmd) {
      case '!':
        if (auto e = need(3)) return e;
        if (byte(2) != 0x00 && byte(2) != 0x11) return fail("GS ! " + hex(byte(2)));
        double_size_ = byte(2) == 0x11;
        at_ += 3;
        return std::nullopt;
      case 'V': {
        if (auto e = need(3)) return e;
        if (!text_.empty()) return fail("GS V with unprinted text");
        const int m = byte(2);
        if (m == 65 || m == 66) {
          if (auto e = need(4)) return e;
          at_ += 4;
        } else if (m == 0 || m == 1 || m == 48 || m == 49) {
          at_ += 3;
        } else {
          return fail("GS V " + std::to_string(m));
        }
        job_.events.emplace_back(DecodedCut{m});
        return std::nullopt;
      }
      case 'v':
        return raster();
      case '(':
        return qr();
      default:
        return fail("unknown command GS " + hex(cmd));
    }
  }

  std::optional<Error> raster() {
    if (auto e = need(8)) return e;
    if (byte(2) != '0') return fail("GS v " + hex(byte(2)));
    if (byte(3) != 0) return fail("GS v 0 with scaling mode " + std::to_string(byte(3)));
    if (!text_.empty()) return fail("GS v 0 with unprinted text");
    DecodedRaster image;
    image.width_bytes = byte(4) + 256 * byte(5);
    image.height = byte(6) + 256 * byte(7);
    if (image.width_bytes == 0 || image.height == 0) return fail("GS v 0 of zero size");
    const std::size_t data =
        static_cast<std::size_t>(image.width_bytes) * static_cast<std::size_t>(image.height);
    if (auto e = need(8 + data)) return fail("GS v 0 header promises more bytes than follow");
    image.bits.assign(bytes_.begin() + static_cast<std::ptrdiff_t>(at_ + 8),
                      bytes_.begin() + static_cast<std::ptrdiff_t>(at_ + 8 + data));
    job_.events.emplace_back(std::move(image));
    at_ += 8 + data;
    return std::nullopt;
  }

  std::optional<Error> qr() {
    if (auto e = need(5)) return e;
    if (byte(2) != 'k') return fail("GS ( " + hex(byte(2)));
    const std::size_t len = static_cast<std::size_t>(byte(3) + 256 * byte(4));
    if (len < 3) return fail("GS ( k with pL pH = " + std::to_string(len));
    if (auto e = need(5 + len)) return e;
    const int cn = byte(5);
    const int fn = byte(6);
    if (cn != 49) return fail("GS ( k for symbol type " + std::to_string(cn) + ", not QR");
    const auto param = [&](std::size_t i) { return byte(7 + i); };
    switch (fn) {
      case 65:
        if (len != 4) return fail("QR model: pL pH must be 4");
        qr_.model = param(0);
        break;
      case 67:
        if (len != 3) return fail("QR module size: pL pH must be 3");
        qr_.module_size = param(0);
        break;
      case 69:
        if (len != 3) return fail("QR error correction: pL pH must be 3");
        qr_.ecc = param(0);
        break;
      case 80:
        if (param(0) != 48) return fail("QR store with m != 48");
        stored_.assign(reinterpret_cast<const char*>(bytes_.data() + at_ + 8), len - 3);
        has_stored_ = true;
        break;
      case 81: {
        if (len != 3 || param(0) != 48) return fail("QR print: pL pH must be 3, m 48");
        if (!has_stored_) return fail("QR print with nothing stored");
        if (!text_.empty()) return fail("QR print with unprinted text");
        DecodedQr printed = qr_;
        printed.payload = stored_;
        printed.align = align_;
        job_.events.emplace_back(std::move(printed));
        break;
      }
      default:
        return fail("GS ( k function " + std::to_string(fn));
    }
    at_ += 5 + len;
    return std::nullopt;
  }

  std::optional<Error> fs() {
    if (auto e = need(2)) return e;
    if (byte(1) != '.') return fail("unknown command FS " + hex(byte(1)));
    job_.kanji_cancelled = true;
    at_ += 2;
    return std::nullopt;
  }

  std::optional<Error> dle() {
    if (auto e = need(3)) return e;
    if (byte(1) != 0x04) return fail("unknown command DLE " + hex(byte(1)));
    const int n = byte(2);
    if (n != 1 && n != 2 && n != 3 && n != 4) return fail("DLE EOT " + std::to_string(n));
    job_.events.emplace_back(DecodedStatusQuery{n});
    at_ += 3;
    return std::nullopt;
  }

  std::span<const std::uint8_t> bytes_;
  int columns_;
  const std::map<int, std::string>& tables_;
  std::size_t at_ = 0;
  DecodedJob job_;
  std::string text_;
  bool bold_ = false;
  bool double_size_ = false;
  Align align_ = Align::kLeft;
  IconvPtr iconv_;
  std::string table_;
  DecodedQr qr_;
  std::string stored_;
  bool has_stored_ = false;
};

template <typename T>
std::vector<T> all_of_kind(const std::vector<DecodedEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const auto* x = std::get_if<T>(&e)) out.push_back(*x);
  }
  return out;
}

}  // namespace

bool DecodedRaster::is_black(int x, int y) const {
  const auto b = bits[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_bytes) +
                      static_cast<std::size_t>(x / 8)];
  return ((b >> (7 - x % 8)) & 1) != 0;
}

GrayImage DecodedRaster::to_gray(int scale, int border) const {
  GrayImage image;
  const int dots_w = width_bytes * 8 + 2 * border;
  const int dots_h = height + 2 * border;
  image.width = dots_w * scale;
  image.height = dots_h * scale;
  image.pixels.assign(
      static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height), 0xFF);
  for (int py = 0; py < image.height; ++py) {
    const int y = py / scale - border;
    if (y < 0 || y >= height) continue;
    for (int px = 0; px < image.width; ++px) {
      const int x = px / scale - border;
      if (x < 0 || x >= width_bytes * 8) continue;
      if (is_black(x, y)) {
        image.pixels[static_cast<std::size_t>(py) * static_cast<std::size_t>(image.width) +
                     static_cast<std::size_t>(px)] = 0x00;
      }
    }
  }
  return image;
}

std::vector<DecodedLine> DecodedJob::lines() const { return all_of_kind<DecodedLine>(events); }

std::vector<std::string> DecodedJob::texts() const {
  std::vector<std::string> out;
  for (const DecodedLine& line : lines()) out.push_back(line.text);
  return out;
}

std::vector<DecodedQr> DecodedJob::qr_codes() const { return all_of_kind<DecodedQr>(events); }

std::vector<DecodedRaster> DecodedJob::rasters() const {
  return all_of_kind<DecodedRaster>(events);
}

std::map<int, std::string> epson_tables() {
  return {{0, "CP437"}, {17, "CP866"}, {19, "CP858"}, {46, "CP1251"}};
}

Result<DecodedJob> decode_escpos(std::span<const std::uint8_t> bytes, int columns,
                                 const std::map<int, std::string>& tables) {
  return Decoder(bytes, columns, tables).run();
}

std::vector<std::uint8_t> gray_png(const GrayImage& image) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr)) {
    return {};
  }
  std::vector<std::uint8_t> out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr)) {
    return {};
  }
  out.resize(size);
  return out;
}

}  // namespace loyalpos::hardware::testing
