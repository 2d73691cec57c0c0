#include "hardware/line_source.h"

#include <utility>

namespace loyalpos::hardware {

void LineAssembler::push(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\t') {
      end_line();
      after_ = After::kTab;
      continue;
    }
    if (c == '\r') {
      if (after_ != After::kTab) end_line();
      after_ = After::kCr;
      continue;
    }
    if (c == '\n') {
      if (after_ == After::kNothing) end_line();
      after_ = After::kNothing;
      continue;
    }
    after_ = After::kNothing;
    if (dropping_) continue;
    partial_ += c;
    if (partial_.size() > kMaxLineBytes) {
      partial_.clear();
      dropping_ = true;
    }
  }
}

void LineAssembler::flush() {
  if (has_partial()) end_line();
}

void LineAssembler::end_line() {
  if (dropping_) {
    lines_.push_back({std::string(), true});
    dropping_ = false;
  } else {
    lines_.push_back({std::move(partial_), false});
  }
  partial_.clear();
}

std::optional<AssembledLine> LineAssembler::pop() {
  if (lines_.empty()) return std::nullopt;
  AssembledLine line = std::move(lines_.front());
  lines_.pop_front();
  return line;
}

Error line_too_long_error(std::string_view source) {
  return Error::invalid("a line from " + std::string(source) + " was longer than " +
                        std::to_string(kMaxLineBytes) + " bytes and was dropped");
}

Result<std::optional<std::string>> StreamLineSource::next_line() {
  for (;;) {
    if (auto line = lines_.pop()) {
      if (line->too_long) return line_too_long_error("the keyboard");
      return std::optional<std::string>(std::move(line->text));
    }
    char c = 0;
    if (!in_.get(c)) {
      if (in_.bad()) return Error::io("reading the keyboard input failed");
      lines_.flush();
      if (auto line = lines_.pop()) {
        if (line->too_long) return line_too_long_error("the keyboard");
        return std::optional<std::string>(std::move(line->text));
      }
      return std::optional<std::string>();
    }
    lines_.push(std::string_view(&c, 1));
  }
}

}  // namespace loyalpos::hardware
