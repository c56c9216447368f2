#pragma once
// Shared by the render tests: a small film workspace written into a TempDir, a tiny random-weight
// model saved once per test process, and fake backends (test doubles registered by tests only).
#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/image.h"
#include "engine/engine.h"
#include "render/backend.h"
#include "render/progress.h"
#include "engine/tiny_model.h"
#include "support/test_support.h"

namespace shotgen::render::testing {

namespace fs = std::filesystem;
using shotgen::testing::TempDir;
using shotgen::testing::write_text;

// The engine tests' tiny random-weight model, with room for assembled prompts and one reference.
inline engine::ModelConfig tiny_model_config() {
  engine::ModelConfig config = engine::test_models::tiny_config();
  config.max_tokens = 48;
  config.vocabulary = {"painted", "lantern", "harbor", "rain", "green", "tones"};
  config.hash_buckets = 16;
  config.max_references = 1;
  return config;
}

// The tiny model saved in a directory that lives as long as the test process.
inline const fs::path& tiny_model_dir() {
  static TempDir holder;
  static const fs::path dir = [] {
    const fs::path d = holder.path() / "tiny";
    engine::Engine::create_random(tiny_model_config(), 11).save(d);
    return d;
  }();
  return dir;
}

struct ShotSpec {
  std::string id;
  std::string scene = "s1";
  double duration = 0.5;
  std::vector<std::string> negative;
  std::vector<std::string> tags;
  std::string route;
  int takes = 1;
  bool crossfade = false;
  std::vector<std::string> references;  // ids of [[references]] given in FilmSpec::extra_toml
};

struct FilmSpec {
  std::string title = "Test Reel";
  double fps = 8;
  std::string resolution = "64x32";
  std::string size = "32x16";
  int steps = 3;
  std::vector<std::string> fallback{"final", "turbo"};
  std::string extra_toml;  // appended (routing rules, ...)
  std::string style_block = "Hand-painted 2D animation, brushstroke texture on every surface.";
  std::vector<ShotSpec> shots{{"s1_01"}, {"s1_02"}, {"s2_01", "s2"}};
};

inline std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out + "]";
}

inline std::string film_toml(const FilmSpec& spec) {
  std::string toml = "format_version = 1\n[film]\ntitle = \"" + spec.title + "\"\nfps = " + std::to_string(spec.fps) +
                     "\nresolution = \"" + spec.resolution +
                     "\"\ndefault_shot_duration = 0.5\nseed_policy = \"per_shot\"\nseed = 3\n\n"
                     "[style]\nblock = \"" + spec.style_block + "\"\n\n"
                     "[negative]\nformat = [\"low detail\"]\nanatomy = [\"extra fingers\", \"merged faces\"]\n"
                     "quality = [\"blurry\", \"watermark\"]\n\n"
                     "[render]\nsize = \"" + spec.size + "\"\nsteps = " + std::to_string(spec.steps) + "\n\n"
                     "[routing]\nfallback = " + quoted_list(spec.fallback) + "\n\n" + spec.extra_toml + "\n";
  std::string current_scene;
  for (const auto& shot : spec.shots) {
    if (shot.scene != current_scene) {
      toml += "[[scenes]]\nid = \"" + shot.scene + "\"\ntitle = \"Scene " + shot.scene + "\"\n\n";
      current_scene = shot.scene;
    }
    toml += "[[scenes.shots]]\nid = \"" + shot.id + "\"\naction = \"a lamplighter walks along the harbor, shot " +
            shot.id + "\"\nduration = " + std::to_string(shot.duration) + "\ntakes = " + std::to_string(shot.takes) +
            "\n";
    if (!shot.negative.empty()) toml += "negative = " + quoted_list(shot.negative) + "\n";
    if (!shot.tags.empty()) toml += "tags = " + quoted_list(shot.tags) + "\n";
    if (!shot.route.empty()) toml += "route = \"" + shot.route + "\"\n";
    if (!shot.references.empty()) toml += "references = " + quoted_list(shot.references) + "\n";
    if (shot.crossfade) toml += "transition = \"crossfade\"\ntransition_seconds = 0.25\n";
    toml += "\n";
  }
  return toml;
}

