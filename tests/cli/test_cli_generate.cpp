// shotgen generate / shotgen model info, run as a user would, on a tiny random-weight model
// committed under tests/data/engine/tiny_model (window 4 frames, trained size 32x16).
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace shotgen {
namespace {
namespace fs = std::filesystem;

std::string tiny_model() { return std::string(SHOTGEN_TEST_DATA) + "/engine/tiny_model"; }

// An 8-frame, 8-step clip of `prompt` from the bundled model, seed 5, into `out`.
std::vector<std::string> bundled_model_args(const std::string& prompt, const fs::path& out) {
  return {"generate", "--model", (testing::source_dir() / "models" / "default").string(), "--prompt", prompt,
          "--seed", "5", "--steps", "8", "--frames", "8", "--out", out.string()};
}

// `shotgen analyze --json` of a frame folder.
nlohmann::json analyzed(const fs::path& dir) {
  const auto text = testing::run_shotgen({"analyze", "--json", dir.string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  return nlohmann::json::parse(text.out);
}

std::vector<std::string> generate_args(const fs::path& out, const std::string& seed) {
  return {"generate", "--model", tiny_model(), "--prompt", "green (sky:1.3)", "--negative", "red",
          "--seed", seed, "--steps", "3", "--frames", "6", "--size", "32x16", "--out", out.string()};
}

TEST(CliGenerate, WritesPngFramesDeterministicallyFromTheSeed) {
  testing::TempDir tmp;
  auto result = testing::run_shotgen(generate_args(tmp.path() / "a", "7"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("wrote 6 frames"), std::string::npos) << result.out;
  for (int i = 0; i < 6; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04d.png", i);
    const std::string bytes = testing::read_text(tmp.path() / "a" / name);
    ASSERT_GT(bytes.size(), 8u);
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "a" / "frame_0006.png"));
  // The same clip as an MP4 at the requested frame rate, carrying the prompt in its metadata.
  auto probe = testing::run_program("ffprobe", {"-v", "error", "-count_frames", "-show_streams", "-show_format",
                                                "-of", "json", (tmp.path() / "a" / "clip.mp4").string()});
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  auto info = nlohmann::json::parse(probe.out);
  EXPECT_EQ(info["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(info["streams"][0]["nb_read_frames"], "6");
  EXPECT_EQ(info["streams"][0]["r_frame_rate"], "12/1");
  EXPECT_EQ(info["format"]["tags"]["shotgen_prompt"], "green (sky:1.3)");
  EXPECT_EQ(info["format"]["tags"]["shotgen_negative"], "red");
  ASSERT_EQ(testing::run_shotgen(generate_args(tmp.path() / "b", "7")).exit_code, 0);
  ASSERT_EQ(testing::run_shotgen(generate_args(tmp.path() / "c", "8")).exit_code, 0);
  EXPECT_EQ(testing::read_text(tmp.path() / "a" / "frame_0003.png"), testing::read_text(tmp.path() / "b" / "frame_0003.png"));
  EXPECT_NE(testing::read_text(tmp.path() / "a" / "frame_0003.png"), testing::read_text(tmp.path() / "c" / "frame_0003.png"));
}

TEST(CliGenerate, AcceptsReferencesWithIgnoreAndThreeBranchGuidance) {
  testing::TempDir tmp;
  ASSERT_EQ(testing::run_shotgen(generate_args(tmp.path() / "a", "1")).exit_code, 0);
  auto args = generate_args(tmp.path() / "b", "1");
  for (const std::string& extra : std::vector<std::string>{"--reference", (tmp.path() / "a" / "frame_0000.png").string() + ":ignore=lighting,background",
                            "--negative-scale", "2", "--sampler", "heun"})
    args.push_back(extra);
  auto result = testing::run_shotgen(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::exists(tmp.path() / "b" / "frame_0005.png"));
}

TEST(CliGenerate, DeflickerSteadiesTheWrittenClip) {
  // The bundled model (the tiny test model draws unrelated noise every frame: nothing to steady).
  testing::TempDir tmp;
  auto args = [&](const std::string& dir) {
    return bundled_model_args("a quiet harbor at golden hour, static camera", tmp.path() / dir);
  };
  ASSERT_EQ(testing::run_shotgen(args("drawn")).exit_code, 0);
  auto steady = args("steady");
  steady.insert(steady.end(), {"--deflicker", "1"});
  const auto result = testing::run_shotgen(steady);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // The first frame too (the pass runs forward and back), and the analyzer's flicker goes down.
  EXPECT_NE(testing::read_text(tmp.path() / "drawn" / "frame_0000.png"),
            testing::read_text(tmp.path() / "steady" / "frame_0000.png"));
  auto flicker = [](const fs::path& dir) { return analyzed(dir)["flicker"].get<double>(); };
  EXPECT_LT(flicker(tmp.path() / "steady"), 0.8 * flicker(tmp.path() / "drawn"));
}

TEST(CliGenerate, ReframeDrawsTheAskedMoveTheModelDrewStatic) {
  // The bundled model draws this push in static (it draws 2 zooms of 16, README); --reframe moves a
  // crop window over the clip instead, and the analyzer reads the push in.
  testing::TempDir tmp;
  auto args = [&](const std::string& dir) {
    return bundled_model_args("a quiet harbor at golden hour, push in", tmp.path() / dir);
  };
  auto camera = [](const fs::path& dir) { return analyzed(dir)["camera"]["class"].get<std::string>(); };
  ASSERT_EQ(testing::run_shotgen(args("drawn")).exit_code, 0);
  ASSERT_EQ(camera(tmp.path() / "drawn"), "static camera");
  auto moved = args("moved");
  moved.insert(moved.end(), {"--reframe", "1.3"});
  const auto result = testing::run_shotgen(moved);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("reframe: push in drawn digitally"), std::string::npos) << result.err;
  EXPECT_EQ(camera(tmp.path() / "moved"), "push in");
  // The MP4 says so in its tags (stored as text in the file's metadata box).
  EXPECT_NE(testing::read_text(tmp.path() / "moved" / "clip.mp4").find("shotgen_reframed"), std::string::npos);
}

TEST(CliGenerate, StyleTextureDrawsTheAskedStyleTheModelMissed) {
  // The bundled model draws smooth, stroke-like texture whatever the style asked (README: style);
  // --style-texture draws flat fills and outlines for a flat 2D prompt, and the analyzer reads it.
  testing::TempDir tmp;
  auto args = [&](const std::string& dir) {
    return bundled_model_args("flat 2D animation, a quiet harbor at golden hour, static camera", tmp.path() / dir);
  };
  auto style = [](const fs::path& dir) { return analyzed(dir)["style"]["class"].get<std::string>(); };
  ASSERT_EQ(testing::run_shotgen(args("drawn")).exit_code, 0);
  ASSERT_NE(style(tmp.path() / "drawn"), "flat 2D animation");
  auto textured = args("textured");
  textured.push_back("--style-texture");
  const auto result = testing::run_shotgen(textured);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("style texture: flat 2D animation drawn"), std::string::npos) << result.err;
  EXPECT_EQ(style(tmp.path() / "textured"), "flat 2D animation");
  EXPECT_NE(testing::read_text(tmp.path() / "textured" / "clip.mp4").find("shotgen_style_texture"), std::string::npos);
}

TEST(CliGenerate, PaletteMatchRecoloursAClipTheModelDrewInAnotherPalette) {
  // The bundled model draws a night harbor asked in monochrome in colours; --palette-match
  // recolours it into greys of the same brightness, and the analyzer reads monochrome.
  testing::TempDir tmp;
  auto args = [&](const std::string& dir) {
    return bundled_model_args("monochrome, a quiet harbor at night, static camera", tmp.path() / dir);
  };
  ASSERT_EQ(testing::run_shotgen(args("drawn")).exit_code, 0);
  const auto drawn = analyzed(tmp.path() / "drawn");
  ASSERT_NE(drawn["palette"]["class"], "monochrome");
  auto matched = args("matched");
  matched.push_back("--palette-match");
  const auto result = testing::run_shotgen(matched);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("palette match: recoloured into monochrome"), std::string::npos) << result.err;
  const auto grey = analyzed(tmp.path() / "matched");
  EXPECT_EQ(grey["palette"]["class"], "monochrome");
  EXPECT_EQ(grey["key"]["class"], drawn["key"]["class"]);
  EXPECT_NEAR(grey["key"]["mean_luma"].get<double>(), drawn["key"]["mean_luma"].get<double>(), 0.005);
  EXPECT_NE(testing::read_text(tmp.path() / "matched" / "clip.mp4").find("shotgen_palette_match"), std::string::npos);
}

TEST(CliGenerate, AsFilmIsANewFilmsGuideAndFinishingAndAGivenOptionWins) {
  testing::TempDir tmp;
  const std::string prompt = "monochrome, one character walks, push in, night";
  auto args = [&](const std::string& dir, std::vector<std::string> extra) {
    auto a = bundled_model_args(prompt, tmp.path() / dir);
    a.insert(a.end(), extra.begin(), extra.end());
    const auto result = testing::run_shotgen(a);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return testing::read_text(tmp.path() / dir / "frame_0004.png");
  };
  const auto film = args("film", {"--as-film"});
  EXPECT_EQ(film, args("spelled", {"--layout-guide", "0.4", "--deflicker", "1", "--style-texture", "--palette-match",
                                    "--reframe", "1.3"}));
  EXPECT_NE(film, args("drawn", {}));
  EXPECT_EQ(args("film_unsteadied", {"--as-film", "--deflicker", "0"}),
            args("spelled_unsteadied", {"--layout-guide", "0.4", "--style-texture", "--palette-match", "--reframe", "1.3"}));
}

TEST(CliGenerate, ALayoutGuideStartsTheClipAndCanBeWrittenBeside) {
  testing::TempDir tmp;
  auto guided = [&](const std::string& dir) {
    auto args = generate_args(tmp.path() / dir, "7");
    args.insert(args.end(), {"--layout-guide", "0.3", "--guide-out", (tmp.path() / (dir + "_guide")).string()});
    return args;
  };
  ASSERT_EQ(testing::run_shotgen(generate_args(tmp.path() / "plain", "7")).exit_code, 0);
  const auto result = testing::run_shotgen(guided("a"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(testing::run_shotgen(guided("b")).exit_code, 0);
  for (int f = 0; f < 6; ++f) {
    const std::string name = "frame_000" + std::to_string(f) + ".png";
    EXPECT_TRUE(fs::exists(tmp.path() / "a_guide" / name)) << name;
    EXPECT_EQ(testing::read_text(tmp.path() / "a" / name), testing::read_text(tmp.path() / "b" / name)) << name;
    EXPECT_EQ(testing::read_text(tmp.path() / "a_guide" / name), testing::read_text(tmp.path() / "b_guide" / name));
    EXPECT_NE(testing::read_text(tmp.path() / "a" / name), testing::read_text(tmp.path() / "plain" / name)) << name;
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "a_guide" / "frame_0006.png"));
}

TEST(CliGenerate, BadInputIsOneErrorLineAndExitCode2) {
  testing::TempDir tmp;
  auto expect_bad = [&](std::vector<std::string> args, const std::string& fragment) {
    auto result = testing::run_shotgen(args);
    EXPECT_EQ(result.exit_code, 2) << fragment;
    EXPECT_NE(result.err.find(fragment), std::string::npos) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_FALSE(fs::exists(tmp.path() / "out")) << fragment;  // nothing written
  };
  auto with = [&](std::string option, std::string value) {
    auto args = generate_args(tmp.path() / "out", "1");
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == option) {
        args[i + 1] = value;
        return args;
      }
    args.push_back(option);
    args.push_back(value);
    return args;
  };
  expect_bad(with("--size", "30x16"), "--size: size '30x16' is out of range");
  expect_bad(with("--size", "4096x4096"), "--size: size '4096x4096' is out of range");
  expect_bad(with("--size", "wide"), "--size: size 'wide' is not WIDTHxHEIGHT");
  expect_bad(with("--model", (tmp.path() / "none").string()), "model config not found");
  expect_bad(with("--reference", (tmp.path() / "missing.png").string()), "reference image not found");
  expect_bad(with("--sampler", "ddim"), "unknown sampler 'ddim'");
  expect_bad(with("--device", "tpu"), "unknown device 'tpu'");
  expect_bad(with("--steps", "0"), "steps must be in [1, 1000]");
  expect_bad(with("--guidance", "1e308"), "guidance must be a number in [0, 30]");
  // Checked before the model runs, so no frame is written.
  expect_bad(with("--fps", "0"), "--fps: must be greater than 0 and at most 240, got '0'");
  expect_bad(with("--deflicker", "1.5"), "--deflicker: must be a number from 0 to 1, got '1.5'");
  expect_bad(with("--reframe", "3"), "--reframe: must be a number from 1.05 to 2, got '3'");
  expect_bad(with("--layout-guide", "0.7"), "--layout-guide: must be a number from 0 to 0.5, got '0.7'");
  expect_bad(with("--guide-out", (tmp.path() / "guide").string()), "--guide-out requires --layout-guide");
  expect_bad(with("--seed", "-1"), "--seed: seeds are whole numbers from 0 to 9223372036854775807");
  const std::string board = (testing::projects_dir() / "arcane_short" / "references" / "palette_board.png").string();
  expect_bad(with("--reference", board + ":ignore=lighting,bogus"), "--reference: unknown reference dimension 'bogus'");
}

TEST(CliModelInfo, PrintsArchitectureSizeVocabularyAndWindow) {
  auto text = testing::run_shotgen({"model", "info", "--model", tiny_model()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* fragment : {"shotgen-videodit", "parameters:   70832", "15 ids (5 words + 8 hash buckets",
                               "window:       4 frames", "trained at:   32x16", "weights:      F16"})
    EXPECT_NE(text.out.find(fragment), std::string::npos) << fragment << "\n" << text.out;

  auto json = testing::run_shotgen({"model", "info", "--model", tiny_model(), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto info = nlohmann::json::parse(json.out);
  EXPECT_EQ(info["parameters"], 70832);
  EXPECT_EQ(info["vocabulary_size"], 15);
  EXPECT_EQ(info["window_frames"], 4);
  EXPECT_EQ(info["trained_sizes"][0]["width"], 32);
  EXPECT_EQ(info["device"], "cpu");
  EXPECT_EQ(info["config"]["patch_size"], 4);
}

TEST(CliModelInfo, MissingModelIsExitCode2) {
  auto result = testing::run_shotgen({"model", "info", "--model", "/nonexistent/model"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("/nonexistent/model/config.json"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace shotgen
