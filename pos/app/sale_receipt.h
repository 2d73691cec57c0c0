// The paper receipt of a sale as a hardware::ReceiptDocument, laid out for
// one printer profile: the shop's name (bold, double size, centred), "REPRINT"
// on a copy, the lines of receipt_text (items with quantity and price, each
// discount with its reason, totals, payment, the card's progress), then a QR
// code — the card's link on a card sale, else the shop's join link if set —
// and the cut.
//
// Invariant: every text line fits the profile's columns as the encoder
// measures it (half the columns for double size), so encoding never fails
// for width; the layout reuses receipt_text's functions with the encoder's
// printed_width as the measure.
#pragma once

#include <string>

#include "hardware/escpos_encoder.h"
#include "hardware/receipt_document.h"
#include "pos/config/config.h"
#include "pos/ledger/ledger.h"
#include "pos/ledger/sale_service.h"

namespace loyalpos::pos {

struct ReceiptOptions {
  loyalty::Language language = loyalty::Language::kEnglish;
  std::string card_base_url = "https://loyal.example";
  std::string join_url;                // empty: no QR on a sale without a card
  bool reprint = false;                // a copy: marked "REPRINT" / "КОПИЯ"
  TimeZone zone = TimeZone::system();  // the store's, for the sale's time
};

ReceiptOptions receipt_options(const Config& config, bool reprint = false);

// The QR payload the receipt carries, or "" for none.
std::string receipt_qr_payload(const SaleRecord& sale, const ReceiptOptions& options);

hardware::ReceiptDocument sale_receipt(const SaleRecord& sale, const TerminalInfo& terminal,
                                       const ReceiptOptions& options,
                                       hardware::EscPosEncoder& encoder);

}  // namespace loyalpos::pos
