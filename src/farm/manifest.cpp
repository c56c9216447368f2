#include "farm/manifest.h"

#include <algorithm>
#include <regex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"
#include "farm/farm_error.h"
#include "prompt/assembler.h"

namespace shotgen::farm {
namespace {

constexpr const char* kFormat = "shotgen-farm-manifest";

nlohmann::json params_object(const std::string& params_json, const std::string& where) {
  try {
    return nlohmann::json::parse(params_json);
  } catch (const nlohmann::json::exception& e) {
    throw farm_error(ErrorKind::Corrupt, "manifest-invalid",
                     "job parameters are not valid JSON: " + std::string(e.what()), where, "");
  }
}

nlohmann::json entry_json(const ManifestEntry& entry) {
  nlohmann::json references = nlohmann::json::array();
  for (const auto& reference : entry.references)
    references.push_back({{"file", reference.file}, {"sha256", reference.sha256}, {"ignore", reference.ignore}});
  nlohmann::json out = {{"id", entry.id},
                        {"shot", entry.shot_id},
                        {"take_index", entry.take_index},
                        {"backend", entry.backend},
                        {"params", params_object(entry.params_json, "job " + entry.id)},
                        {"seed", entry.seed},
                        {"prompt_hash", entry.prompt_hash},
                        {"positive", entry.positive},
                        {"negative", entry.negative},
                        {"negative_terms", entry.negative_terms},
                        {"references", references},
                        {"output", entry.output}};
  out["on_reject"] =
      entry.on_reject
          ? nlohmann::json{{"backend", entry.on_reject->backend},
                           {"params", params_object(entry.on_reject->params_json, "job " + entry.id + " on_reject")},
                           {"prompt_hash", entry.on_reject->prompt_hash}}
          : nlohmann::json(nullptr);
  return out;
}

nlohmann::json content_json(const Manifest& m) {
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& entry : m.jobs) jobs.push_back(entry_json(entry));
  nlohmann::json out = {
      {"format", kFormat},
      {"version", kManifestVersion},
      {"workspace_id", m.workspace_id},
      {"created_at", m.created_at},
      {"style_revision_id", m.style_revision_id},
      {"negative_revision_id", m.negative_revision_id},
      {"film", {{"title", m.film.title}, {"fps", m.film.fps}, {"width", m.film.width}, {"height", m.film.height}}},
      {"model_dir", m.model_dir},
      {"jobs", jobs}};
  if (m.jobs_per_task != 1) out["jobs_per_task"] = m.jobs_per_task;
  return out;
}

ManifestEntry parse_entry(const nlohmann::json& in) {
  ManifestEntry entry;
  entry.id = in.at("id").get<std::string>();
  entry.shot_id = in.at("shot").get<std::string>();
  entry.take_index = in.at("take_index").get<int>();
  entry.backend = in.at("backend").get<std::string>();
  entry.params_json = in.at("params").dump();
  entry.seed = in.at("seed").get<std::uint64_t>();
  entry.prompt_hash = in.at("prompt_hash").get<std::string>();
  entry.positive = in.at("positive").get<std::string>();
  entry.negative = in.at("negative").get<std::string>();
  entry.negative_terms = in.at("negative_terms").get<std::vector<std::string>>();
  for (const auto& reference : in.at("references"))
    entry.references.push_back({reference.at("file").get<std::string>(), reference.at("sha256").get<std::string>(),
                                reference.at("ignore").get<std::vector<std::string>>()});
  entry.output = in.at("output").get<std::string>();
  const auto& reject = in.at("on_reject");
  if (!reject.is_null())
    entry.on_reject = RerouteJob{reject.at("backend").get<std::string>(), reject.at("params").dump(),
                                 reject.at("prompt_hash").get<std::string>()};
  return entry;
}

Error tampered(const std::string& what, const std::string& where) {
  return farm_error(ErrorKind::Corrupt, "manifest-tampered", what, where,
                    "the manifest was edited after `shotgen farm submit` wrote it; run `shotgen farm submit` again "
                    "to write a fresh one");
}

// Everything a hand edit can break that the hashes do not already cover: paths must stay inside
// the shared folder and name what they claim to.
void check_entry(const Manifest& m, std::size_t index) {
  static const std::regex hex64("[0-9a-f]{64}");
  const ManifestEntry& e = m.jobs[index];
  const std::string where = entry_label(m, index);
  if (!std::regex_match(e.id, hex64)) throw tampered("job id '" + e.id + "' is not a job id", where);
  if (e.take_index < 0) throw tampered("take index " + std::to_string(e.take_index) + " is negative", where);
  const std::string hash = prompt::generation_hash(e.positive, e.negative, e.backend, e.params_json, e.seed, where);
  if (hash != e.prompt_hash)
    throw tampered("the prompts, backend, parameters or seed do not match the prompt hash " + e.prompt_hash, where);
  if (render::job_identity(e.shot_id, e.prompt_hash, e.backend, e.params_json, e.seed) != e.id)
    throw tampered("the job id does not match the shot, prompt hash, backend, parameters and seed", where);
  if (e.output != "takes/" + e.id) throw tampered("output '" + e.output + "' is not takes/<job id>", where);
  for (const auto& reference : e.references)
    if (!std::regex_match(reference.sha256, hex64) || reference.file != "references/" + reference.sha256 + ".png")
      throw tampered("reference file '" + reference.file + "' is not references/<sha256>.png", where);
}

}  // namespace

