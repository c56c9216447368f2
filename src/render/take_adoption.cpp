#include "render/take_adoption.h"

#include <set>

#include "db/audit.h"
#include "film/prompt_term.h"
#include "media/video_reader.h"
#include "render/job_queue.h"
#include "render/take_files.h"
#include "render/take_tags.h"

namespace fs = std::filesystem;

namespace shotgen::render {
namespace {

constexpr const char* kNotInterrupted = "not an interrupted render of this database; `shotgen adopt` re-imports it";

bool number_taken(const db::Database& db, const std::string& shot_id, int number) {
  auto stmt = db.prepare("SELECT 1 FROM takes WHERE shot_id = ?1 AND take_number = ?2");
  stmt.bind_all(shot_id, number);
  return stmt.step();
}

std::optional<std::string> take_of_job(const db::Database& db, const std::string& job_id) {
  auto stmt = db.prepare("SELECT mp4_path FROM takes WHERE job_id = ?1");
  stmt.bind(1, job_id);
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

// The current revisions, when the take's prompts carry them (what the render would have recorded).
void link_revisions(const db::ProjectStore& store, db::TakeRecord& take) {
  const auto style = store.current_style_revision();
  const std::string style_text = film::normalize_term(style.text);
  if (!style_text.empty() && film::normalize_term(take.positive).starts_with(style_text))
    take.style_revision_id = style.id;
  const auto negative = store.current_negative_revision();
  bool carried = !negative.block.empty();
  for (const auto& term : negative.block.all_terms())
    carried = carried && db::negative_contains_term(take.negative, term);
  if (carried) take.negative_revision_id = negative.id;
}

// Why `mp4` cannot be adopted in `scope`, or nullopt after adopting it into `report`.
std::optional<std::string> adopt_one(const fs::path& root, const db::ProjectStore& store, const std::string& mp4,
                                     const std::set<std::string>& unknown, AdoptionScope scope,
                                     AdoptionReport& report) {
  media::VideoProbe probe;
  try {
    probe = media::probe_video(root / mp4);
  } catch (const std::exception& e) {
    return std::string("cannot read it: ") + e.what();
  }
  auto tagged = take_from_tags(probe.metadata);
  if (!tagged) return tagged.problem().what;
  TaggedTake& found = tagged.value();
  db::TakeRecord& take = found.take;
  const db::Database& db = store.database();
  JobQueue queue(db);
  const auto job = queue.find(*take.job_id);
  if (scope == AdoptionScope::InterruptedCommits && (!job || job->state == JobState::Done))
    return kNotInterrupted;
  if (!store.shot(take.shot_id))
    return "shot '" + take.shot_id + "' is not in the database; add it to film.toml and run `shotgen sync`";
  if (fs::path(mp4).parent_path() != fs::path("renders") / shot_dir_name(take.shot_id))
    return "it lies outside the folder of its shot '" + take.shot_id + "'";
  const auto job_take = take_of_job(db, *take.job_id);
  if (job_take && scope == AdoptionScope::InterruptedCommits) return "its job already has a take (" + *job_take + ")";
  if (number_taken(db, take.shot_id, take.take_number))
    return "take number " + std::to_string(take.take_number) + " of shot '" + take.shot_id + "' is another take";

  take.mp4_path = mp4;
  const std::string poster = fs::path(mp4).replace_extension(".png").generic_string();
  if (unknown.count(poster)) take.poster_path = poster;
  const std::string source = (fs::path(mp4).parent_path() / (fs::path(mp4).stem().string() + "_source.png")).generic_string();
  if (unknown.count(source)) take.source_path = source;
  link_revisions(store, take);
  db::Transaction tx(db);
  if (job_take)
    take.job_id.reset();  // the same job was rendered again since: this file is an earlier take of it
  else
    queue.record_adopted(found.job);
  take.id = db::ProjectStore(db).insert_take(take);
  tx.commit();
  report.adopted.push_back(take);
  return std::nullopt;
}

}  // namespace

AdoptionReport adopt_take_files(const fs::path& workspace_root, const db::ProjectStore& store, AdoptionScope scope) {
  AdoptionReport report;
  const auto files = unknown_take_files(workspace_root, store.database());
  const std::set<std::string> unknown(files.begin(), files.end());
  // A render's start probes only files whose name carries the job prefix of an unfinished job.
  std::set<std::string> unfinished_prefixes;
  for (const auto& job : JobQueue(store.database()).list())
    if (job.state != JobState::Done) unfinished_prefixes.insert(job.id.substr(0, 10));
  for (const auto& file : files) {
    const fs::path path(file);
    if (path.extension() != ".mp4") continue;
    const std::string stem = path.stem().string();
    if (scope == AdoptionScope::InterruptedCommits && !unfinished_prefixes.count(stem.substr(stem.rfind('_') + 1))) {
      report.skipped.push_back({file, kNotInterrupted});
      continue;
    }
    if (auto reason = adopt_one(workspace_root, store, file, unknown, scope, report))
      report.skipped.push_back({file, *reason});
  }
  return report;
}

}  // namespace shotgen::render
