// shotgen render / queue / take / assemble end to end on a tiny random-weight model, checked with
// Debian's ffprobe.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "media/png.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;
using shotgen::testing::run_program;
using shotgen::testing::run_shotgen;

nlohmann::json ffprobe(const fs::path& file) {
  const auto result = run_program("ffprobe", {"-v", "error", "-select_streams", "v:0", "-count_packets",
                                              "-show_entries",
                                              "stream=codec_name,pix_fmt,nb_read_packets,r_frame_rate,width,height:"
                                              "format=duration:format_tags",
                                              "-of", "json", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out);
}

int count_schema(const nlohmann::json& node, const std::string& schema) {
  int count = 0;
  if (node.is_object()) {
    if (node.contains("OTIO_SCHEMA") && node["OTIO_SCHEMA"] == schema) ++count;
    for (const auto& [key, value] : node.items()) count += count_schema(value, schema);
  } else if (node.is_array()) {
    for (const auto& value : node) count += count_schema(value, schema);
  }
  return count;
}

struct CliWorkspace {
  TempDir dir;
  fs::path root;
  explicit CliWorkspace(const FilmSpec& spec) : root(make_workspace(dir.path() / "ws", spec)) {}
  shotgen::testing::CommandResult shotgen(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-C", root.string()});
    return run_shotgen(args);
  }
};

FilmSpec three_shot_film() {
  FilmSpec spec;
  spec.shots = {{"s1_01"}, {"s1_02"}, {"s2_01", "s2"}};
  spec.shots[2].crossfade = true;
  return spec;
}

TEST(RenderCli, RendersTakesAssemblesTheFilmAndRedoesNothing) {
  CliWorkspace ws(three_shot_film());
  const std::string model = tiny_model_dir().string();

  const auto render = ws.shotgen({"render", "--all", "--model", model, "--json"});
  ASSERT_EQ(render.exit_code, 0) << render.out << render.err;
  // --json: one object per line, with step events carrying job, step, total and eta.
  std::istringstream lines(render.out);
  std::string line;
  int steps = 0, done = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    if (event["event"] == "step") {
      ++steps;
      EXPECT_TRUE(event.contains("job") && event.contains("total") && event.contains("eta"));
      EXPECT_EQ(event["total"], 3);  // [render] steps = 3, one frame window
    }
    if (event["event"] == "done") ++done;
  }
  EXPECT_EQ(steps, 3 * 3);  // three jobs in one batch, three steps each
  EXPECT_EQ(done, 3);

  // A take, as ffprobe sees it: H.264 yuv420p at the film's fps and size, 0.5 s = 4 frames.
  const auto takes = ws.shotgen({"take", "list", "s1_01", "--json"});
  ASSERT_EQ(takes.exit_code, 0) << takes.err;
  const auto take_list = nlohmann::json::parse(takes.out);
  ASSERT_EQ(take_list.size(), 1u);
  EXPECT_TRUE(take_list[0]["chosen"].get<bool>());
  // How closely the take looks as its prompt asks: the style block names a style the analyzers measure.
  const auto& look = take_list[0]["look"];
  ASSERT_GE(look["asked"].get<int>(), 1);
  EXPECT_EQ(look["checks"].size(), look["asked"].get<std::size_t>());
  EXPECT_TRUE(look["checks"][0].contains("measured"));
  const auto listed = ws.shotgen({"take", "list", "s1_01"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("[look " + std::to_string(look["matched"].get<int>()) + "/" +
                            std::to_string(look["asked"].get<int>()) + " as asked"),
            std::string::npos)
      << listed.out;
  const auto probe = ffprobe(ws.root / take_list[0]["mp4"].get<std::string>());
  const auto& stream = probe["streams"][0];
  EXPECT_EQ(stream["codec_name"], "h264");
  EXPECT_EQ(stream["pix_fmt"], "yuv420p");
  EXPECT_EQ(stream["nb_read_packets"], "4");
  EXPECT_EQ(stream["r_frame_rate"], "8/1");
  EXPECT_EQ(stream["width"], 64);
  EXPECT_EQ(stream["height"], 32);
  EXPECT_NEAR(std::stod(probe["format"]["duration"].get<std::string>()), 0.5, 0.01);
  const auto& tags = probe["format"]["tags"];
  EXPECT_EQ(tags["shotgen_shot"], "s1_01");
  EXPECT_EQ(tags["shotgen_take"], "1");
  EXPECT_EQ(tags["shotgen_film"], "Test Reel");
  EXPECT_EQ(tags["shotgen_prompt"].get<std::string>().rfind("Hand-painted 2D animation", 0), 0u);
  EXPECT_NE(tags["shotgen_negative"].get<std::string>().find("extra fingers"), std::string::npos);
  EXPECT_EQ(tags["shotgen_seed"], std::to_string(take_list[0]["seed"].get<std::uint64_t>()));
  EXPECT_EQ(tags["shotgen_model"].get<std::string>().rfind("tiny@", 0), 0u);
  EXPECT_EQ(tags["shotgen_prompt_hash"].get<std::string>().size(), 64u);
  EXPECT_TRUE(fs::exists(ws.root / take_list[0]["poster"].get<std::string>()));

  // Running the same command again renders nothing.
  const auto again = ws.shotgen({"render", "--all", "--model", model});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 take(s) rendered, 3 already done"), std::string::npos) << again.out;

  const auto queue = ws.shotgen({"queue", "--json"});
  ASSERT_EQ(queue.exit_code, 0);
  const auto jobs = nlohmann::json::parse(queue.out);
  ASSERT_EQ(jobs.size(), 3u);
  for (const auto& job : jobs) EXPECT_EQ(job["state"], "done");

  EXPECT_EQ(ws.shotgen({"audit"}).exit_code, 0);
  EXPECT_EQ(ws.shotgen({"take", "approve", "s1_01", "1"}).exit_code, 0);
  EXPECT_EQ(ws.shotgen({"take", "approve", "s1_01", "2"}).exit_code, 2);

  // The film: 3 cuts of 4 frames, the last crossfading in over 0.25 s = 2 frames → 10 frames.
  const auto assemble = ws.shotgen({"assemble", "--json"});
  ASSERT_EQ(assemble.exit_code, 0) << assemble.err;
  const auto outputs = nlohmann::json::parse(assemble.out);
  const fs::path film = outputs["film"].get<std::string>();
  EXPECT_EQ(film, ws.root / "renders" / "test_reel.mp4");
  const auto film_probe = ffprobe(film);
  EXPECT_EQ(film_probe["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(film_probe["streams"][0]["nb_read_packets"], "10");
  EXPECT_EQ(film_probe["streams"][0]["r_frame_rate"], "8/1");
  EXPECT_NEAR(std::stod(film_probe["format"]["duration"].get<std::string>()), 1.25, 0.01);
  EXPECT_EQ(film_probe["format"]["tags"]["title"], "Test Reel");

  const auto timeline = nlohmann::json::parse(shotgen::testing::read_text(outputs["timeline"].get<std::string>()));
  EXPECT_EQ(count_schema(timeline, "Clip.1"), 3);
  EXPECT_EQ(count_schema(timeline, "Transition.1"), 1);
  const auto sheet = media::read_png(outputs["contact_sheet"].get<std::string>());
  EXPECT_GT(sheet.width, 0);
}

TEST(RenderCli, AZeroByteDatabaseCostsNoTakeAndAdoptReimportsThem) {
  CliWorkspace ws(three_shot_film());
  const std::string model = tiny_model_dir().string();
  ASSERT_EQ(ws.shotgen({"render", "--all", "--model", model}).exit_code, 0);
  const auto before = nlohmann::json::parse(ws.shotgen({"take", "list", "s1_01", "--json"}).out);
  ASSERT_EQ(before.size(), 1u);
  const std::string old_take = before[0]["mp4"];
  const std::string old_poster = before[0]["poster"];

  shotgen::testing::write_text(ws.root / "shotgen.db", "");  // zero bytes: a fresh, empty database
  for (const char* name : {"shotgen.db-wal", "shotgen.db-shm"}) fs::remove(ws.root / name);
  const auto again = ws.shotgen({"render", "s1_01", "--model", model});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out.find("removed"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("shotgen adopt"), std::string::npos) << again.out;
  for (const auto& file : {old_take, old_poster}) EXPECT_TRUE(fs::exists(ws.root / file)) << file;

  const auto adopt = ws.shotgen({"adopt"});
  ASSERT_EQ(adopt.exit_code, 0) << adopt.out << adopt.err;
  EXPECT_NE(adopt.out.find("adopted 3 take(s)"), std::string::npos) << adopt.out;
  const auto after = nlohmann::json::parse(ws.shotgen({"take", "list", "s1_01", "--json"}).out);
  ASSERT_EQ(after.size(), 2u);  // the new render, and the old take back
  std::set<std::string> files;
  for (const auto& take : after) files.insert(take["mp4"].get<std::string>());
  EXPECT_TRUE(files.count(old_take)) << after.dump(2);
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"take", "list", "s2_01", "--json"}).out)[0]["mp4"].get<std::string>()
                .rfind("renders/s2_01/take_1_", 0),
            0u);
  EXPECT_EQ(ws.shotgen({"adopt"}).out, "adopted 0 take(s)\n");
}

