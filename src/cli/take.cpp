// shotgen take list SHOT / take approve|reject SHOT TAKE: the takes of a shot, how closely each looks as
// its prompt asks (render/look_match.h), and which one the film uses.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "core/error.h"
#include "db/migrations.h"
#include "db/project_store.h"
#include "film/workspace.h"
#include "render/take_store.h"

namespace shotgen::cli {
namespace {

// "warm, high-key, flat 2D animation": the classes of a take's recorded analysis ('' if none).
std::string measured_classes(const std::string& analysis_json) {
  const auto analysis = nlohmann::json::parse(analysis_json);
  std::string out;
  for (const char* measure : {"palette", "key", "style"})
    if (analysis.contains(measure)) out += (out.empty() ? "" : ", ") + analysis[measure]["class"].get<std::string>();
  return out;
}

}  // namespace

void setup_take(CLI::App& app, const GlobalOptions& global) {
  auto* take = app.add_subcommand("take", "List a shot's takes, approve one for the film or reject one");
  take->require_subcommand(1);

  auto list_shot = std::make_shared<std::string>();
  auto list_json = std::make_shared<bool>(false);
  auto* list = take->add_subcommand("list", "List the takes of a shot");
  list->add_option("shot", *list_shot, "Shot id")->required();
  list->add_flag("--json", *list_json, "Print the takes as a JSON array");
  list->callback([&global, list_shot, list_json] {
    auto workspace = film::Workspace::open(global.workspace_path());
    auto db = db::open_project_database(workspace.database());
    db::ProjectStore store(db);
    if (!store.shot(*list_shot))
      throw shotgen::Error("unknown shot '" + *list_shot + "'", "shotgen take list", "sync film.toml or check the id");
    const auto chosen = render::chosen_take(store, *list_shot);
    const auto takes = store.takes(*list_shot);
    if (*list_json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& t : takes)
        out.push_back({{"id", t.id},
                       {"take", t.take_number},
                       {"slot", t.take_index + 1},
                       {"status", std::string(db::take_status_name(t.status))},
                       {"approved", t.approved},
                       {"chosen", chosen && chosen->id == t.id},
                       {"backend", t.backend},
                       {"seed", t.seed},
                       {"mp4", t.mp4_path},
                       {"poster", t.poster_path},
                       {"reroute_reason", t.reroute_reason},
                       {"fault", render::take_fault(db, t.id)},
                       {"timings", nlohmann::json::parse(t.timings_json)},
                       {"analysis", nlohmann::json::parse(t.analysis_json)},
                       {"look", render::to_json(render::take_look_match(t))},
                       {"created_at", t.created_at}});
      std::cout << out.dump(2) << "\n";
      return;
    }
    if (takes.empty()) std::cout << "shot " << *list_shot << " has no takes; render it with `shotgen render "
                                 << *list_shot << "`\n";
    for (const auto& t : takes) {
      std::cout << (chosen && chosen->id == t.id ? "* " : "  ") << "take " << std::left << std::setw(3)
                << t.take_number << std::setw(9) << db::take_status_name(t.status) << std::setw(7) << t.backend
                << (t.approved ? "approved " : "") << (t.mp4_path.empty() ? "(no file)" : t.mp4_path);
      if (const auto look = render::take_look_match(t); look.asked() > 0)
        std::cout << "  [look " << look.matched() << "/" << look.asked() << " as asked"
                  << (look.finishing_note().empty() ? "" : "; " + look.finishing_note())
                  << (look.as_asked() ? "" : "; " + look.misses()) << "]";
      else if (auto measured = measured_classes(t.analysis_json); !measured.empty())
        std::cout << "  [measured: " << measured << "]";
      if (!t.reroute_reason.empty()) std::cout << "  [" << t.reroute_reason << "]";
      if (auto fault = render::take_fault(db, t.id); !fault.empty()) std::cout << "  [bad: " << fault << "]";
      std::cout << "\n";
    }
  });

  auto approve_shot = std::make_shared<std::string>();
  auto approve_take_number = std::make_shared<int>(0);
  auto* approve = take->add_subcommand("approve", "Use this take of the shot in the film");
  approve->add_option("shot", *approve_shot, "Shot id")->required();
  approve->add_option("take", *approve_take_number, "Take number, as `shotgen take list` shows it")
      ->required()
      ->check(whole_number_in(1, film::kMaxTakes));
  approve->callback([&global, approve_shot, approve_take_number] {
    auto workspace = film::Workspace::open(global.workspace_path());
    auto db = db::open_project_database(workspace.database());
    const auto take = render::approve_take(db::ProjectStore(db), *approve_shot, *approve_take_number);
    std::cout << "approved take " << *approve_take_number << " of " << *approve_shot << " (" << take.mp4_path
              << ")\n";
  });

  auto reject_shot = std::make_shared<std::string>();
  auto reject_take_number = std::make_shared<int>(0);
  auto* reject = take->add_subcommand("reject", "Keep this take out of the film (the next render redoes it)");
  reject->add_option("shot", *reject_shot, "Shot id")->required();
  reject->add_option("take", *reject_take_number, "Take number, as `shotgen take list` shows it")
      ->required()
      ->check(whole_number_in(1, film::kMaxTakes));
  reject->callback([&global, reject_shot, reject_take_number] {
    auto workspace = film::Workspace::open(global.workspace_path());
    auto db = db::open_project_database(workspace.database());
    const auto take = render::reject_take(db::ProjectStore(db), *reject_shot, *reject_take_number);
    std::cout << "rejected take " << *reject_take_number << " of " << *reject_shot << " (" << take.mp4_path
              << ")\n";
  });
}

}  // namespace shotgen::cli
