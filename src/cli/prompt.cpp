// shotgen prompt: prints shots' assembled prompts from film.toml, and `prompt parse` shows how
// weighting syntax parses. It only reads: the project database is not opened at all, so it works
// in a read-only workspace and never records a film that `sync` (which lints first) would refuse.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "film/film_loader.h"
#include "film/workspace.h"
#include "prompt/assembler.h"
#include "prompt/backend_caps.h"
#include "core/nearest_name.h"
#include "prompt/weighting.h"

namespace shotgen::cli {
namespace {

struct PromptOptions {
  std::string shot;
  bool all = false;
  bool json = false;
  std::string backend = "final";
  std::string text;       // prompt parse TEXT
  bool parse_json = false;
};

std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

void print_human(const prompt::AssembledPrompt& p) {
  std::cout << "shot " << p.shot_id() << " (backend " << p.backend() << ", " << p.positive_words() << "+"
            << p.negative_words() << " words of " << p.max_prompt_words() << " each)\n";
  std::cout << "positive: " << p.positive() << "\n";
  std::cout << "negative: " << p.negative() << "\n";
  if (!p.cut_sections().empty()) {
    std::cout << "cut to fit:";
    for (std::size_t i = 0; i < p.cut_sections().size(); ++i)
      std::cout << (i == 0 ? " " : ", ") << p.cut_sections()[i];
    std::cout << "\n";
  }
}

void run_prompt(const GlobalOptions& global, const PromptOptions& options) {
  if (options.all == !options.shot.empty())
    throw Error("give either a shot id or --all", "shotgen prompt", "e.g. shotgen prompt s1_01, or shotgen prompt --all");
  auto caps_list = prompt::default_caps();
  const prompt::BackendCaps* caps = prompt::find_caps(caps_list, options.backend);
  if (!caps) {
    std::vector<std::string> names;
    for (const auto& c : caps_list) names.push_back(c.name);
    throw Error("unknown backend '" + options.backend + "'", "--backend", did_you_mean(options.backend, names, ""));
  }
  auto workspace = film::Workspace::open(global.workspace_path());
  auto film = film::load_film_file(workspace.film_toml());

  std::vector<const film::Shot*> shots;
  if (options.all) {
    for (const auto& scene : film.scenes)
      for (const auto& shot : scene.shots) shots.push_back(&shot);
  } else if (const auto* shot = film.find_shot(options.shot)) {
    shots.push_back(shot);
  } else {
    std::vector<std::string> ids;
    for (const auto& scene : film.scenes)
      for (const auto& s : scene.shots) ids.push_back(s.id);
    throw Error("unknown shot '" + options.shot + "'", workspace.film_toml().string(),
                did_you_mean(options.shot, ids, "the film has no shots yet"));
  }
  std::vector<prompt::AssembledPrompt> prompts;
  for (const auto* shot : shots) prompts.push_back(prompt::assemble_prompt(film, *shot, *caps));

  if (options.json) {
    if (options.all) {
      auto array = nlohmann::json::array();
      for (const auto& p : prompts) array.push_back(prompt::to_json(p));
      std::cout << dump(array) << "\n";
    } else {
      std::cout << dump(prompt::to_json(prompts.front())) << "\n";
    }
    return;
  }
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    if (i > 0) std::cout << "\n";
    print_human(prompts[i]);
  }
}

void run_parse(const PromptOptions& options) {
  auto runs = prompt::parse_weighted_prompt(options.text);
  if (options.parse_json) {
    std::cout << prompt::format_runs_json(runs) << "\n";
    return;
  }
  for (const auto& run : runs) std::cout << run.weight << "\t" << run.text << "\n";
}

}  // namespace

void setup_prompt(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<PromptOptions>();
  auto* cmd = app.add_subcommand("prompt", "Print a shot's assembled positive and negative prompts");
  cmd->add_option("SHOT", options->shot, "Shot id");
  cmd->add_flag("--all", options->all, "Every shot, in story order");
  cmd->add_flag("--json", options->json, "JSON: positive, negative, sections, cut_sections, ...");
  cmd->add_option("--backend", options->backend, "Backend whose prompt limit applies (final, turbo)")
      ->capture_default_str();

  auto* parse = cmd->add_subcommand("parse", "Show the weighted runs of TEXT ((term), [term], (term:1.3))");
  parse->add_option("TEXT", options->text, "Prompt text")->required();
  parse->add_flag("--json", options->parse_json, "JSON array of [text, weight] pairs");
  parse->callback([options] { run_parse(*options); });

  cmd->callback([&global, options, parse] {
    if (parse->parsed()) return;
    run_prompt(global, *options);
  });
}

}  // namespace shotgen::cli