TEST(RenderCli, AnalyzeAndTakeListGiveOneAnswerForATake) {
  CliWorkspace ws(three_shot_film());
  ASSERT_EQ(ws.shotgen({"render", "s1_01", "--model", tiny_model_dir().string()}).exit_code, 0);
  const auto take = nlohmann::json::parse(ws.shotgen({"take", "list", "s1_01", "--json"}).out)[0];
  const auto analyzed = ws.shotgen({"analyze", (ws.root / take["mp4"].get<std::string>()).string(), "--json"});
  ASSERT_EQ(analyzed.exit_code, 0) << analyzed.err;
  const auto analysis = nlohmann::json::parse(analyzed.out);
  EXPECT_EQ(analysis["source"], "take");
  for (const char* measure : {"palette", "key", "style", "camera", "characters"})
    EXPECT_EQ(analysis[measure]["class"], take["analysis"][measure]["class"]) << measure;
  const auto text = ws.shotgen({"analyze", (ws.root / take["mp4"].get<std::string>()).string()});
  EXPECT_NE(text.out.find("style:       " + take["analysis"]["style"]["class"].get<std::string>()), std::string::npos)
      << text.out;
  const auto list = ws.shotgen({"take", "list", "s1_01"});
  EXPECT_NE(list.out.find(take["analysis"]["style"]["class"].get<std::string>()), std::string::npos) << list.out;
  // The MP4's own (upscaled, compressed) frames can still be measured on request.
  const auto file = nlohmann::json::parse(
      ws.shotgen({"analyze", (ws.root / take["mp4"].get<std::string>()).string(), "--json", "--measure-file"}).out);
  EXPECT_EQ(file["source"], "frames");
  EXPECT_EQ(file["width"], 64);
}

