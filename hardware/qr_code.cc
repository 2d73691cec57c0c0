#include "hardware/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <string>

namespace loyalpos::hardware {

namespace {

constexpr int kMaxQuietZone = 16;

struct QrCodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
struct QrInputFree {
  void operator()(QRinput* input) const { QRinput_free(input); }
};
using QrCodePtr = std::unique_ptr<QRcode, QrCodeFree>;
using QrInputPtr = std::unique_ptr<QRinput, QrInputFree>;

QRecLevel ec_level(QrErrorCorrection level) {
  switch (level) {
    case QrErrorCorrection::kLow:
      return QR_ECLEVEL_L;
    case QrErrorCorrection::kMedium:
      return QR_ECLEVEL_M;
    case QrErrorCorrection::kQuartile:
      return QR_ECLEVEL_Q;
    case QrErrorCorrection::kHigh:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

Error encode_error(const char* what) {
  if (errno == ERANGE) return Error::invalid("text is too long for a QR code");
  return Error::internal(std::string("libqrencode failed to ") + what);
}

QrCodePtr encode_alphanumeric(std::string_view text, QRecLevel level) {
  QrInputPtr input(QRinput_new2(0, level));
  if (!input) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  if (QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(text.size()), data) != 0) {
    return nullptr;
  }
  return QrCodePtr(QRcode_encodeInput(input.get()));
}

}  // namespace

bool fits_qr_alphanumeric(std::string_view text) {
  constexpr std::string_view kSymbols = " $%*+-./:";
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                    kSymbols.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

Result<QrMatrix> encode_qr(std::string_view text, const QrOptions& options) {
  if (text.empty()) return Error::invalid("nothing to put in a QR code");
  if (text.find('\0') != std::string_view::npos) {
    return Error::invalid("a QR code text cannot hold a NUL byte");
  }
  if (options.quiet_zone < 0 || options.quiet_zone > kMaxQuietZone) {
    return Error::invalid("QR quiet zone must be 0 to " + std::to_string(kMaxQuietZone) +
                          " modules");
  }
  // Beyond the largest QR code (2953 bytes at level L) libqrencode would only fail slower.
  if (text.size() > 2953) return Error::invalid("text is too long for a QR code");

  const QRecLevel level = ec_level(options.error_correction);
  errno = 0;
  QrCodePtr code = fits_qr_alphanumeric(text)
                       ? encode_alphanumeric(text, level)
                       : QrCodePtr(QRcode_encodeString(std::string(text).c_str(), 0, level,
                                                       QR_MODE_8, /*casesensitive=*/1));
  if (!code) return encode_error("encode a QR code");

  QrMatrix matrix;
  const int inner = code->width;
  const int quiet = options.quiet_zone;
  matrix.size = inner + 2 * quiet;
  const auto side = static_cast<std::size_t>(matrix.size);
  matrix.dark.assign(side * side, 0);
  for (int y = 0; y < inner; ++y) {
    for (int x = 0; x < inner; ++x) {
      const auto from = static_cast<std::size_t>(y) * static_cast<std::size_t>(inner) +
                        static_cast<std::size_t>(x);
      const auto to =
          static_cast<std::size_t>(y + quiet) * side + static_cast<std::size_t>(x + quiet);
      matrix.dark[to] = static_cast<std::uint8_t>(code->data[from] & 1u);
    }
  }
  return matrix;
}

}  // namespace loyalpos::hardware
