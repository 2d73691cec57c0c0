#include "hardware/line_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hardware/line_source_serial.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> drain(LineAssembler& lines) {
  std::vector<std::string> out;
  while (auto line = lines.pop()) out.push_back(line->too_long ? "<too long>" : line->text);
  return out;
}

TEST(LineAssembler, CrLfAndCrlfEachEndOneLine) {
  LineAssembler lines;
  lines.push("A\rB\nC\r\nD");
  EXPECT_EQ(drain(lines), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_TRUE(lines.has_partial());
  lines.flush();
  EXPECT_EQ(drain(lines), std::vector<std::string>{"D"});
  // A CRLF split between two reads is still one end.
  lines.push("E\r");
  lines.push("\nF\n");
  EXPECT_EQ(drain(lines), (std::vector<std::string>{"E", "F"}));
  // Enter alone is an empty line.
  lines.push("\n\r\n");
  EXPECT_EQ(drain(lines), (std::vector<std::string>{"", ""}));
  lines.flush();
  EXPECT_TRUE(drain(lines).empty());
}

TEST(LineAssembler, TabEndsALineLikeEnter) {
  // A scanner set to end each scan with TAB, and one set to TAB + Enter.
  LineAssembler lines;
  lines.push("HTTPS://LOYAL.EXAMPLE/C/55N2\tCROISSANT\tpay cash\n");
  EXPECT_EQ(drain(lines),
            (std::vector<std::string>{"HTTPS://LOYAL.EXAMPLE/C/55N2", "CROISSANT", "pay cash"}));
  lines.push("A\t\r\nB\t\nC\t");
  lines.push("\rD\r\n");
  EXPECT_EQ(drain(lines), (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_FALSE(lines.has_partial());
}

TEST(LineAssembler, OverLongLinesAreDroppedOnceAndReadingGoesOn) {
  LineAssembler lines;
  lines.push("before\n");
  lines.push(std::string(kMaxLineBytes + 10, 'x'));
  lines.push(std::string(100, 'y') + "\r\nafter\r\n");
  EXPECT_EQ(drain(lines), (std::vector<std::string>{"before", "<too long>", "after"}));
  lines.push(std::string(kMaxLineBytes, 'z') + "\n");  // exactly the limit is fine
  const auto last = drain(lines);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].size(), kMaxLineBytes);
}

TEST(StreamLineSource, ReadsAKeyboardWedgeStream) {
  std::istringstream in("HTTPS://LOYAL.EXAMPLE/C/ABC\r\nCROISSANT*2\rpay cash\n\nlast");
  StreamLineSource source(in);
  std::vector<std::string> got;
  for (int i = 0; i < 10; ++i) {
    auto line = source.next_line();
    ASSERT_TRUE(line.ok());
    if (!*line) break;
    got.push_back(**line);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"HTTPS://LOYAL.EXAMPLE/C/ABC", "CROISSANT*2", "pay cash",
                                           "", "last"}));
  auto after = source.next_line();
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());

  std::istringstream huge(std::string(kMaxLineBytes + 1, 'x') + "\nok\n");
  StreamLineSource big(huge);
  auto dropped = big.next_line();
  ASSERT_FALSE(dropped.ok());
  EXPECT_NE(dropped.error().message().find("longer than"), std::string::npos);
  auto next = big.next_line();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->value(), "ok");
}

TEST(StreamLineSource, TabEndsAScanFromTheKeyboard) {
  std::istringstream in("HTTPS://LOYAL.EXAMPLE/C/ABC\tTEA\npay cash\n");
  StreamLineSource source(in);
  std::vector<std::string> got;
  for (int i = 0; i < 10; ++i) {
    auto line = source.next_line();
    ASSERT_TRUE(line.ok());
    if (!*line) break;
    got.push_back(**line);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"HTTPS://LOYAL.EXAMPLE/C/ABC", "TEA", "pay cash"}));
}

