// A full disk, for real: the workspace lives on a small tmpfs this test mounts, and a ballast file
// fills it to the last byte before a render that wants more takes. Every write that fails there
// (the database, a take's MP4 and its poster) must end as one clear error and a non-zero
// exit, leave no temporary file behind and change no earlier take; once space is back, the same
// command completes. Needs root (mount); as any other user the test is skipped and says why.
#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "db/database.h"
#include "db/migrations.h"
#include "media/video_reader.h"
#include "render/render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

// Mounts a tmpfs of `megabytes` at `dir` for the lifetime of the object.
class SmallDisk {
 public:
  SmallDisk(fs::path dir, int megabytes) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes zeros to `path` until the file system refuses: afterwards not one byte is free.
void fill_disk(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  const std::string block(64 * 1024, '\0');
  while (std::fwrite(block.data(), 1, block.size(), file) == block.size()) {
  }
  std::fclose(file);
  // Smaller writes fill the last partial block too.
  file = std::fopen(path.c_str(), "ab");
  ASSERT_NE(file, nullptr);
  while (std::fwrite("x", 1, 1, file) == 1 && std::fflush(file) == 0) {
  }
  std::fclose(file);
}

std::map<std::string, std::string> files_under(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
  return files;
}

int temp_files_under(const fs::path& root) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (is_temp_file_name(entry.path().filename().string())) ++count;
  return count;
}

std::string integrity(const fs::path& database_file) {
  auto database = db::open_project_database(database_file);
  auto check = database.prepare("PRAGMA integrity_check");
  return check.step() ? check.text(0) : "no answer";
}

TEST(DiskFull, FailedWritesLoseNothingAndTheRerunCompletes) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting the small tmpfs needs root (CI runs as root)";
  TempDir dir;
  SmallDisk disk(dir.path() / "disk", 8);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();

  FilmSpec spec;
  spec.resolution = "512x256";
  spec.shots = {{"s1_01"}, {"s1_02"}};
  const fs::path root = make_workspace(dir.path() / "disk" / "ws", spec);
  const std::string model = tiny_model_dir().string();  // outside the small disk
  auto render = [&] {
    return shotgen::testing::run_shotgen_within(
        {"-C", root.string(), "render", "--all", "--takes", "2", "--model", model}, 120);
  };
  const auto first = shotgen::testing::run_shotgen_within(
      {"-C", root.string(), "render", "--all", "--model", model}, 120);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto renders_before = files_under(root / "renders");
  ASSERT_FALSE(renders_before.empty());

  // Not one byte free: the database cannot be written (exit 2). 150 KB free: the database can,
  // but a take's MP4 and poster (~100 KB each at 512x256) cannot, so jobs fail with the reason.
  const fs::path ballast = dir.path() / "disk" / "ballast";
  for (const std::uintmax_t free_bytes : {std::uintmax_t{0}, std::uintmax_t{150 * 1024}}) {
    SCOPED_TRACE("free bytes: " + std::to_string(free_bytes));
    fill_disk(ballast);
    fs::resize_file(ballast, fs::file_size(ballast) - free_bytes);
    const auto full = render();
    EXPECT_FALSE(full.needed_term) << "a render on a full disk must end by itself";
    // 2: refused before rendering (the database); 1: rendered, and the jobs failed with the reason.
    EXPECT_EQ(full.exit_code, free_bytes == 0 ? 2 : 1) << full.out << full.err;
    const std::string said = full.out + full.err;
    EXPECT_TRUE(said.find("No space left") != std::string::npos || said.find("disk is full") != std::string::npos)
        << said;
    EXPECT_EQ(temp_files_under(root), 0) << "a failed write left its temporary file";
    for (const auto& [name, bytes] : renders_before) {
      ASSERT_TRUE(fs::exists(root / "renders" / name)) << name << " was removed";
      EXPECT_EQ(read_file(root / "renders" / name), bytes) << name << " changed";
    }
    fs::remove(ballast);
    EXPECT_EQ(integrity(root / "shotgen.db"), "ok");
  }

  // Space is back: the same command renders what is missing and every take decodes.
  const auto again = render();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const std::string shot : {"s1_01", "s1_02"}) {
    const auto listed = shotgen::testing::run_shotgen({"-C", root.string(), "take", "list", shot, "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto takes = nlohmann::json::parse(listed.out);
    int done = 0;
    for (const auto& take : takes) done += take.at("status") == "done";
    EXPECT_EQ(done, 2) << shot << ": " << listed.out;
  }
  int decoded = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root / "renders"))
    if (entry.path().extension() == ".mp4") {
      EXPECT_GT(probe_video(entry.path()).frames, 0) << entry.path();
      ++decoded;
    }
  EXPECT_GE(decoded, 4);
  EXPECT_EQ(temp_files_under(root), 0);
  EXPECT_EQ(integrity(root / "shotgen.db"), "ok");
}

}  // namespace
}  // namespace shotgen::render