void Manifest::seal() { id = compute_manifest_id(*this); }

int Manifest::task_count() const {
  return static_cast<int>((jobs.size() + static_cast<std::size_t>(jobs_per_task) - 1) / jobs_per_task);
}

std::pair<std::size_t, std::size_t> Manifest::jobs_of_task(int task) const {
  const std::size_t first = static_cast<std::size_t>(task) * static_cast<std::size_t>(jobs_per_task);
  return {std::min(first, jobs.size()), std::min(first + static_cast<std::size_t>(jobs_per_task), jobs.size())};
}

nlohmann::json to_json(const Manifest& manifest) {
  nlohmann::json out = content_json(manifest);
  out["manifest_id"] = manifest.id;
  return out;
}

std::string compute_manifest_id(const Manifest& manifest) { return sha256_hex(content_json(manifest).dump()); }

std::string entry_label(const Manifest& manifest, std::size_t index) {
  const ManifestEntry& e = manifest.jobs[index];
  return "manifest " + manifest.id.substr(0, 12) + " jobs[" + std::to_string(index) + "] (shot " + e.shot_id +
         " take " + std::to_string(e.take_index + 1) + ")";
}

Manifest parse_manifest(std::string_view text, const std::string& where) {
  Manifest m;
  try {
    const auto in = nlohmann::json::parse(text);
    if (!in.is_object() || in.value("format", "") != kFormat)
      throw farm_error(ErrorKind::Corrupt, "manifest-invalid", "not a shotgen farm manifest", where,
                       "pass the manifests/<id>.json that `shotgen farm submit` wrote");
    if (in.at("version").get<int>() != kManifestVersion)
      throw farm_error(ErrorKind::Corrupt, "manifest-invalid",
                       "manifest version " + in.at("version").dump() +
                           " is not supported (this shotgen reads version " + std::to_string(kManifestVersion) + ")",
                       where, "run the same shotgen version on the nodes as on the submitting machine");
    m.id = in.at("manifest_id").get<std::string>();
    m.workspace_id = in.at("workspace_id").get<std::string>();
    m.created_at = in.at("created_at").get<std::string>();
    m.style_revision_id = in.at("style_revision_id").get<std::int64_t>();
    m.negative_revision_id = in.at("negative_revision_id").get<std::int64_t>();
    const auto& film = in.at("film");
    m.film = {film.at("title").get<std::string>(), film.at("fps").get<double>(), film.at("width").get<int>(),
              film.at("height").get<int>()};
    m.model_dir = in.at("model_dir").get<std::string>();
    m.jobs_per_task = in.value("jobs_per_task", 1);
    if (m.jobs_per_task < 1)
      throw tampered("jobs_per_task " + std::to_string(m.jobs_per_task) + " is not a positive number", where);
    for (const auto& entry : in.at("jobs")) m.jobs.push_back(parse_entry(entry));
  } catch (const nlohmann::json::exception& e) {
    throw farm_error(ErrorKind::Corrupt, "manifest-invalid", "the manifest cannot be read: " + std::string(e.what()),
                     where, "pass the manifests/<id>.json that `shotgen farm submit` wrote");
  }
  for (std::size_t i = 0; i < m.jobs.size(); ++i) check_entry(m, i);
  if (compute_manifest_id(m) != m.id)
    throw tampered("the content does not match the manifest id " + m.id.substr(0, 12), where);
  return m;
}

Manifest load_manifest(const std::filesystem::path& path) { return parse_manifest(read_file(path), path.string()); }

void write_manifest(const std::filesystem::path& path, const Manifest& manifest) {
  write_file_atomic(path, to_json(manifest).dump(2) + "\n");
}

render::Job job_of(const ManifestEntry& entry) {
  render::Job job;
  job.id = entry.id;
  job.shot_id = entry.shot_id;
  job.take_index = entry.take_index;
  job.backend = entry.backend;
  job.params_json = entry.params_json;
  job.seed = entry.seed;
  job.prompt_hash = entry.prompt_hash;
  return job;
}

std::optional<render::NewJob> reroute_job_of(const ManifestEntry& entry) {
  if (!entry.on_reject) return std::nullopt;
  render::NewJob job;
  job.shot_id = entry.shot_id;
  job.take_index = entry.take_index;
  job.backend = entry.on_reject->backend;
  job.params_json = entry.on_reject->params_json;
  job.seed = entry.seed;
  job.prompt_hash = entry.on_reject->prompt_hash;
  return job;
}

}  // namespace shotgen::farm
