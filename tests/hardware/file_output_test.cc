#include "hardware/file_output.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.h"

namespace loyalpos::hardware {
namespace {

using testing::FileSizeLimit;
using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::uint8_t> bytes(std::size_t n) { return std::vector<std::uint8_t>(n, 'x'); }

std::vector<std::string> names_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(FileOutput, ReplacesARegularFileWhole) {
  TempDir dir;
  const std::string path = dir.file("sheet.pdf");
  std::ofstream(path) << "old";
  ASSERT_TRUE(write_file_whole(path, bytes(5000)).ok());
  EXPECT_EQ(std::filesystem::file_size(path), 5000u);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"sheet.pdf"});
}

TEST(FileOutput, AFullDiskSaysSoAndLeavesTheOldFileAndNoOther) {
  TempDir dir;
  const std::string path = dir.file("sheet.pdf");
  std::ofstream(path) << "old";
  Status written = ok_status();
  {
    FileSizeLimit room(1000);
    ASSERT_TRUE(room.ok());
    written = write_file_whole(path, bytes(5000));
  }
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error().message(), "cannot write " + path + ": the disk is full");
  EXPECT_EQ(slurp(path), "old");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"sheet.pdf"});
}

TEST(FileOutput, RefusesDevicesFoldersAndLinks) {
  TempDir dir;
  auto refused = write_file_whole("/dev/null", bytes(10));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("a device or a special file"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  refused = write_file_whole(dir.path(), bytes(10));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("it is a folder"), std::string::npos);
  const std::string target = dir.file("target.txt"), link = dir.file("link.pdf");
  std::ofstream(target) << "keep";
  std::filesystem::create_symlink(target, link);
  refused = write_file_whole(link, bytes(10));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("symbolic link"), std::string::npos);
  EXPECT_EQ(slurp(target), "keep");
  refused = write_file_whole(dir.file("no/such/folder.pdf"), bytes(10));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("no such folder"), std::string::npos);
}

}  // namespace
}  // namespace loyalpos::hardware
