#include "hardware/escpos_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "escpos_decoder.h"
#include "hardware/escpos_raster.h"
#include "hardware/qr_code.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::decode_escpos;
using testing::DecodedJob;
using Bytes = std::vector<std::uint8_t>;

std::string card_url() {
  loyalty::CardId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = static_cast<std::uint8_t>(7 + i * 13);
  return loyalty::card_url("https://loyal.example", loyalty::encode_token(id));
}

PrinterProfile profile(const char* name) {
  auto p = builtin_profile(name);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : PrinterProfile{};
}

Bytes encode_ok(const ReceiptDocument& doc, const PrinterProfile& p) {
  auto bytes = encode_escpos(doc, p);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message());
  return bytes.ok() ? *bytes : Bytes{};
}

DecodedJob decode_ok(const Bytes& bytes, int columns) {
  auto job = decode_escpos(bytes, columns);
  EXPECT_TRUE(job.ok()) << (job.ok() ? "" : job.error().message());
  return job.ok() ? *job : DecodedJob{};
}

bool contains(const Bytes& haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

TEST(PrinterProfile, BuiltinsAreValidAndUnknownNamesListTheKnownOnes) {
  for (const std::string& name : builtin_profile_names()) {
    auto p = builtin_profile(name);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_TRUE(validate_profile(*p).ok()) << name;
    EXPECT_EQ(p->code_page, 17);
    EXPECT_EQ(p->encoding, "CP866");
  }
  const PrinterProfile xp = profile("xprinter-58");
  EXPECT_EQ(xp.columns, 32);
  EXPECT_EQ(xp.dots_per_line, 384);
  EXPECT_FALSE(xp.native_qr);
  EXPECT_TRUE(profile("epson-tm-t88").native_qr);
  EXPECT_EQ(profile("epson-tm-t88").dots_per_line, 576);
  EXPECT_EQ(profile("generic-80").dots_per_line, 512);

  auto unknown = builtin_profile("star-tsp100");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("epson-tm-t88"), std::string::npos);

  PrinterProfile bad = xp;
  bad.qr_module_size = 0;
  EXPECT_FALSE(validate_profile(bad).ok());
  bad = xp;
  bad.encoding = "NO-SUCH-TABLE";
  auto encoder = EscPosEncoder::create(bad);
  ASSERT_FALSE(encoder.ok());
  EXPECT_NE(encoder.error().message().find("NO-SUCH-TABLE"), std::string::npos);
}

TEST(EscPosEncoder, EveryJobStartsWithResetCancelKanjiAndTheTable) {
  ReceiptDocument doc;
  doc.text("Hello");
  for (const char* name : {"epson-tm-t88", "xprinter-58", "generic-80"}) {
    PrinterProfile p = profile(name);
    const Bytes bytes = encode_ok(doc, p);
    const Bytes head = {0x1B, 0x40, 0x1C, 0x2E, 0x1B, 0x74, 17};
    ASSERT_GE(bytes.size(), head.size());
    EXPECT_TRUE(std::equal(head.begin(), head.end(), bytes.begin())) << name;
  }
  PrinterProfile cp1251 = profile("epson-tm-t88");
  cp1251.code_page = 46;
  cp1251.encoding = "CP1251";
  EXPECT_EQ(encode_ok(doc, cp1251)[6], 46);
}