TEST(RenderCli, ATakeTheReframeMovedSaysSoInTakeListAndAnalyze) {
  // The tiny model draws unrelated noise each frame: no camera move, so the push in the look asks
  // for is the reframe's.
  FilmSpec spec;
  spec.shots = {{"only"}};
  spec.extra_toml = "[look]\ncamera_move = \"push in\"\n\n[finish]\npasses = [\"reframe\", \"upscale\"]\n";
  CliWorkspace ws(spec);
  ASSERT_EQ(ws.shotgen({"render", "only", "--model", tiny_model_dir().string()}).exit_code, 0);
  const auto take = nlohmann::json::parse(ws.shotgen({"take", "list", "only", "--json"}).out)[0];
  ASSERT_EQ(take["analysis"]["camera"]["class"], "static camera");
  const auto camera = take["look"]["checks"].back();
  EXPECT_EQ(camera["measured"], "push in");
  EXPECT_EQ(camera["drawn_by"], "reframe");
  EXPECT_NE(ws.shotgen({"take", "list", "only"}).out.find("camera: push in drawn by the reframe"), std::string::npos);
  const std::string mp4 = (ws.root / take["mp4"].get<std::string>()).string();
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"analyze", mp4, "--json"}).out)["reframed"], "push in");
  EXPECT_NE(ws.shotgen({"analyze", mp4}).out.find("finishing:   the reframe drew a push in"), std::string::npos);
}

