#pragma once
// Bringing take files into the database from their own MP4 tags (take_tags.h). Adoption never
// deletes, renames or rewrites a file; a file it cannot adopt is left alone and reported.
//
// Two scopes:
//   InterruptedCommits  every render does this at start. A render killed after renaming a take into
//                       place and before its database commit leaves a take file whose job is in
//                       this database and not done; its tags hold exactly the record the commit
//                       would have written, so the commit is completed (job done + take, one
//                       transaction) and nothing is rendered twice.
//   AllUnknownFiles     `shotgen adopt`: every take file the database does not know — after the
//                       database was lost, replaced or moved away — is re-imported with its job
//                       (created done when missing), so the next render does not redo it.
// A file is adopted when its tags are complete and consistent (take_from_tags), its shot is in the
// database, the file lies in that shot's folder and its take number is free. When its job already
// has a take (the same render was made again after the database was lost), the file is adopted as
// an earlier take without a job link. Its poster is the .png of the same name, when present. The
// approval of a take is not in its file and is not restored; revision ids are those of the current
// style and negative blocks when the take's prompts carry them, else none (`shotgen audit` then
// flags the take).
#include <filesystem>
#include <string>
#include <vector>

#include "db/project_store.h"

namespace shotgen::render {

enum class AdoptionScope { InterruptedCommits, AllUnknownFiles };

struct SkippedTakeFile {
  std::string path;    // workspace-relative
  std::string reason;  // why it was not adopted
};

struct AdoptionReport {
  std::vector<db::TakeRecord> adopted;  // as recorded (ids set)
  std::vector<SkippedTakeFile> skipped;
};

// Adopts the unknown take videos (unknown_take_files) under `workspace_root` within `scope`. Call
// while holding the RenderLock, after requeueing dead workers' jobs.
AdoptionReport adopt_take_files(const std::filesystem::path& workspace_root, const db::ProjectStore& store,
                                AdoptionScope scope);

}  // namespace shotgen::render