TEST(EscPosEncoder, CyrillicIsCp866AndDecodesBackToTheSameText) {
  const PrinterProfile p = profile("epson-tm-t88");
  const std::string source = "Пахлава с фисташкой ёЁ №5";
  ReceiptDocument doc;
  doc.text(source);
  const Bytes bytes = encode_ok(doc, p);
  // Known CP866 bytes: П 8F, а A0, х E5, ё F1, Ё F0, № FC.
  EXPECT_TRUE(contains(bytes, {0x8F, 0xA0, 0xE5, 0xAB, 0xA0, 0xA2, 0xA0}));
  EXPECT_TRUE(contains(bytes, {0xF1, 0xF0, 0x20, 0xFC, '5', 0x0A}));
  // Not a byte of UTF-8 Cyrillic lead bytes (D0/D1) anywhere.
  EXPECT_FALSE(contains(bytes, {0xD0}));
  EXPECT_FALSE(contains(bytes, {0xD1}));

  const DecodedJob job = decode_ok(bytes, p.columns);
  EXPECT_EQ(job.code_page, 17);
  EXPECT_TRUE(job.kanji_cancelled);
  ASSERT_EQ(job.texts().size(), 1u);
  EXPECT_EQ(job.texts()[0], source);
}

TEST(EscPosEncoder, SubstitutesWhatCp866LacksAndPrintsQuestionMarksForTheRest) {
  const PrinterProfile p = profile("epson-tm-t88");
  ReceiptDocument doc;
  doc.text("Кофе — 180 ₽");
  doc.text("«Латте» – 5 € …");
  doc.text("Crème brûlée ☕ 🥐");
  const Bytes bytes = encode_ok(doc, p);
  const DecodedJob job = decode_ok(bytes, p.columns);
  ASSERT_EQ(job.texts().size(), 3u);
  EXPECT_EQ(job.texts()[0], "Кофе - 180 р.");
  EXPECT_EQ(job.texts()[1], "\"Латте\" - 5 EUR ...");
  EXPECT_EQ(job.texts()[2], "Cr?me br?l?e ? ?");
  // ₽ -> "р." is E0 2E in CP866.
  EXPECT_TRUE(contains(bytes, {'1', '8', '0', ' ', 0xE0, '.', 0x0A}));
  // What CP866 lacks reaches the printer as '?', never as UTF-8 bytes.
  EXPECT_EQ(job.lines()[2].raw, "Cr?me br?l?e ? ?");
  EXPECT_FALSE(contains(bytes, {0xE2, 0x98, 0x95}));  // ☕ in UTF-8
}

TEST(CodePage, SubstitutesOnlyWhereTheTableLacksTheCharacter) {
  auto cp858 = CodePage::open("CP858");
  ASSERT_TRUE(cp858.ok());
  auto euro = cp858->encode("5 €");
  ASSERT_TRUE(euro.ok());
  EXPECT_EQ(*euro, std::string("5 \xD5"));  // CP858 has the euro sign itself
  auto rub = cp858->encode("180 ₽ Кофе");
  ASSERT_TRUE(rub.ok());
  EXPECT_EQ(*rub, "180 RUB ????");  // "р." is not printable there either

  auto cp1251 = CodePage::open("CP1251");
  ASSERT_TRUE(cp1251.ok());
  auto dash = cp1251->encode("а — б");
  ASSERT_TRUE(dash.ok());
  EXPECT_EQ(*dash, std::string("\xE0 \x97 \xE1"));  // CP1251 has the em dash
  EXPECT_EQ(cp1251->decode(*dash), "а — б");

  auto cp866 = CodePage::open("CP866");
  ASSERT_TRUE(cp866.ok());
  EXPECT_FALSE(cp866->encode("bad \xC3\x28 utf-8").ok());
  EXPECT_FALSE(cp866->encode("\xED\xA0\x80").ok());  // a surrogate
  EXPECT_FALSE(CodePage::open("NO-SUCH-TABLE").ok());
}

