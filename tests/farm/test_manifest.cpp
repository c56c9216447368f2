// The farm manifest: what a node renders, and the checks that refuse one edited after submit.
#include <gtest/gtest.h>

#include "core/error.h"
#include "farm/manifest.h"
#include "prompt/assembler.h"
#include "render/job_queue.h"

namespace shotgen::farm {
namespace {

ManifestEntry make_entry(const std::string& shot, int take, const std::string& positive) {
  ManifestEntry e;
  e.shot_id = shot;
  e.take_index = take;
  e.backend = "final";
  e.params_json = nlohmann::json::parse(R"({"model":"tiny@abc","frames":4,"width":32,"height":16})").dump();
  e.seed = 42 + static_cast<std::uint64_t>(take);
  e.positive = positive;
  e.negative = "blurry, watermark";
  e.negative_terms = {"blurry", "watermark"};
  e.prompt_hash = prompt::generation_hash(e.positive, e.negative, e.backend, e.params_json, e.seed, "test");
  e.id = render::job_identity(e.shot_id, e.prompt_hash, e.backend, e.params_json, e.seed);
  e.output = "takes/" + e.id;
  return e;
}

Manifest make_manifest() {
  Manifest m;
  m.workspace_id = "0123456789abcdef";
  m.created_at = "2026-01-01T00:00:00.000000Z";
  m.style_revision_id = 1;
  m.negative_revision_id = 2;
  m.film = {"Reel", 8, 64, 32};
  m.model_dir = "/models/tiny";
  m.jobs = {make_entry("s1_01", 0, "Painted. A lamplighter."), make_entry("s1_02", 0, "Painted. The harbor.")};
  m.jobs[1].on_reject = RerouteJob{"turbo", R"({"frames":4})", std::string(64, 'a')};
  m.seal();
  return m;
}

// Parsing `json` must fail with `kind`, and the message must contain `fragment`.
void expect_refused(const nlohmann::json& json, const std::string& kind, const std::string& fragment) {
  try {
    parse_manifest(json.dump(), "farm/manifests/x.json");
    FAIL() << "accepted: " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_FALSE(e.problem().fix.empty());
  }
}

TEST(FarmManifest, RoundTripsAndVerifies) {
  const Manifest m = make_manifest();
  const Manifest back = parse_manifest(to_json(m).dump(2), "x.json");
  EXPECT_EQ(back.id, m.id);
  EXPECT_EQ(back.id, compute_manifest_id(back));
  EXPECT_EQ(back.workspace_id, m.workspace_id);
  EXPECT_EQ(back.film.title, "Reel");
  ASSERT_EQ(back.jobs.size(), 2u);
  EXPECT_EQ(back.jobs[1].id, m.jobs[1].id);
  EXPECT_EQ(back.jobs[1].positive, m.jobs[1].positive);
  EXPECT_EQ(back.jobs[1].params_json, m.jobs[1].params_json);
  EXPECT_FALSE(back.jobs[0].on_reject);
  ASSERT_TRUE(back.jobs[1].on_reject);
  const auto reroute = reroute_job_of(back.jobs[1]);
  ASSERT_TRUE(reroute);
  EXPECT_EQ(reroute->backend, "turbo");
  EXPECT_EQ(reroute->shot_id, "s1_02");
  EXPECT_EQ(reroute->seed, back.jobs[1].seed);
  EXPECT_EQ(job_of(back.jobs[0]).id, m.jobs[0].id);
}

TEST(FarmManifest, EditedPromptsSeedsBackendsAndIdsAreRefused) {
  const nlohmann::json good = to_json(make_manifest());
  auto edited = good;
  edited["jobs"][1]["positive"] = "Photoreal. The harbor.";
  expect_refused(edited, "manifest-tampered", "jobs[1] (shot s1_02 take 1)");
  edited = good;
  edited["jobs"][0]["negative"] = "watermark";
  expect_refused(edited, "manifest-tampered", "do not match the prompt hash");
  edited = good;
  edited["jobs"][0]["seed"] = 7;
  expect_refused(edited, "manifest-tampered", "do not match the prompt hash");
  edited = good;
  edited["jobs"][0]["backend"] = "turbo";
  expect_refused(edited, "manifest-tampered", "do not match the prompt hash");
  edited = good;
  edited["jobs"][0]["id"] = std::string(64, 'b');
  expect_refused(edited, "manifest-tampered", "job id does not match");
  edited = good;
  edited["jobs"][0]["shot"] = "s9_99";
  expect_refused(edited, "manifest-tampered", "job id does not match");
}

TEST(FarmManifest, ConsistentEditsAreRefusedByTheManifestId) {
  // Someone recomputes the entry's hashes after editing it: the entry checks pass, the id does not.
  Manifest m = make_manifest();
  ManifestEntry& e = m.jobs[0];
  e.positive = "Photoreal. A lamplighter.";
  e.prompt_hash = prompt::generation_hash(e.positive, e.negative, e.backend, e.params_json, e.seed, "test");
  e.id = render::job_identity(e.shot_id, e.prompt_hash, e.backend, e.params_json, e.seed);
  e.output = "takes/" + e.id;
  expect_refused(to_json(m), "manifest-tampered", "does not match the manifest id");
  auto reject = to_json(make_manifest());
  reject["jobs"][1]["on_reject"]["backend"] = "final";
  expect_refused(reject, "manifest-tampered", "does not match the manifest id");
  auto workspace = to_json(make_manifest());
  workspace["workspace_id"] = "fedcba9876543210";
  expect_refused(workspace, "manifest-tampered", "does not match the manifest id");
}

TEST(FarmManifest, JobsPerTaskSplitsTheJobsAndIsSealedWithThem) {
  Manifest m = make_manifest();  // two jobs
  EXPECT_FALSE(to_json(m).contains("jobs_per_task"));  // one per task: the JSON (and id) of before
  EXPECT_EQ(m.task_count(), 2);
  EXPECT_EQ(m.jobs_of_task(1), (std::pair<std::size_t, std::size_t>{1, 2}));
  m.jobs_per_task = 3;
  m.seal();
  EXPECT_EQ(m.task_count(), 1);
  EXPECT_EQ(m.jobs_of_task(0), (std::pair<std::size_t, std::size_t>{0, 2}));
  EXPECT_EQ(m.task_of_job(1), 0);
  const Manifest back = parse_manifest(to_json(m).dump(), "x.json");
  EXPECT_EQ(back.jobs_per_task, 3);
  EXPECT_EQ(back.id, m.id);
  auto edited = to_json(m);
  edited["jobs_per_task"] = 1;
  expect_refused(edited, "manifest-tampered", "does not match the manifest id");
  edited["jobs_per_task"] = 0;
  expect_refused(edited, "manifest-tampered", "is not a positive number");
}

TEST(FarmManifest, PathsOutsideTheSharedFolderAreRefusedEvenWhenResealed) {
  Manifest m = make_manifest();
  m.jobs[0].output = "../../home/user/x";
  m.seal();
  expect_refused(to_json(m), "manifest-tampered", "is not takes/<job id>");
  m = make_manifest();
  m.jobs[0].references.push_back({"../secret.png", std::string(64, 'c'), {}});
  m.seal();
  expect_refused(to_json(m), "manifest-tampered", "is not references/<sha256>.png");
}

TEST(FarmManifest, OtherDocumentsAreNotManifests) {
  expect_refused(nlohmann::json::object(), "manifest-invalid", "not a shotgen farm manifest");
  auto future = to_json(make_manifest());
  future["version"] = 2;
  expect_refused(future, "manifest-invalid", "version 2 is not supported");
  auto missing = to_json(make_manifest());
  missing["jobs"][0].erase("prompt_hash");
  expect_refused(missing, "manifest-invalid", "cannot be read");
  try {
    parse_manifest("{ not json", "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "manifest-invalid");
    EXPECT_EQ(e.problem().where, "x.json");
  }
}

}  // namespace
}  // namespace shotgen::farm
