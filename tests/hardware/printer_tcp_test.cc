#include "hardware/printer_tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "escpos_decoder.h"
#include "hardware/escpos_status.h"
#include "loyalty/card_token.h"
#include "loyalty/scan_input.h"

namespace loyalpos::hardware {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr int kServerWaitMs = 5000;  // every wait of the fake printer is bounded

std::string card_url() {
  loyalty::CardId id;
  for (std::size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = static_cast<std::uint8_t>(3 + i * 17);
  return loyalty::card_url("https://loyal.example", loyalty::encode_token(id));
}

int listen_on_loopback(std::uint16_t* port, int backlog = 4, int rcvbuf = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

// A printer on 127.0.0.1:<ephemeral> in a thread, serving one connection.
class FakePrinter {
 public:
  enum class Mode {
    kReceive,        // read the job until the client closes its side, then close
    kSlowReceive,    // the same, after a pause: the client must wait for the close
    kAnswerStatus,   // answer the 3 DLE EOT queries with `reply`
    kSilent,         // read, never answer
    kCloseAfter,     // read `close_after` bytes, then close with the rest unread
    kConfirmJob,     // read the job; when it ends with DLE EOT 1 2 4, answer `reply`
    kConfirmLinger,  // the same, then keep the connection 1 s after the client's end
  };

  explicit FakePrinter(Mode mode, Bytes reply = {}, std::size_t close_after = 0)
      : mode_(mode), reply_(std::move(reply)), close_after_(close_after) {
    listen_fd_ = listen_on_loopback(&port_);
    if (listen_fd_ >= 0) thread_ = std::thread([this] { serve(); });
  }
  ~FakePrinter() {
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  bool ok() const { return listen_fd_ >= 0; }
  std::uint16_t port() const { return port_; }
  TcpPrinterSettings settings() const {
    TcpPrinterSettings s;
    s.host = "127.0.0.1";
    s.port = port_;
    s.connect_timeout = 2000ms;
    s.write_timeout = 3000ms;
    s.drain_timeout = 3000ms;
    s.status_timeout = 500ms;
    return s;
  }
  // Waits for the connection to be served; then the bytes it got.
  const Bytes& received() {
    if (thread_.joinable()) thread_.join();
    return received_;
  }

 private:
  void serve() {
    if (!readable(listen_fd_, kServerWaitMs)) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (mode_ == Mode::kSlowReceive) std::this_thread::sleep_for(300ms);
    std::uint8_t buf[4096];
    bool answered = false;
    for (;;) {
      std::size_t want = sizeof buf;
      if (mode_ == Mode::kCloseAfter) {
        if (received_.size() >= close_after_) break;
        want = std::min(want, close_after_ - received_.size());
      }
      if (!readable(fd, kServerWaitMs)) break;
      const ssize_t n = ::recv(fd, buf, want, 0);
      if (n == 0 && mode_ == Mode::kConfirmLinger) std::this_thread::sleep_for(1s);
      if (n <= 0) break;
      received_.insert(received_.end(), buf, buf + n);
      if (mode_ == Mode::kAnswerStatus && !answered && received_.size() >= 9) {
        ::send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        answered = true;
      }
      const Bytes query = status_query();
      if ((mode_ == Mode::kConfirmJob || mode_ == Mode::kConfirmLinger) && !answered &&
          received_.size() >= query.size() &&
          std::equal(query.begin(), query.end(),
                     received_.end() - static_cast<std::ptrdiff_t>(query.size()))) {
        ::send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
        answered = true;
      }
    }
    ::close(fd);
  }

  Mode mode_;
  Bytes reply_;
  std::size_t close_after_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  Bytes received_;
};

ReceiptDocument sample_receipt(const std::string& url) {
  ReceiptDocument doc;
  doc.text("КОФЕЙНЯ «ЛАТТЕ»", {true, true, Align::kCenter});
  doc.text("Чек 0042", {false, false, Align::kCenter});
  doc.text("Капучино 0,3          180.00 ₽");
  doc.text("Пахлава                120.00 ₽");
  doc.text("ИТОГО                  300.00 ₽", {true, false, Align::kLeft});
  doc.text("Ваша карта:", {false, false, Align::kCenter});
  doc.qr(url);
  doc.text("Спасибо!", {false, false, Align::kCenter});
  doc.cut();
  return doc;
}

const std::vector<std::string> kSampleLines = {"КОФЕЙНЯ \"ЛАТТЕ\"",
                                               "Чек 0042",
                                               "Капучино 0,3          180.00 р.",
                                               "Пахлава                120.00 р.",
                                               "ИТОГО                  300.00 р.",
                                               "Ваша карта:",
                                               "Спасибо!"};

PrinterProfile profile(const char* name) {
  auto p = builtin_profile(name);
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : PrinterProfile{};
}

TEST(TcpPrinter, ReceiptArrivesWholeAndDecodesBack) {
  const std::string url = card_url();
  for (const char* name : {"epson-tm-t88", "xprinter-58"}) {
    FakePrinter fake(FakePrinter::Mode::kReceive);
    ASSERT_TRUE(fake.ok());
    TcpPrinter printer(profile(name), fake.settings());
    const Status printed = printer.print(sample_receipt(url));
    ASSERT_TRUE(printed.ok()) << printed.error().message();

    const Bytes& got = fake.received();
    auto expected = printer.encode(sample_receipt(url));
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(got, *expected) << name;  // every byte, the cut at the tail included
    auto job = testing::decode_escpos(got, printer.profile().columns);
    ASSERT_TRUE(job.ok()) << job.error().message();
    EXPECT_EQ(job->texts(), kSampleLines) << name;
    if (printer.profile().native_qr) {
      ASSERT_EQ(job->qr_codes().size(), 1u);
      EXPECT_EQ(job->qr_codes()[0].payload, url);
    } else {
      const auto rasters = job->rasters();
      ASSERT_EQ(rasters.size(), 1u);
      const ZXing::Result zx = testing::zxing_decode(rasters[0].to_gray(2, 8));
      ASSERT_TRUE(zx.isValid());
      EXPECT_EQ(zx.text(), url);
    }
  }
}

TEST(TcpPrinter, WaitsForThePrinterToCloseSoTheTailIsNotLost) {
  FakePrinter fake(FakePrinter::Mode::kSlowReceive);
  ASSERT_TRUE(fake.ok());
  TcpPrinter printer(profile("epson-tm-t88"), fake.settings());
  ASSERT_TRUE(printer.print(sample_receipt(card_url())).ok());
  const Bytes& got = fake.received();
  ASSERT_GE(got.size(), 4u);
  EXPECT_EQ(Bytes(got.end() - 4, got.end()), (Bytes{0x1D, 'V', 66, 0}));
}

TEST(TcpPrinter, RefusedConnectionSaysBusyOffOrUnreachable) {
  std::uint16_t port = 0;
  const int fd = listen_on_loopback(&port);
  ASSERT_GE(fd, 0);
  ::close(fd);  // bound, then closed: nothing listens there now
  TcpPrinterSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const auto start = std::chrono::steady_clock::now();
  const Status printed = printer.print(sample_receipt(card_url()));
  ASSERT_FALSE(printed.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(printed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(printed.error().message().find("refused the connection"), std::string::npos)
      << printed.error().message();
  EXPECT_NE(printed.error().message().find("busy"), std::string::npos);
  auto status = printer.status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
}

TEST(TcpPrinter, ConnectTimeoutSaysBusyOffOrUnreachable) {
  // A listener that never accepts, its queue filled: the kernel drops new SYNs.
  std::uint16_t port = 0;
  const int fd = listen_on_loopback(&port, 0);
  ASSERT_GE(fd, 0);
  std::vector<int> fillers;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  for (int i = 0; i < 4; ++i) {
    const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(c);
  }
  std::this_thread::sleep_for(100ms);
  TcpPrinterSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.connect_timeout = 300ms;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const auto start = std::chrono::steady_clock::now();
  const Status printed = printer.print(sample_receipt(card_url()));
  const auto took = std::chrono::steady_clock::now() - start;
  for (int c : fillers) ::close(c);
  ::close(fd);
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(printed.error().message().find("did not answer within 0.3 s"), std::string::npos)
      << printed.error().message();
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 2s);
}

TEST(TcpPrinter, PrinterClosingMidJobIsAnErrorNotASuccess) {
  FakePrinter fake(FakePrinter::Mode::kCloseAfter, {}, 100);
  ASSERT_TRUE(fake.ok());
  TcpPrinter printer(profile("xprinter-58"), fake.settings());  // raster: ~9 KB
  const Status printed = printer.print(sample_receipt(card_url()));
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kIo);
  EXPECT_NE(printed.error().message().find("part of the receipt"), std::string::npos)
      << printed.error().message();
  EXPECT_EQ(fake.received().size(), 100u);
}

TEST(TcpPrinter, PrinterThatStopsReadingTimesOut) {
  std::uint16_t port = 0;
  const int fd = listen_on_loopback(&port, 4, 4096);
  ASSERT_GE(fd, 0);
  TcpPrinterSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.write_timeout = 300ms;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const Bytes huge(32u << 20, 'x');  // far more than both socket buffers hold
  const auto start = std::chrono::steady_clock::now();
  const Status sent = printer.send_job(huge);  // accepted by the kernel, never read
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kIo);
  EXPECT_NE(sent.error().message().find("stopped taking the receipt"), std::string::npos)
      << sent.error().message();
  EXPECT_LT(took, 3s);
}

// Accepts one connection and never reads from it; holds it until destroyed.
class NeverReads {
 public:
  explicit NeverReads(int rcvbuf) {
    listen_fd_ = listen_on_loopback(&port_, 4, rcvbuf);
    if (listen_fd_ < 0) return;
    thread_ = std::thread([this] {
      if (!readable(listen_fd_, kServerWaitMs)) return;
      fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      for (int i = 0; i < 200 && !done_; ++i) std::this_thread::sleep_for(25ms);
    });
  }
  ~NeverReads() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  bool ok() const { return listen_fd_ >= 0; }
  TcpPrinterSettings settings() const {
    TcpPrinterSettings s;
    s.host = "127.0.0.1";
    s.port = port_;
    s.connect_timeout = 1000ms;
    s.write_timeout = 2000ms;
    s.drain_timeout = 500ms;
    s.status_timeout = 300ms;
    return s;
  }

 private:
  int listen_fd_ = -1;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

TEST(TcpPrinter, AReceiptThePrinterNeverReadsIsNotPrinted) {
  NeverReads stuck(4096);  // a small window: the receipt cannot all fit
  ASSERT_TRUE(stuck.ok());
  TcpPrinter printer(profile("xprinter-58"), stuck.settings());  // raster: ~9 KB
  const auto start = std::chrono::steady_clock::now();
  const Status printed = printer.print(sample_receipt(card_url()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(),
            ErrorCode::kIo);  // not kUnavailable: some of it may print later
  EXPECT_NE(printed.error().message().find("did not take the whole receipt"), std::string::npos)
      << printed.error().message();
}

TEST(TcpPrinter, AJobLeftUnreadInSocketBuffersIsNotPrinted) {
  NeverReads stuck(0);  // default buffers: the small job is acknowledged, never read
  ASSERT_TRUE(stuck.ok());
  TcpPrinter printer(profile("epson-tm-t88"), stuck.settings());
  const Status printed = printer.print(ReceiptDocument().text("Чек 0042").cut());
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kIo);
  EXPECT_NE(printed.error().message().find("did not finish the job"), std::string::npos)
      << printed.error().message();
}

TEST(TcpPrinter, AConfirmedJobIsPrintedThoughThePrinterKeepsTheConnection) {
  FakePrinter fake(FakePrinter::Mode::kConfirmLinger, {0x12, 0x12, 0x12});
  ASSERT_TRUE(fake.ok());
  TcpPrinterSettings settings = fake.settings();
  settings.confirm_with_status = true;
  settings.drain_timeout = 300ms;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const Status printed = printer.print(ReceiptDocument().text("x").cut());
  EXPECT_TRUE(printed.ok()) << printed.error().message();
}

TEST(TcpPrinter, WithStatusConfirmationAJobLeftInSocketBuffersIsNotPrinted) {
  NeverReads stuck(0);  // default buffers: the small job is acknowledged, never read
  ASSERT_TRUE(stuck.ok());
  TcpPrinterSettings settings = stuck.settings();
  settings.confirm_with_status = true;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const auto start = std::chrono::steady_clock::now();
  const Status printed = printer.print(ReceiptDocument().text("Чек 0042").cut());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kIo);
  EXPECT_NE(printed.error().message().find("did not confirm"), std::string::npos)
      << printed.error().message();
}

TEST(TcpPrinter, WithStatusConfirmationTheStatusQueryFollowsTheJob) {
  FakePrinter fake(FakePrinter::Mode::kConfirmJob, {0x12, 0x12, 0x12});
  ASSERT_TRUE(fake.ok());
  TcpPrinterSettings settings = fake.settings();
  settings.confirm_with_status = true;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const ReceiptDocument doc = sample_receipt(card_url());
  const Status printed = printer.print(doc);
  ASSERT_TRUE(printed.ok()) << printed.error().message();
  Bytes expected = *printer.encode(doc);
  const Bytes query = status_query();
  expected.insert(expected.end(), query.begin(), query.end());
  EXPECT_EQ(fake.received(), expected);
}

TEST(TcpPrinter, WithStatusConfirmationPaperOutIsNotPrinted) {
  FakePrinter fake(FakePrinter::Mode::kConfirmJob, {0x12, 0x32, 0x72});
  ASSERT_TRUE(fake.ok());
  TcpPrinterSettings settings = fake.settings();
  settings.confirm_with_status = true;
  TcpPrinter printer(profile("epson-tm-t88"), settings);
  const Status printed = printer.print(ReceiptDocument().text("x"));
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kIo);
  EXPECT_NE(printed.error().message().find("out of paper"), std::string::npos)
      << printed.error().message();
}

TEST(TcpPrinter, StatusPaperOutIsReportedClearly) {
  FakePrinter fake(FakePrinter::Mode::kAnswerStatus, {0x12, 0x32, 0x72});
  ASSERT_TRUE(fake.ok());
  TcpPrinter printer(profile("epson-tm-t88"), fake.settings());
  auto status = printer.status();
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_TRUE(status->known);
  EXPECT_TRUE(status->paper_out);
  EXPECT_FALSE(status->ready());
  EXPECT_EQ(describe(*status), "printer is out of paper: put in a new roll, then reprint");
  // The fake got exactly the three queries.
  EXPECT_EQ(fake.received(), status_query());
}

TEST(TcpPrinter, StatusReady) {
  FakePrinter fake(FakePrinter::Mode::kAnswerStatus, {0x12, 0x12, 0x12});
  ASSERT_TRUE(fake.ok());
  TcpPrinter printer(profile("epson-tm-t88"), fake.settings());
  auto status = printer.status();
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_TRUE(status->ready());
  EXPECT_EQ(describe(*status), "printer is ready");
}

TEST(TcpPrinter, SilentPrinterIsUnknownNeverOk) {
  FakePrinter fake(FakePrinter::Mode::kSilent);
  ASSERT_TRUE(fake.ok());
  TcpPrinter printer(profile("epson-tm-t88"), fake.settings());
  const auto start = std::chrono::steady_clock::now();
  auto status = printer.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_FALSE(status->known);
  EXPECT_FALSE(status->ready());
  EXPECT_NE(describe(*status).find("unknown"), std::string::npos);
}

TEST(EscPosStatus, RepliesAreParsedStrictly) {
  EXPECT_TRUE(parse_status_reply(Bytes{0x12, 0x12, 0x12}).ready());
  const PrinterStatus offline = parse_status_reply(Bytes{0x1A, 0x16, 0x12});
  EXPECT_TRUE(offline.known);
  EXPECT_FALSE(offline.online);
  EXPECT_TRUE(offline.cover_open);
  EXPECT_EQ(describe(offline), "printer cover is open: close it");
  const PrinterStatus low = parse_status_reply(Bytes{0x12, 0x12, 0x1E});
  EXPECT_TRUE(low.ready());
  EXPECT_TRUE(low.paper_near_end);
  EXPECT_NE(describe(low).find("running out"), std::string::npos);
  // Partial or malformed answers are unknown, not ready.
  EXPECT_FALSE(parse_status_reply(Bytes{0x12, 0x12}).known);
  EXPECT_FALSE(parse_status_reply(Bytes{}).known);
  EXPECT_FALSE(parse_status_reply(Bytes{0x12, 0x12, 0xFF}).known);
  EXPECT_FALSE(parse_status_reply(Bytes{0x00, 0x12, 0x12}).known);
  EXPECT_FALSE(PrinterStatus::unknown().ready());
}

}  // namespace
}  // namespace loyalpos::hardware