TEST(EscPosEncoder, RefusesLinesWiderThanThePaper) {
  const PrinterProfile p = profile("xprinter-58");  // 32 columns
  EXPECT_TRUE(encode_escpos(ReceiptDocument().text(std::string(32, 'x')), p).ok());
  EXPECT_TRUE(
      encode_escpos(ReceiptDocument().text(std::string(16, 'x'), {false, true, Align::kCenter}), p)
          .ok());

  auto wide = encode_escpos(ReceiptDocument().text("ok").text(std::string(33, 'x')), p);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(wide.error().message().find("receipt line 2 is 33 columns"), std::string::npos)
      << wide.error().message();
  EXPECT_NE(wide.error().message().find("32"), std::string::npos);

  auto double_wide =
      encode_escpos(ReceiptDocument().text(std::string(17, 'x'), {true, true, Align::kLeft}), p);
  ASSERT_FALSE(double_wide.ok());
  EXPECT_NE(double_wide.error().message().find("16 at double size"), std::string::npos)
      << double_wide.error().message();

  // 32 characters, but ₽ prints as two: the printer would have wrapped it.
  std::string cyrillic;
  for (int i = 0; i < 31; ++i) cyrillic += "Ж";
  EXPECT_TRUE(encode_escpos(ReceiptDocument().text(cyrillic + "Ж"), p).ok());
  auto rouble = encode_escpos(ReceiptDocument().text(cyrillic + "₽"), p);
  ASSERT_FALSE(rouble.ok());
  EXPECT_NE(rouble.error().message().find("33 columns"), std::string::npos);

  auto control = encode_escpos(ReceiptDocument().text("a\x1B@b"), p);
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.error().message().find("control character"), std::string::npos);
  EXPECT_FALSE(encode_escpos(ReceiptDocument().text("two\nlines"), p).ok());
  EXPECT_FALSE(encode_escpos(ReceiptDocument().feed(0), p).ok());
  EXPECT_FALSE(encode_escpos(ReceiptDocument().feed(256), p).ok());
}

TEST(EscPosEncoder, StylesAreSentWhenTheyChangeAndDecodeBack) {
  const PrinterProfile p = profile("epson-tm-t88");
  ReceiptDocument doc;
  doc.text("КАФЕ", {true, true, Align::kCenter});
  doc.text("Адрес", {false, false, Align::kCenter});
  doc.text("Латте", {});
  doc.text("Итого 180", {true, false, Align::kRight});
  doc.text("", {});
  const Bytes bytes = encode_ok(doc, p);
  const DecodedJob job = decode_ok(bytes, p.columns);
  const auto lines = job.lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(lines[0].bold && lines[0].double_size && lines[0].align == Align::kCenter);
  EXPECT_TRUE(!lines[1].bold && !lines[1].double_size && lines[1].align == Align::kCenter);
  EXPECT_TRUE(!lines[2].bold && lines[2].align == Align::kLeft);
  EXPECT_TRUE(lines[3].bold && !lines[3].double_size && lines[3].align == Align::kRight);
  EXPECT_EQ(lines[4].text, "");
  EXPECT_TRUE(contains(bytes, {0x1B, 'E', 1, 0x1D, '!', 0x11, 0x1B, 'a', 1}));
  // Line 2 keeps the centring: no second ESC a 1.
  const Bytes centre = {0x1B, 'a', 1};
  EXPECT_EQ(std::search(std::search(bytes.begin(), bytes.end(), centre.begin(), centre.end()) + 1,
                        bytes.end(), centre.begin(), centre.end()),
            bytes.end());
}

