// The test page a shop prints to check a printer profile: the profile and
// its table, the Russian alphabet both cases, the signs a receipt uses
// (№ ₽ € — « »), a column ruler exactly as wide as the paper, a double-size
// line of half the columns, a QR code, a cut. Right table number: the
// alphabet reads correctly; wrong one: other letters or symbols appear. Ruler
// wrapped or cut short: wrong columns. QR printed as text: native_qr = false.
#pragma once

#include "hardware/receipt_document.h"

namespace loyalpos::hardware {

inline constexpr const char* kTestPageQr = "HTTPS://LOYAL.EXAMPLE/TEST";

ReceiptDocument printer_test_page(const PrinterProfile& profile);

}  // namespace loyalpos::hardware
