// A film.toml written by someone hostile (or careless), rendered in a workspace that already holds
// takes: references outside the workspace (absolute, "../", a symlink out), a FIFO, a PNG declaring
// 32768×32768 pixels, and a model whose weights are NaN. Each render is refused or fails its jobs
// with one clear error, within seconds; nothing outside the workspace is opened (a FIFO outside
// watches for readers); nothing inside is lost (the earlier takes stay byte for byte, the database
// keeps them and passes its integrity check).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <chrono>
#include <map>
#include <thread>

#include "core/atomic_file.h"
#include "db/database.h"
#include "db/migrations.h"
#include "engine/io/safetensors.h"
#include "media/media_fixtures.h"
#include "render/render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

// Opens `fifo` for writing without blocking, again and again: that succeeds only while some
// process has it open for reading, which is what nobody may do.
class ReaderWatch {
 public:
  explicit ReaderWatch(fs::path fifo) : fifo_(std::move(fifo)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        const int fd = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) {
          seen_ = true;
          ::close(fd);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~ReaderWatch() {
    stop_ = true;
    thread_.join();
  }
  bool seen() const { return seen_; }

 private:
  fs::path fifo_;
  std::atomic<bool> stop_{false}, seen_{false};
  std::thread thread_;
};

std::map<std::string, std::string> take_files(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root / "renders"))
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
  return files;
}

FilmSpec film_with_reference(const std::string& image) {
  FilmSpec spec;
  spec.extra_toml = "[[references]]\nid = \"board\"\nimage = \"" + image + "\"\nuse = [\"palette\"]\n";
  spec.shots = {{"s1_01"}, {"s1_02"}};
  spec.shots[0].references = {"board"};
  return spec;
}

// The tiny model with every velocity NaN (a damaged or badly trained checkpoint).
fs::path nan_model(const fs::path& dir) {
  const fs::path model = dir / "nan_model";
  fs::create_directories(model);
  for (const auto& entry : fs::directory_iterator(tiny_model_dir())) fs::copy_file(entry.path(), model / entry.path().filename());
  engine::SafetensorsFile weights = engine::read_safetensors(model / "weights.safetensors");
  engine::TensorBytes& bias = weights.tensors.at("denoiser.final_linear.bias");
  if (bias.dtype != engine::DType::F32) throw std::runtime_error("the tiny model is saved in F32");
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t i = 0; i + 4 <= bias.bytes.size(); i += 4) std::memcpy(bias.bytes.data() + i, &nan, 4);
  engine::write_safetensors(model / "weights.safetensors", weights);
  return model;
}

TEST(HostileFilm, NothingOutsideIsReadAndNothingInsideIsLost) {
  TempDir dir;
  const fs::path outside = dir.path() / "outside";
  fs::create_directories(outside);
  shotgen::testing::write_text(outside / "plain.png", shotgen::testing::png_declaring(16, 16));
  ASSERT_EQ(::mkfifo((outside / "secret.png").c_str(), 0600), 0);

  // A good render first: the takes that must survive everything below.
  FilmSpec good;
  good.shots = {{"s1_01"}, {"s1_02"}};
  const fs::path root = make_workspace(dir.path() / "ws", good);
  const std::string model = tiny_model_dir().string();
  auto render = [&](const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"-C", root.string(), "render", "--all", "--model", model};
    args.insert(args.end(), extra.begin(), extra.end());
    return shotgen::testing::run_shotgen_within(args, 60);
  };
  const auto first = render();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const auto takes_before = take_files(root);
  ASSERT_FALSE(takes_before.empty());
  const std::string film_before = read_file(root / "film.toml");

  ReaderWatch watch(outside / "secret.png");
  fs::create_symlink(outside / "secret.png", root / "references" / "link.png");
  ASSERT_EQ(::mkfifo((root / "references" / "pipe.png").c_str(), 0600), 0);
  shotgen::testing::write_text(root / "references" / "bomb.png", shotgen::testing::png_declaring(32768, 32768));
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {(outside / "plain.png").string(), "outside"},
      {"../outside/secret.png", "outside"},
      {"references/link.png", "outside"},
      {"references/pipe.png", "is a FIFO (named pipe)"},
      {"references/bomb.png", "32768x32768"},
  };
  for (const auto& [image, words] : hostile) {
    SCOPED_TRACE(image);
    shotgen::testing::write_text(root / "film.toml", film_toml(film_with_reference(image)));
    const auto refused = render();
    EXPECT_FALSE(refused.needed_term) << "render did not end by itself";
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_NE(refused.err.find(words), std::string::npos) << refused.err;
    EXPECT_EQ(take_files(root), takes_before);
  }

  // The NaN model: the jobs fail with the reason, no take is recorded, the earlier ones stay.
  shotgen::testing::write_text(root / "film.toml", film_before);
  const auto nan = shotgen::testing::run_shotgen_within(
      {"-C", root.string(), "render", "--all", "--takes", "2", "--model", nan_model(dir.path()).string()}, 120);
  EXPECT_FALSE(nan.needed_term);
  EXPECT_EQ(nan.exit_code, 1) << nan.out << nan.err;
  EXPECT_NE((nan.out + nan.err).find("non-finite"), std::string::npos) << nan.out << nan.err;
  EXPECT_EQ(take_files(root), takes_before);
  const auto listed = shotgen::testing::run_shotgen({"-C", root.string(), "take", "list", "s1_01"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("done"), std::string::npos) << listed.out;

  EXPECT_FALSE(watch.seen()) << "a process opened the FIFO outside the workspace";
  auto database = db::open_project_database(root / "shotgen.db");
  auto check = database.prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
}

}  // namespace
}  // namespace shotgen::render