TEST(EscPosEncoder, NativeQrHasExactLengthBytes) {
  const std::string url = card_url();
  auto command = native_qr_command(url, 6);
  ASSERT_TRUE(command.ok());
  // clang-format off
  const Bytes expected_head = {0x1D, '(', 'k', 4, 0, 49, 65, 50, 0,   // model 2
                               0x1D, '(', 'k', 3, 0, 49, 67, 6,       // module 6
                               0x1D, '(', 'k', 3, 0, 49, 69, 49,      // ECC M
                               0x1D, '(', 'k', static_cast<std::uint8_t>(url.size() + 3), 0, 49, 80, 48};
  // clang-format on
  ASSERT_GT(command->size(), expected_head.size());
  EXPECT_TRUE(std::equal(expected_head.begin(), expected_head.end(), command->begin()));
  const Bytes tail = {0x1D, '(', 'k', 3, 0, 49, 81, 48};
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), command->end() - 8));
  EXPECT_EQ(command->size(), expected_head.size() + url.size() + tail.size());

  // 300 bytes: pL pH = 303 = 0x2F + 0x01 * 256.
  const std::string long_text(300, 'A');
  auto long_command = native_qr_command(long_text, 4);
  ASSERT_TRUE(long_command.ok());
  EXPECT_EQ((*long_command)[28], 0x2F);  // after model (9), module (8), ECC (8), GS ( k
  EXPECT_EQ((*long_command)[29], 0x01);
  EXPECT_FALSE(native_qr_command("", 4).ok());
  EXPECT_FALSE(native_qr_command(std::string(kMaxNativeQrBytes + 1, 'A'), 4).ok());
  EXPECT_FALSE(native_qr_command("x", 17).ok());

  ReceiptDocument doc;
  doc.text("Ваша карта:").qr(url).text("Спасибо!").cut();
  const DecodedJob job = decode_ok(encode_ok(doc, profile("epson-tm-t88")), 48);
  ASSERT_EQ(job.qr_codes().size(), 1u);
  EXPECT_EQ(job.qr_codes()[0].payload, url);
  EXPECT_EQ(job.qr_codes()[0].model, 50);
  EXPECT_EQ(job.qr_codes()[0].module_size, 6);
  EXPECT_EQ(job.qr_codes()[0].ecc, 49);
  EXPECT_EQ(job.qr_codes()[0].align, Align::kCenter);
  EXPECT_TRUE(job.rasters().empty());
  EXPECT_EQ(job.texts(), (std::vector<std::string>{"Ваша карта:", "Спасибо!"}));
}

TEST(EscPosRaster, HeaderMatchesTheBitmap) {
  RasterImage tiny;
  tiny.width_dots = 9;  // rounds up to 2 bytes a row
  tiny.width_bytes = 2;
  tiny.height = 3;
  tiny.bits = {0x80, 0x80, 0, 0, 0xFF, 0x80};
  auto command = raster_command(tiny);
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(*command, (Bytes{0x1D, 0x76, 0x30, 0x00, 2, 0, 3, 0, 0x80, 0x80, 0, 0, 0xFF, 0x80}));
  tiny.width_bytes = 1;
  EXPECT_FALSE(raster_command(tiny).ok());
  tiny.width_bytes = 2;
  tiny.bits.pop_back();
  EXPECT_FALSE(raster_command(tiny).ok());

  auto qr = encode_qr(card_url());
  ASSERT_TRUE(qr.ok());
  ASSERT_EQ(qr->size, 37);
  // 58 mm: 37 modules x 6 dots = 222, centred on 384 by 81 white dots on the left.
  auto image = raster_qr(*qr, 6, 384);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->height, 222);
  EXPECT_EQ(image->width_dots, 81 + 222);
  EXPECT_EQ(image->width_bytes, 38);  // 303 dots -> 37.875 -> 38 bytes
  EXPECT_EQ(image->bits.size(), 38u * 222u);
  auto cmd = raster_command(*image);
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(Bytes(cmd->begin(), cmd->begin() + 8), (Bytes{0x1D, 0x76, 0x30, 0x00, 38, 0, 222, 0}));
  EXPECT_EQ(cmd->size(), 8u + 38u * 222u);
  // The finder's corner module (4,4) covers dots 81+24..81+29 of rows 24..29; the quiet zone is
  // white.
  for (int d = 0; d < 6; ++d) {
    EXPECT_TRUE(image->is_black(81 + 24 + d, 24 + d));
    EXPECT_FALSE(image->is_black(81 + 23, 24 + d));
    EXPECT_FALSE(image->is_black(80, 24 + d));
  }
  EXPECT_FALSE(image->is_black(302, 221));
  // Too big a module shrinks to fit; 80 mm at 512 dots: 145 dots of margin.
  auto big = raster_qr(*qr, 16, 384);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->height, 370);
  auto wide = raster_qr(*qr, 6, 512);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->width_dots, 145 + 222);
  EXPECT_EQ(wide->width_bytes, 46);
  EXPECT_FALSE(raster_qr(*qr, 1, 30).ok());
}

