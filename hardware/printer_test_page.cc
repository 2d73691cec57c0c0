#include "hardware/printer_test_page.h"

#include <string>

namespace loyalpos::hardware {

namespace {

// "1234567890123..." exactly `columns` wide.
std::string ruler(int columns) {
  std::string line;
  for (int i = 1; i <= columns; ++i) line += static_cast<char>('0' + i % 10);
  return line;
}

// Cuts an ASCII line to `columns`.
std::string fit(std::string line, int columns) {
  if (static_cast<int>(line.size()) > columns) line.resize(static_cast<std::size_t>(columns));
  return line;
}

}  // namespace

ReceiptDocument printer_test_page(const PrinterProfile& profile) {
  const int columns = profile.columns;
  const TextStyle centre{false, false, Align::kCenter};
  ReceiptDocument doc;
  doc.text(fit("loyalpos printer test", columns / 2), {true, true, Align::kCenter});
  doc.text(fit("profile " + profile.name, columns), centre);
  doc.text(fit("ESC t " + std::to_string(profile.code_page) + " = " + profile.encoding, columns),
           centre);
  doc.text(fit(std::to_string(columns) + " columns, " + std::to_string(profile.dots_per_line) +
                   " dots, QR " + (profile.native_qr ? "native" : "raster"),
               columns),
           centre);
  doc.feed(1);
  // 33 letters each: fits 58 mm paper in two halves.
  doc.text("АБВГДЕЁЖЗИЙКЛМНОП");
  doc.text("РСТУФХЦЧШЩЪЫЬЭЮЯ");
  doc.text("абвгдеёжзийклмноп");
  doc.text("рстуфхцчшщъыьэюя");
  doc.text("0123456789 № ₽ € — « » …");
  doc.text("Bold: Итого 300.00", {true, false, Align::kLeft});
  doc.text("right", {false, false, Align::kRight});
  doc.text(ruler(columns));
  doc.text(ruler(columns / 2), {false, true, Align::kLeft});
  doc.qr(kTestPageQr);
  doc.text("The QR above should scan as", centre);
  doc.text(fit(kTestPageQr, columns), centre);
  doc.cut();
  return doc;
}

}  // namespace loyalpos::hardware
