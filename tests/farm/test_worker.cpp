// `farm work`: one array task on a node, with fake backends. It writes the take and then its
// record into the shared folder, refuses an edited manifest and never touches a database.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "farm/task_result.h"
#include "farm_fixture.h"
#include "media/video_reader.h"
#include "render/take_tags.h"

namespace shotgen::farm {
namespace {

using namespace testing;

// A backend that runs some other model than the one the jobs were planned with.
class OtherModelBackend : public FakeBackend {
 public:
  OtherModelBackend() : FakeBackend("final") {}
  render::RenderParams params(const film::RenderSettings& settings, int frames) const override {
    auto p = FakeBackend::params(settings, frames);
    p.model = "other@0123456789ab";
    return p;
  }
};

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  return files;
}

TEST(FarmWorker, WritesTheTakeThenItsRecord) {
  FarmHarness h;
  h.submit();
  const Manifest manifest = h.manifest(0);
  const TaskResult result = h.run_task(0, 1);
  ASSERT_EQ(result.outcome, TaskOutcome::Done) << result.reason;
  EXPECT_EQ(result.run, "100_1");
  EXPECT_EQ(result.job_id, manifest.jobs[1].id);
  EXPECT_EQ(result.manifest_id, manifest.id);
  EXPECT_EQ(result.mp4, "takes/" + manifest.jobs[1].id + ".100_1.mp4");
  EXPECT_EQ(result.model, "fake");
  EXPECT_EQ(result.device, "cpu");
  EXPECT_EQ(result.host, "node7");
  for (const char* key : {"model_s", "encode_s", "total_s"}) EXPECT_TRUE(result.timings.contains(key)) << key;
  const auto folder = h.folder();
  EXPECT_EQ(sha256_hex(read_file(folder.file(result.mp4))), result.mp4_sha256);
  EXPECT_EQ(sha256_hex(read_file(folder.file(result.poster))), result.poster_sha256);
  EXPECT_EQ(media::probe_video(folder.file(result.mp4)).frames, 4);  // 0.5 s at 8 fps
  const auto stored = read_task_result(folder, result.job_id, result.run);
  ASSERT_TRUE(stored);
  EXPECT_EQ(to_json(*stored), to_json(result));
  // The job's prompts went to the backend exactly as the manifest holds them.
  ASSERT_EQ(h.final_backend->seen_jobs.size(), 1u);
  EXPECT_EQ(h.final_backend->seen_jobs[0].positive, manifest.jobs[1].positive);
  EXPECT_EQ(h.final_backend->seen_jobs[0].negative, manifest.jobs[1].negative);
  EXPECT_EQ(h.final_backend->seen_jobs[0].seed, manifest.jobs[1].seed);
  // No database anywhere in the shared folder, no temporary file left.
  for (const auto& file : files_under(folder.root())) {
    EXPECT_EQ(file.filename().string().find("shotgen.db"), std::string::npos) << file;
    EXPECT_FALSE(is_temp_file_name(file.filename().string())) << file;
  }
}

TEST(FarmWorker, AnEditedManifestIsRefusedAndNothingIsWritten) {
  FarmHarness h;
  h.submit();
  const auto path = h.folder().manifest(h.state().submissions[0].manifest_id);
  auto json = nlohmann::json::parse(read_file(path));
  json["jobs"][0]["positive"] = "Photoreal live action. " + json["jobs"][0]["positive"].get<std::string>();
  write_file_atomic(path, json.dump(2));
  try {
    h.run_task(0, 0);
    FAIL() << "the edited manifest was rendered";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "manifest-tampered") << e.what();
  }
  EXPECT_TRUE(fs::is_empty(h.folder().results_dir()));
  EXPECT_TRUE(fs::is_empty(h.folder().takes_dir()));
  EXPECT_TRUE(h.final_backend->calls.empty());
}

TEST(FarmWorker, AnIndexOutsideTheManifestIsRefused) {
  FarmHarness h;
  h.submit();
  try {
    h.run_task(0, 3);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "index-out-of-range");
    EXPECT_NE(std::string(e.what()).find("3 task(s)"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(h.folder().results_dir()));
}

TEST(FarmWorker, AnotherModelOnTheNodeFailsTheTaskForGood) {
  FarmHarness h;
  h.submit();
  h.registry.add(std::make_shared<OtherModelBackend>());
  const TaskResult result = h.run_task(0, 0);
  EXPECT_EQ(result.outcome, TaskOutcome::Failed);
  EXPECT_FALSE(result.retryable);
  EXPECT_NE(result.reason.find("other@0123456789ab"), std::string::npos) << result.reason;
  EXPECT_TRUE(read_task_result(h.folder(), result.job_id, result.run));
  EXPECT_TRUE(fs::is_empty(h.folder().takes_dir()));
}

TEST(FarmWorker, ABackendFaultIsARetryableFailure) {
  FarmHarness h;
  h.submit();
  h.final_backend->fault = FakeBackend::Fault::Throw;
  const TaskResult result = h.run_task(0, 2);
  EXPECT_EQ(result.outcome, TaskOutcome::Failed);
  EXPECT_TRUE(result.retryable);
  EXPECT_NE(result.reason.find("fake backend exploded"), std::string::npos) << result.reason;
}

TEST(FarmWorker, ABlankClipFailsForGoodAsLocally) {
  FarmHarness h;
  h.submit();
  h.final_backend->fault = FakeBackend::Fault::BlankFrames;
  const TaskResult result = h.run_task(0, 0);
  EXPECT_EQ(result.outcome, TaskOutcome::Failed);
  EXPECT_FALSE(result.retryable);
  EXPECT_NE(result.reason.find("no picture"), std::string::npos) << result.reason;
  EXPECT_TRUE(fs::is_empty(h.folder().takes_dir()));
}

TEST(FarmWorker, TheNodesFileCarriesTheTakeButNoTakeNumber) {
  FarmHarness h;
  h.submit();
  const TaskResult result = h.run_task(0, 0);
  ASSERT_EQ(result.outcome, TaskOutcome::Done) << result.reason;
  const auto tags = media::probe_video(h.folder().file(result.mp4)).metadata;
  EXPECT_EQ(tags.at("shotgen_job"), result.job_id);
  EXPECT_EQ(tags.at("shotgen_take"), "0");
  EXPECT_EQ(tags.at("shotgen_analysis"), result.analysis.dump());
  // Take number 0 is no take: nothing adopts the node's file as it is.
  EXPECT_FALSE(render::take_from_tags(tags));
}

}  // namespace
}  // namespace shotgen::farm