TEST(EscPosRaster, RasterQrDecodesWithZbarimgAndZxing) {
  const std::string url = card_url();
  ReceiptDocument doc;
  doc.text("Карта лояльности", {true, false, Align::kCenter}).qr(url).text("Спасибо!").cut();
  const PrinterProfile p = profile("xprinter-58");
  const Bytes bytes = encode_ok(doc, p);
  const DecodedJob job = decode_ok(bytes, p.columns);
  EXPECT_TRUE(job.qr_codes().empty());
  const auto rasters = job.rasters();
  ASSERT_EQ(rasters.size(), 1u);
  const auto& raster = rasters[0];
  EXPECT_EQ(raster.width_bytes, 38);
  EXPECT_EQ(raster.height, 222);

  const testing::GrayImage gray = raster.to_gray(2, 8);
  const ZXing::Result zx = testing::zxing_decode(gray);
  ASSERT_TRUE(zx.isValid());
  EXPECT_EQ(zx.text(), url);

  testing::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("raster.png");
  const Bytes png = testing::gray_png(gray);
  ASSERT_FALSE(png.empty());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  int rc = -1;
  const auto codes = testing::zbar_decode(path, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(codes, std::vector<std::string>{url});
}

TEST(EscPosEncoder, CutFeedAndDrawer) {
  ReceiptDocument doc;
  doc.text("x").feed(3).cut().open_drawer();
  const Bytes epson = encode_ok(doc, profile("epson-tm-t88"));
  EXPECT_TRUE(contains(epson, {0x1B, 'd', 3, 0x1D, 'V', 66, 0, 0x1B, 'p', 0, 25, 250}));
  const DecodedJob job = decode_ok(epson, 48);
  EXPECT_EQ(job.count<testing::DecodedCut>(), 1);
  ASSERT_EQ(job.count<testing::DecodedDrawer>(), 1);
  const auto drawer = std::get<testing::DecodedDrawer>(job.events.back());
  EXPECT_EQ(drawer.pin, 0);
  EXPECT_EQ(drawer.on_ms, 50);
  EXPECT_EQ(drawer.off_ms, 500);

  // No cutter: feed the last line past the tear bar instead.
  const Bytes xprinter = encode_ok(doc, profile("xprinter-58"));
  EXPECT_FALSE(contains(xprinter, {0x1D, 'V'}));
  EXPECT_TRUE(contains(xprinter, {0x1B, 'd', 3, 0x1B, 'd', 4, 0x1B, 'p'}));
}

TEST(EscPosDecoder, FailsLoudlyOnWhatAPrinterWouldMisread) {
  EXPECT_FALSE(decode_escpos(Bytes{'h', 'i', 0x0A}).ok());              // no ESC @
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 0x1B, 'Z', 0x0A}).ok());  // unknown command
  // Raw UTF-8 in Kanji mode, and before a table was chosen.
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 0x1B, 't', 17, 0xD0, 0x9F, 0x0A}).ok());
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 0x1C, '.', 0xD0, 0x9F, 0x0A}).ok());
  // A raster header promising more than follows.
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 0x1D, 'v', '0', 0, 2, 0, 2, 0, 1, 2, 3}).ok());
  // A line wider than the paper.
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 'a', 'b', 'c', 0x0A}, 2).ok());
  EXPECT_TRUE(decode_escpos(Bytes{0x1B, '@', 'a', 'b', 0x0A}, 2).ok());
  // Text never ended by LF never prints.
  EXPECT_FALSE(decode_escpos(Bytes{0x1B, '@', 'a'}).ok());
}

}  // namespace
}  // namespace loyalpos::hardware
