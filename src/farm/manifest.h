#pragma once
// The farm manifest: the jobs one Slurm job array renders, as JSON in the shared folder
// (manifests/<manifest id>.json); array task i renders jobs[i·J, i·J + J) for J jobs per task
// (1 unless submitted with --jobs-per-task: a task then pays Slurm's start, the process start and
// the model load once for J takes). It holds everything a node needs —
// assembled prompts, backend, parameters, seed, reference images (copied into the shared folder),
// where to write — so a node never reads film.toml or the project database.
//
// Integrity: every entry's prompt hash is recomputed from its prompts, backend, parameters and seed
// (prompt::generation_hash) and its id from those (render::job_identity), and the manifest id is the
// SHA-256 of the canonical JSON of everything else. A manifest edited by hand fails these checks
// on the node and at collect; one written by another workspace fails the workspace id check at
// collect (farm/collector.h).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "render/backend.h"
#include "render/job_queue.h"

namespace shotgen::farm {

inline constexpr int kManifestVersion = 1;

// A reference image, copied into the shared folder under its content hash.
struct ManifestReference {
  std::string file;    // relative to the shared folder: "references/<sha256>.png"
  std::string sha256;  // of the file's bytes
  std::vector<std::string> ignore;
};

// The job the re-route queues when the take's negative does not bite (the next backend of the
// shot's route); it has the take's shot, take index and seed.
struct RerouteJob {
  std::string backend;
  std::string params_json;
  std::string prompt_hash;
};

struct ManifestEntry {
  std::string id;  // the job id in the workspace's queue
  std::string shot_id;
  int take_index = 0;
  std::string backend;
  std::string params_json;  // canonical JSON (sorted keys)
  std::uint64_t seed = 0;
  std::string prompt_hash;
  std::string positive;
  std::string negative;
  std::vector<std::string> negative_terms;  // for the re-route check on the node
  std::vector<ManifestReference> references;
  std::string output;  // "takes/<job id>": the node writes <output>.<run>.mp4 and .png
  std::optional<RerouteJob> on_reject;
};

// What encoding a take needs of the film.
struct ManifestFilm {
  std::string title;
  double fps = 24.0;
  int width = 0;  // output resolution of the takes
  int height = 0;
};

struct Manifest {
  std::string id;  // compute_manifest_id(), filled in by seal()
  std::string workspace_id;
  std::string created_at;              // when the prompts were assembled: the takes' created_at
  std::int64_t style_revision_id = 0;  // revisions the prompts were assembled from
  std::int64_t negative_revision_id = 0;
  ManifestFilm film;
  std::string model_dir;  // the model folder as the nodes see it (a node's --model overrides it)
  int jobs_per_task = 1;  // in the JSON only when not 1, so manifests written before it keep their ids
  std::vector<ManifestEntry> jobs;

  // Sets `id` from the content.
  void seal();
  // Array tasks the jobs need, and the jobs of one task: positions [first, last) in `jobs`.
  int task_count() const;
  std::pair<std::size_t, std::size_t> jobs_of_task(int task) const;
  int task_of_job(std::size_t position) const { return static_cast<int>(position / jobs_per_task); }
};

// The manifest as JSON, "manifest_id" included.
nlohmann::json to_json(const Manifest& manifest);
// SHA-256 of the canonical JSON of everything but the id.
std::string compute_manifest_id(const Manifest& manifest);

// Parses and verifies a manifest (structure, version, every entry's prompt hash and id, output
// paths, the manifest id). Throws shotgen::Error naming `where` and the entry: kind
// "manifest-invalid" (not a manifest of this version) or "manifest-tampered" (edited after submit).
Manifest parse_manifest(std::string_view text, const std::string& where);
Manifest load_manifest(const std::filesystem::path& path);
// Writes it atomically (temporary name + rename).
void write_manifest(const std::filesystem::path& path, const Manifest& manifest);

// The queue job an entry stands for, and the re-route job it names (nullopt without one).
render::Job job_of(const ManifestEntry& entry);
std::optional<render::NewJob> reroute_job_of(const ManifestEntry& entry);

// "jobs[3] (shot s1_02 take 1)": how messages name an entry.
std::string entry_label(const Manifest& manifest, std::size_t index);

}  // namespace shotgen::farm