// A workspace folder with film.toml, references/ and renders/.
inline fs::path make_workspace(const fs::path& dir, const FilmSpec& spec = {}) {
  fs::create_directories(dir / "references");
  fs::create_directories(dir / "renders");
  write_text(dir / "film.toml", film_toml(spec));
  return dir;
}

// Temporary files (core/atomic_file.h names) anywhere under `dir`: a write that failed must leave none.
inline std::vector<fs::path> temp_files_under(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (is_temp_file_name(entry.path().filename().string())) found.push_back(entry.path());
  return found;
}

// A solid-colour clip of the job's size and length.
inline Clip solid_clip(const JobSpec& job, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Clip clip;
  for (int f = 0; f < job.params.frames; ++f) {
    Image frame(job.params.width, job.params.height);
    for (int i = 0; i < frame.width * frame.height; ++i) {
      // A little per-frame variation so the encoder sees motion, not one repeated frame.
      frame.rgb[i * 3 + 0] = static_cast<std::uint8_t>(r + (i + f) % 3);
      frame.rgb[i * 3 + 1] = g;
      frame.rgb[i * 3 + 2] = b;
    }
    clip.frames.push_back(std::move(frame));
  }
  return clip;
}

// A progress sink that keeps every event it is given (from any thread).
struct RecordingSink : ProgressSink {
  void report(const ProgressEvent& event) override {
    std::lock_guard lock(mutex);
    events.push_back(event);
  }
  std::vector<ProgressKind> kinds() {
    std::lock_guard lock(mutex);
    std::vector<ProgressKind> out;
    for (const auto& e : events) out.push_back(e.kind);
    return out;
  }
  std::mutex mutex;
  std::vector<ProgressEvent> events;
};

// A test double: renders solid frames, counts calls and batch sizes, and can be told to throw.
class FakeBackend : public Backend {
 public:
  enum class Fault { None, Throw, OutOfMemoryAboveOne, CancelAfterFirst, BlankFrames };

  explicit FakeBackend(std::string name, std::array<std::uint8_t, 3> colour = {200, 40, 40}, bool distilled = false)
      : colour_(colour) {
    caps_.name = std::move(name);
    caps_.max_prompt_words = 0;
    caps_.distilled = distilled;
    caps_.default_steps = 2;
    caps_.default_guidance = 3.0;
  }
  const prompt::BackendCaps& caps() const override { return caps_; }
  RenderParams params(const film::RenderSettings& settings, int frames) const override {
    RenderParams p;
    p.model = "fake";
    p.sampler = "euler";
    p.steps = caps_.default_steps;
    p.guidance = caps_.default_guidance;
    p.width = settings.size.width;
    p.height = settings.size.height;
    p.frames = frames;
    return p;
  }
  std::vector<Clip> render(const std::vector<JobSpec>& batch, const BatchProgress& progress,
                           const engine::CancelToken* cancel) override {
    std::lock_guard lock(mutex_);
    calls.push_back(static_cast<int>(batch.size()));
    for (const auto& job : batch) seen_jobs.push_back(job);
    if (fault == Fault::Throw) throw std::runtime_error("fake backend exploded");
    if (fault == Fault::OutOfMemoryAboveOne && batch.size() > 1) throw std::bad_alloc();
    if (fault == Fault::CancelAfterFirst && calls.size() > 1 && cancel_token) cancel_token->cancel();
    for (int step = 1; step <= caps_.default_steps; ++step) {
      if (cancel && cancel->is_cancelled()) throw engine::Cancelled();
      if (progress) progress(step, caps_.default_steps);
    }
    std::vector<Clip> clips;
    for (const auto& job : batch) {
      clips.push_back(solid_clip(job, colour_[0], colour_[1], colour_[2]));
      // What NaN output becomes after conversion to 8 bits: every pixel black.
      if (fault == Fault::BlankFrames)
        for (auto& frame : clips.back().frames) std::fill(frame.rgb.begin(), frame.rgb.end(), 0);
    }
    return clips;
  }
  int max_batch() const override { return max_batch_value; }

  std::vector<int> calls;  // batch size of each render() call
  std::vector<JobSpec> seen_jobs;
  Fault fault = Fault::None;
  engine::CancelToken* cancel_token = nullptr;
  int max_batch_value = 8;

 private:
  prompt::BackendCaps caps_;
  std::array<std::uint8_t, 3> colour_;
  std::mutex mutex_;
};

}  // namespace shotgen::render::testing
