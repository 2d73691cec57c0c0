#include "hardware/receipt_document.h"

#include <array>
#include <utility>

namespace loyalpos::hardware {

ReceiptDocument& ReceiptDocument::text(std::string line, TextStyle style) {
  blocks_.emplace_back(TextBlock{std::move(line), style});
  return *this;
}

ReceiptDocument& ReceiptDocument::qr(std::string payload) {
  blocks_.emplace_back(QrBlock{std::move(payload)});
  return *this;
}

ReceiptDocument& ReceiptDocument::feed(int lines) {
  blocks_.emplace_back(FeedBlock{lines});
  return *this;
}

ReceiptDocument& ReceiptDocument::cut() {
  blocks_.emplace_back(CutBlock{});
  return *this;
}

ReceiptDocument& ReceiptDocument::open_drawer() {
  blocks_.emplace_back(DrawerBlock{});
  return *this;
}

}  // namespace loyalpos::hardware
