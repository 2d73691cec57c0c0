#include "hardware/printer_device.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "escpos_decoder.h"
#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using Bytes = std::vector<std::uint8_t>;

PrinterProfile epson() {
  auto p = builtin_profile("epson-tm-t88");
  EXPECT_TRUE(p.ok());
  return p.ok() ? *p : PrinterProfile{};
}

Bytes read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(DevicePrinter, WritesTheWholeJobToTheDevice) {
  testing::Pty pty;  // a character device stands in for /dev/usb/lp0
  ASSERT_TRUE(pty.ok());
  pty.read_all();
  DevicePrinter printer(epson(), {pty.path(), 1000ms});
  ReceiptDocument doc;
  doc.text("Кофе — 180 ₽").qr("HTTPS://LOYAL.EXAMPLE/C/X").cut();
  const Status printed = printer.print(doc);
  ASSERT_TRUE(printed.ok()) << printed.error().message();
  auto expected = printer.encode(doc);
  ASSERT_TRUE(expected.ok());
  const Bytes got = pty.bytes();
  EXPECT_EQ(got, *expected);
  auto job = testing::decode_escpos(got, 48);
  ASSERT_TRUE(job.ok()) << job.error().message();
  EXPECT_EQ(job->texts(), std::vector<std::string>{"Кофе - 180 р."});

  auto status = printer.status();  // a terminal has no printer port status
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->known);
}

TEST(DevicePrinter, ARegularFileIsRefusedAndLeftUntouched) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("lp0");
  const std::string content = "the shop's notes, not a printer\n";
  std::ofstream(path) << content;
  DevicePrinter printer(epson(), {path, 1000ms});
  const Status printed = printer.print(ReceiptDocument().text("Кофе").cut());
  ASSERT_FALSE(printed.ok());
  // Never retried by itself: the config is wrong, not the printer busy.
  EXPECT_EQ(printed.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(printed.error().message().find(path), std::string::npos) << printed.error().message();
  EXPECT_NE(printed.error().message().find("not a printer device"), std::string::npos)
      << printed.error().message();
  const Bytes after = read_all(path);
  EXPECT_EQ(std::string(after.begin(), after.end()), content);
  auto status = printer.status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidInput);
  // Nor is a folder.
  DevicePrinter folder(epson(), {dir.path(), 1000ms});
  EXPECT_EQ(folder.print(ReceiptDocument().text("x")).error().code(), ErrorCode::kInvalidInput);
}

TEST(DevicePrinter, MissingDeviceSaysPlugItIn) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  DevicePrinter printer(epson(), {dir.file("usb/lp0"), 1000ms});
  const Status printed = printer.print(ReceiptDocument().text("x"));
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(printed.error().message().find("no printer at " + dir.file("usb/lp0")),
            std::string::npos)
      << printed.error().message();
  EXPECT_NE(printed.error().message().find("plugged in"), std::string::npos);
  EXPECT_FALSE(printer.status().ok());
}

TEST(DevicePrinter, OpenErrorsNameTheFix) {
  // Tests run as root here, so EACCES cannot be provoked; the message is what matters.
  const Error denied = device_open_error("/dev/usb/lp0", EACCES);
  EXPECT_EQ(denied.code(), ErrorCode::kUnavailable);
  EXPECT_NE(denied.message().find("permission denied"), std::string::npos);
  EXPECT_NE(denied.message().find("group lp"), std::string::npos);
  const Error busy = device_open_error("/dev/usb/lp0", EBUSY);
  EXPECT_NE(busy.message().find("busy"), std::string::npos);
  EXPECT_NE(busy.message().find("CUPS"), std::string::npos);
  EXPECT_NE(device_open_error("/dev/usb/lp0", ENODEV).message().find("switched off"),
            std::string::npos);
}

TEST(DevicePrinter, DeviceWithNobodyBehindItFailsAtOnce) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string fifo = dir.file("lp0");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  DevicePrinter printer(epson(), {fifo, 1000ms});
  const auto start = std::chrono::steady_clock::now();
  const Status printed = printer.print(ReceiptDocument().text("x"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // no hang in open()
  ASSERT_FALSE(printed.ok());
  EXPECT_NE(printed.error().message().find("not answering"), std::string::npos)
      << printed.error().message();
}

TEST(DevicePrinter, PrinterThatStopsTakingDataTimesOut) {
  testing::Pty pty;  // nobody reads the other end: the device stops taking bytes
  ASSERT_TRUE(pty.ok());
  DevicePrinter printer(epson(), {pty.path(), 200ms});
  const Bytes job(1u << 20, 'x');  // far more than a terminal buffers
  const auto start = std::chrono::steady_clock::now();
  const Status sent = printer.send_job(job);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().code(), ErrorCode::kIo);
  EXPECT_NE(sent.error().message().find("stopped taking the receipt"), std::string::npos)
      << sent.error().message();
  EXPECT_NE(sent.error().message().find("0.2 s"), std::string::npos);
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 2s);
}

TEST(SinkPrinter, HandsTheEncodedJobToTheFunction) {
  std::vector<Bytes> jobs;
  SinkPrinter printer(epson(), [&](std::span<const std::uint8_t> job) {
    jobs.emplace_back(job.begin(), job.end());
    return ok_status();
  });
  ASSERT_TRUE(printer.print(ReceiptDocument().text("one")).ok());
  ASSERT_TRUE(printer.print(ReceiptDocument().text("two")).ok());
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(testing::decode_escpos(jobs[1])->texts(), std::vector<std::string>{"two"});
  // A document that cannot print never reaches the transport.
  EXPECT_FALSE(printer.print(ReceiptDocument().text(std::string(49, 'x'))).ok());
  EXPECT_EQ(jobs.size(), 2u);
  auto status = printer.status();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->known);
}

}  // namespace
}  // namespace loyalpos::hardware