TEST(RenderCli, ATakeTheStyleTextureDrewSaysSoInTakeListAndAnalyze) {
  // The tiny model draws unrelated noise each frame, which no analyzer reads as flat fills: the flat
  // 2D the style block asks for is the style texture's.
  FilmSpec spec;
  spec.shots = {{"only"}};
  spec.style_block = "Flat 2D animation, clean fills.";
  spec.extra_toml = "[finish]\npasses = [\"style_texture\", \"upscale\"]\n";
  CliWorkspace ws(spec);
  ASSERT_EQ(ws.shotgen({"render", "only", "--model", tiny_model_dir().string()}).exit_code, 0);
  const auto take = nlohmann::json::parse(ws.shotgen({"take", "list", "only", "--json"}).out)[0];
  ASSERT_NE(take["analysis"]["style"]["class"], "flat 2D animation");
  nlohmann::json style;
  for (const auto& check : take["look"]["checks"])
    if (check["dimension"] == "style") style = check;
  EXPECT_EQ(style["measured"], "flat 2D animation");
  EXPECT_EQ(style["drawn_by"], "style texture");
  EXPECT_NE(ws.shotgen({"take", "list", "only"}).out.find("style: flat 2D animation drawn by the style texture"),
            std::string::npos);
  const std::string mp4 = (ws.root / take["mp4"].get<std::string>()).string();
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"analyze", mp4, "--json"}).out)["textured"], "flat 2D animation");
  EXPECT_NE(ws.shotgen({"analyze", mp4}).out.find("finishing:   the style texture drew flat 2D animation"),
            std::string::npos);
  // Finished again from its source frames, the take gets the same texture and says so again.
  const auto mp4_before = shotgen::testing::read_text(mp4);
  ASSERT_EQ(ws.shotgen({"finish", "only:1"}).exit_code, 0);
  EXPECT_EQ(shotgen::testing::read_text(mp4), mp4_before);
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"analyze", mp4, "--json"}).out)["textured"], "flat 2D animation");
}

TEST(RenderCli, ThePaletteMatchRecoloursATakeIntoThePaletteAskedAndSaysSo) {
  // The tiny model draws unrelated colour noise: the monochrome the style block asks for is the
  // palette match's.
  FilmSpec spec;
  spec.shots = {{"only"}};
  spec.style_block = "Monochrome hand-painted 2D animation.";
  spec.extra_toml = "[finish]\npasses = [\"palette_match\", \"upscale\"]\n";
  CliWorkspace ws(spec);
  ASSERT_EQ(ws.shotgen({"render", "only", "--model", tiny_model_dir().string()}).exit_code, 0);
  const auto take = nlohmann::json::parse(ws.shotgen({"take", "list", "only", "--json"}).out)[0];
  ASSERT_NE(take["analysis"]["palette"]["class"], "monochrome");
  EXPECT_EQ(take["look"]["checks"][0]["dimension"], "palette");
  EXPECT_EQ(take["look"]["checks"][0]["measured"], "monochrome");
  EXPECT_EQ(take["look"]["checks"][0]["drawn_by"], "palette match");
  EXPECT_NE(ws.shotgen({"take", "list", "only"}).out.find("palette: monochrome drawn by the palette match"),
            std::string::npos);
  const std::string mp4 = (ws.root / take["mp4"].get<std::string>()).string();
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"analyze", mp4, "--json"}).out)["palette_matched"], "monochrome");
  // The MP4 is grey: its own frames measure monochrome.
  EXPECT_EQ(nlohmann::json::parse(ws.shotgen({"analyze", mp4, "--json", "--measure-file"}).out)["palette"]["class"],
            "monochrome");
  // Finished again from its source frames, the take is recoloured alike.
  const auto mp4_before = shotgen::testing::read_text(mp4);
  ASSERT_EQ(ws.shotgen({"finish", "only:1"}).exit_code, 0);
  EXPECT_EQ(shotgen::testing::read_text(mp4), mp4_before);
}