// A pseudo-terminal: the master plays the scanner, the slave is its device.
class Pty {
 public:
  Pty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    char name[128];
    if (::ptsname_r(master_, name, sizeof name) == 0) slave_ = name;
  }
  ~Pty() { close(); }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  bool ok() const { return !slave_.empty(); }
  const std::string& slave() const { return slave_; }
  bool write(const std::string& bytes) {
    return ::write(master_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  }
  void close() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
  }

 private:
  int master_ = -1;
  std::string slave_;
};

std::unique_ptr<SerialLineSource> open_serial(const SerialSettings& settings) {
  auto source = SerialLineSource::open(settings);
  EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message());
  return source.ok() ? std::move(*source) : nullptr;
}

std::string next_ok(LineSource& source) {
  auto line = source.next_line();
  EXPECT_TRUE(line.ok()) << (line.ok() ? "" : line.error().message());
  if (!line.ok() || !line->has_value()) return "<none>";
  return **line;
}

TEST(SerialLineSource, ReadsLinesFromAPseudoTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto source = open_serial({pty.slave(), 9600, 0ms, 2000ms});
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(pty.write("CODE\r\n"));
  EXPECT_EQ(next_ok(*source), "CODE");
  ASSERT_TRUE(pty.write("4006381333931\rHTTPS://LOYAL.EXAMPLE/C/55N2\n\r\nLAST\r\n"));
  EXPECT_EQ(next_ok(*source), "4006381333931");
  EXPECT_EQ(next_ok(*source), "HTTPS://LOYAL.EXAMPLE/C/55N2");  // the empty line is skipped
  EXPECT_EQ(next_ok(*source), "LAST");

  // Nothing more within the read timeout: an error, within bounds.
  auto quiet = SerialLineSource::open({pty.slave(), 115200, 0ms, 200ms});
  ASSERT_TRUE(quiet.ok());
  const auto start = std::chrono::steady_clock::now();
  auto none = (*quiet)->next_line();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(none.error().message().find("no scan from"), std::string::npos);
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 2s);
}

TEST(SerialLineSource, TabEndsAScan) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto source = open_serial({pty.slave(), 9600, 0ms, 2000ms});
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(pty.write("HTTPS://LOYAL.EXAMPLE/C/55N2\t4006381333931\t\r\n"));
  EXPECT_EQ(next_ok(*source), "HTTPS://LOYAL.EXAMPLE/C/55N2");
  EXPECT_EQ(next_ok(*source), "4006381333931");
}

TEST(SerialLineSource, IdleTimeEndsALineWithoutTerminator) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto source = open_serial({pty.slave(), 9600, 100ms, 2000ms});
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(pty.write("NOSUFFIX"));
  EXPECT_EQ(next_ok(*source), "NOSUFFIX");
}

TEST(SerialLineSource, UnpluggingEndsTheInput) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto source = open_serial({pty.slave(), 9600, 0ms, 2000ms});
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(pty.write("ONE\nTWO"));
  EXPECT_EQ(next_ok(*source), "ONE");
  std::this_thread::sleep_for(50ms);
  pty.close();  // the slave now reads EIO, as for an unplugged USB scanner
  EXPECT_EQ(next_ok(*source), "TWO");
  auto end = source->next_line();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
}

TEST(SerialLineSource, OpenErrorsSayWhatIsWrong) {
  testing::TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto missing = SerialLineSource::open({dir.file("ttyACM0"), 9600, 0ms, 0ms});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("no scanner at " + dir.file("ttyACM0")),
            std::string::npos)
      << missing.error().message();

  std::ofstream(dir.file("not-a-tty")).close();
  auto file = SerialLineSource::open({dir.file("not-a-tty"), 9600, 0ms, 0ms});
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message().find("is not a serial port"), std::string::npos)
      << file.error().message();
}

}  // namespace
}  // namespace loyalpos::hardware
