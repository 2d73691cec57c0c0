// Where scanned (or typed) lines come from: the counter reads one line per
// scan from a LineSource, whatever the scanner is.
//
// next_line() blocks until a whole line has arrived and returns it without
// its terminator; std::nullopt once the input has ended (end of file, device
// gone). A line ends at CR, LF, CRLF or TAB (a common scanner setting); CRLF
// is one end, not two, and so is a TAB followed by CR, LF or CRLF. A line
// longer than kMaxLineBytes is dropped and reported as an error, once; the
// source goes on with the next line. Sources are not thread-safe.
#pragma once

#include <loyalpos/result.h>

#include <cstddef>
#include <deque>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

namespace loyalpos::hardware {

inline constexpr std::size_t kMaxLineBytes = 4096;

class LineSource {
 public:
  virtual ~LineSource() = default;
  virtual Result<std::optional<std::string>> next_line() = 0;
};

struct AssembledLine {
  std::string text;
  bool too_long = false;  // dropped for passing kMaxLineBytes; text is empty
};

// Bytes in, lines out, with the rules above. Pure; every source uses it.
class LineAssembler {
 public:
  void push(std::string_view bytes);
  // Ends the partial line, if any, as a line (end of input, idle timeout).
  void flush();

  std::optional<AssembledLine> pop();
  bool has_partial() const { return !partial_.empty() || dropping_; }

 private:
  void end_line();

  std::string partial_;
  std::deque<AssembledLine> lines_;
  // What ended the last line: a LF right after a CR, and a line end right
  // after a TAB, end nothing.
  enum class After { kNothing, kCr, kTab };
  After after_ = After::kNothing;
  bool dropping_ = false;  // inside an over-long line: skip to its end
};

// The error a source returns for a dropped over-long line.
Error line_too_long_error(std::string_view source);

// A keyboard-wedge scanner (or a person) typing into a stream, e.g. std::cin.
// Empty lines are passed on: the caller decides what Enter alone means.
class StreamLineSource final : public LineSource {
 public:
  explicit StreamLineSource(std::istream& in) : in_(in) {}
  Result<std::optional<std::string>> next_line() override;

 private:
  std::istream& in_;
  LineAssembler lines_;
};

}  // namespace loyalpos::hardware