TEST(RenderCli, AssembleListsShotsWithoutTakes) {
  CliWorkspace ws(three_shot_film());
  const auto result = ws.shotgen({"assemble"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("s1_01 s1_02 s2_01"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("shotgen render"), std::string::npos);
  EXPECT_FALSE(fs::exists(ws.root / "renders" / "test_reel.mp4"));
}

TEST(RenderCli, CorruptedTakeIsMarkedBadWhenAssemblingAndRenderedAgain) {
  FilmSpec spec;
  spec.shots = {{"only"}};
  CliWorkspace ws(spec);
  const std::string model = tiny_model_dir().string();
  ASSERT_EQ(ws.shotgen({"render", "only", "--model", model}).exit_code, 0);
  const auto take = nlohmann::json::parse(ws.shotgen({"take", "list", "only", "--json"}).out)[0];
  shotgen::testing::write_text(ws.root / take["mp4"].get<std::string>(), "garbage");
  const auto assemble = ws.shotgen({"assemble"});
  EXPECT_EQ(assemble.exit_code, 2);
  EXPECT_NE(assemble.err.find("only"), std::string::npos);
  const auto queue = nlohmann::json::parse(ws.shotgen({"queue", "--json"}).out);
  EXPECT_EQ(queue[0]["state"], "queued");
  ASSERT_EQ(ws.shotgen({"render", "only", "--model", model}).exit_code, 0);
  EXPECT_EQ(ws.shotgen({"assemble"}).exit_code, 0);
}

TEST(RenderCli, BadInputIsOneClearError) {
  CliWorkspace ws(three_shot_film());
  const std::string model = tiny_model_dir().string();
  auto unknown_backend = ws.shotgen({"render", "--all", "--backend", "fast", "--model", model});
  EXPECT_EQ(unknown_backend.exit_code, 2);
  EXPECT_NE(unknown_backend.err.find("unknown backend 'fast'"), std::string::npos) << unknown_backend.err;
  auto no_model = ws.shotgen({"render", "--all", "--model", (ws.dir.path() / "nomodel").string()});
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.err.find("no model"), std::string::npos) << no_model.err;
  EXPECT_EQ(ws.shotgen({"render", "--all", "--mode", "preview", "--model", model}).exit_code, 2);
  EXPECT_EQ(ws.shotgen({"cancel"}).exit_code, 2);
  EXPECT_EQ(ws.shotgen({"retry", "nosuchjob"}).exit_code, 2);
  const auto both = ws.shotgen({"render", "--all", "--best-of", "3", "--takes", "2", "--model", model});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err.rfind("error: --best-of: --best-of and --takes cannot be combined", 0), 0u) << both.err;
  EXPECT_EQ(ws.shotgen({"render", "--all", "--best-of", "0", "--model", model}).exit_code, 2);
  // Nothing was queued or written by the refused commands.
  EXPECT_FALSE(fs::exists(ws.root / "renders" / "s1_01"));
}

}  // namespace
}  // namespace shotgen::render
