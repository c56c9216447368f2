#pragma once
// A film workspace: a directory holding film.toml (edited by the filmmaker), the project
// database shotgen.db, references/ (reference images) and renders/ (takes and films).
#include <filesystem>
#include <string>

namespace shotgen::film {

class Workspace {
 public:
  // An existing workspace. Throws shotgen::Error if `dir` holds no film.toml.
  static Workspace open(const std::filesystem::path& dir);

  // Scaffolds `dir` (created if needed) with a commented film.toml titled `title`, references/
  // and renders/. Refuses, with a shotgen::Error, if `dir` already has a film.toml.
  static Workspace init(const std::filesystem::path& dir, const std::string& title);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path film_toml() const { return root_ / "film.toml"; }
  std::filesystem::path database() const { return root_ / "shotgen.db"; }
  std::filesystem::path references_dir() const { return root_ / "references"; }
  std::filesystem::path renders_dir() const { return root_ / "renders"; }

 private:
  explicit Workspace(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

// The commented film.toml that `shotgen init` writes: every section explained, one example scene.
std::string scaffold_film_toml(const std::string& title);

}  // namespace shotgen::film
