#include "hardware/escpos_encoder.h"

#include <string>

#include "hardware/escpos_raster.h"
#include "hardware/qr_code.h"

namespace loyalpos::hardware {

namespace {

constexpr std::uint8_t ESC = 0x1B;
constexpr std::uint8_t GS = 0x1D;
constexpr std::uint8_t FS = 0x1C;
constexpr std::uint8_t LF = 0x0A;
constexpr int kTearBarFeedLines = 4;

std::uint8_t byte_of(int value) { return static_cast<std::uint8_t>(value & 0xFF); }

// The printer's text state: what ESC @ leaves, then what we last sent.
struct PrintState {
  bool bold = false;
  bool double_size = false;
  Align align = Align::kLeft;
};

class Job {
 public:
  explicit Job(std::vector<std::uint8_t>& out) : out_(out) {}

  void put(std::initializer_list<std::uint8_t> bytes) { out_.insert(out_.end(), bytes); }
  void put(const std::vector<std::uint8_t>& bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  void put(const std::string& bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

  void style(const TextStyle& wanted) {
    if (wanted.bold != state_.bold) put({ESC, 'E', byte_of(wanted.bold ? 1 : 0)});
    if (wanted.double_size != state_.double_size) {
      put({GS, '!', byte_of(wanted.double_size ? 0x11 : 0x00)});
    }
    align(wanted.align);
    state_.bold = wanted.bold;
    state_.double_size = wanted.double_size;
  }

  void align(Align wanted) {
    if (wanted == state_.align) return;
    put({ESC, 'a', byte_of(static_cast<int>(wanted))});
    state_.align = wanted;
  }

 private:
  std::vector<std::uint8_t>& out_;
  PrintState state_;
};

bool has_control_character(std::string_view text) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return true;
  }
  return false;
}

std::string quoted(std::string_view text) {
  std::string out;  // appended, not "\"" + s: g++ 12 -O2 warns falsely (-Wrestrict) on that
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

}  // namespace

Result<std::vector<std::uint8_t>> native_qr_command(std::string_view payload, int module_size) {
  if (payload.empty()) return Error::invalid("nothing to put in a QR code");
  if (payload.size() > kMaxNativeQrBytes) return Error::invalid("text is too long for a QR code");
  if (module_size < 1 || module_size > 16) {
    return Error::invalid("QR module size must be 1 to 16 dots");
  }
  const std::size_t stored = payload.size() + 3;  // cn fn m, then the data
  // clang-format off
  std::vector<std::uint8_t> out = {
      GS, '(', 'k', 4, 0, 49, 65, 50, 0,                    // fn 165: model 2
      GS, '(', 'k', 3, 0, 49, 67, byte_of(module_size),    // fn 167: module size
      GS, '(', 'k', 3, 0, 49, 69, 49,                      // fn 169: error correction M
      GS, '(', 'k', byte_of(static_cast<int>(stored & 0xFF)),
      byte_of(static_cast<int>(stored >> 8)), 49, 80, 48,  // fn 180: store
  };
  // clang-format on
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), {GS, '(', 'k', 3, 0, 49, 81, 48});  // fn 181: print
  return out;
}

Result<EscPosEncoder> EscPosEncoder::create(const PrinterProfile& profile) {
  LOYALPOS_TRY(validate_profile(profile));
  auto code_page = CodePage::open(profile.encoding);
  if (!code_page) return code_page.error().with_context("printer profile " + profile.name + ": ");
  return EscPosEncoder(profile, std::move(*code_page));
}

Result<int> EscPosEncoder::printed_width(std::string_view utf8_line) {
  auto bytes = code_page_.encode(utf8_line);
  if (!bytes) return bytes.error();
  return static_cast<int>(bytes->size());
}

Result<std::string> EscPosEncoder::as_printed(std::string_view utf8_line) {
  auto bytes = code_page_.encode(utf8_line);
  if (!bytes) return bytes.error();
  return code_page_.decode(*bytes);
}

Result<std::vector<std::uint8_t>> EscPosEncoder::encode(const ReceiptDocument& document) {
  std::vector<std::uint8_t> out;
  out.reserve(64 + document.blocks().size() * (static_cast<std::size_t>(profile_.columns) + 8));
  Job job(out);
  job.put({ESC, '@', FS, '.', ESC, 't', byte_of(profile_.code_page)});

  int line_number = 0;
  for (const ReceiptBlock& block : document.blocks()) {
    if (const auto* text = std::get_if<TextBlock>(&block)) {
      ++line_number;
      const std::string where = "receipt line " + std::to_string(line_number);
      if (has_control_character(text->text)) {
        return Error::invalid(where + " holds a control character (tab, newline or escape); " +
                              "lay out one plain line per block");
      }
      auto bytes = code_page_.encode(text->text);
      if (!bytes) return bytes.error().with_context(where + ": ");
      const int limit = text->style.double_size ? profile_.columns / 2 : profile_.columns;
      if (static_cast<int>(bytes->size()) > limit) {
        return Error::invalid(
            where + " is " + std::to_string(bytes->size()) + " columns wide as printed, but the " +
            profile_.name + " prints " + std::to_string(limit) +
            (text->style.double_size ? " at double size" : "") + ": " + quoted(text->text));
      }
      job.style(text->style);
      job.put(*bytes);
      job.put({LF});
    } else if (const auto* qr = std::get_if<QrBlock>(&block)) {
      if (profile_.native_qr) {
        auto command = native_qr_command(qr->payload, profile_.qr_module_size);
        if (!command) return command.error();
        job.align(Align::kCenter);
        job.put(*command);
        job.put({ESC, 'd', 1});
      } else {
        auto matrix = encode_qr(qr->payload);
        if (!matrix) return matrix.error();
        auto image = raster_qr(*matrix, profile_.qr_module_size, profile_.dots_per_line);
        if (!image) return image.error();
        auto command = raster_command(*image);
        if (!command) return command.error();
        job.align(Align::kLeft);  // the image carries its own left margin
        job.put(*command);
      }
    } else if (const auto* feed = std::get_if<FeedBlock>(&block)) {
      if (feed->lines < 1 || feed->lines > 255) {
        return Error::invalid("a paper feed must be 1 to 255 lines, not " +
                              std::to_string(feed->lines));
      }
      job.put({ESC, 'd', byte_of(feed->lines)});
    } else if (std::holds_alternative<CutBlock>(block)) {
      if (profile_.cut) {
        job.put({GS, 'V', 66, 0});
      } else {
        job.put({ESC, 'd', byte_of(kTearBarFeedLines)});
      }
    } else if (std::holds_alternative<DrawerBlock>(block)) {
      job.put({ESC, 'p', 0, 25, 250});
    }
  }
  return out;
}

Result<std::vector<std::uint8_t>> encode_escpos(const ReceiptDocument& document,
                                                const PrinterProfile& profile) {
  auto encoder = EscPosEncoder::create(profile);
  if (!encoder) return encoder.error();
  return encoder->encode(document);
}

}  // namespace loyalpos::hardware
