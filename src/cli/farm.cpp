// shotgen farm submit | work | status | collect | cancel: rendering on a Slurm cluster (src/farm/).
// Each subcommand has a setup function here; the work is the farm module's.
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/one_line.h"
#include "cli/option_checks.h"
#include "cli/shot_selection.h"
#include "core/error.h"
#include "engine/engine.h"
#include "farm/cancel.h"
#include "farm/collector.h"
#include "farm/farm_error.h"
#include "farm/manifest.h"
#include "farm/slurm_commands.h"
#include "farm/status.h"
#include "farm/submitter.h"
#include "farm/worker.h"
#include "prompt/backend_caps.h"

namespace shotgen::cli {
namespace {

namespace fs = std::filesystem;

// A listing keeps a node's long error (a library trace) to one line.
constexpr std::size_t kDetailChars = 200;

fs::path this_binary() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("shotgen") : self;
}


struct SubmitCliOptions {
  ShotSelection selection;
  std::string shared;
  std::string partition;
  int gpus_per_task = 0;
  int cpus_per_task = 0;
  int max_parallel = 0;
  int jobs_per_task = 1;
  std::vector<std::string> sbatch_args;
  std::string binary;
  std::string model;
  int max_array_size = 1000;
  bool dry_run = false;
  bool json = false;
};

void print_submit(const farm::SubmitReport& report, bool dry_run) {
  std::cout << "farm: " << report.queued << " queued job(s), " << report.on_farm << " already on the farm, "
            << report.stale << " stale";
  if (report.stale) std::cout << " (planned from an older film.toml; `shotgen render SHOT` plans them again)";
  std::cout << "\n";
  if (report.arrays.empty()) std::cout << "nothing to submit\n";
  for (const auto& array : report.arrays) {
    if (dry_run) {
      std::cout << "dry run: " << array.tasks << " task(s) for " << array.jobs << " job(s), manifest "
                << array.manifest.string() << "\n  sbatch";
      for (const auto& arg : array.sbatch_args) std::cout << " " << arg;
      std::cout << "\n";
    } else {
      std::cout << "submitted Slurm job " << array.slurm_job_id << ": " << array.tasks << " task(s) for " << array.jobs
                << " job(s), manifest "
                << array.manifest.string() << "\n";
    }
  }
}

nlohmann::json submit_json(const farm::SubmitReport& report) {
  nlohmann::json arrays = nlohmann::json::array();
  for (const auto& array : report.arrays)
    arrays.push_back({{"manifest_id", array.manifest_id},
                      {"manifest", array.manifest.string()},
                      {"script", array.script.string()},
                      {"sbatch_args", array.sbatch_args},
                      {"slurm_job_id", array.slurm_job_id},
                      {"tasks", array.tasks},
                      {"jobs", array.jobs}});
  return {{"shared_dir", report.shared_dir.string()},
          {"queued", report.queued},
          {"on_farm", report.on_farm},
          {"stale", report.stale},
          {"submitted", report.submitted()},
          {"arrays", arrays}};
}

void setup_farm_submit(CLI::App& farm, const GlobalOptions& global) {
  auto options = std::make_shared<SubmitCliOptions>();
  auto* cmd = farm.add_subcommand("submit", "Submit the queued jobs as one Slurm job array (only what is missing)");
  add_shot_selection_options(*cmd, options->selection, "Queue the jobs of");
  cmd->add_option("--shared", options->shared,
                  "Shared folder every node sees (default: the workspace's last one, else <workspace>/farm)");
  cmd->add_option("--partition", options->partition, "Slurm partition");
  cmd->add_option("--gpus-per-task", options->gpus_per_task, "GPUs per array task")->check(whole_number_in(1, 64));
  cmd->add_option("--cpus-per-task", options->cpus_per_task, "CPUs per array task (also the node's torch threads)")
      ->check(whole_number_in(1, 1024));
  cmd->add_option("--max-parallel", options->max_parallel, "At most K tasks at once (--array=0-N%K)")
      ->check(whole_number_in(1, 100000));
  cmd->add_option("--jobs-per-task", options->jobs_per_task,
                  "Jobs each array task renders one after the other: Slurm's start, the process start and the model "
                  "load are paid once for them (short takes; a killed task loses only the job it was on)")
      ->capture_default_str()
      ->check(whole_number_in(1, 10000));
  cmd->add_option("--sbatch-arg", options->sbatch_args,
                  "Extra sbatch argument, repeatable: --sbatch-arg=--time=01:00:00 --sbatch-arg=--account=film");
  cmd->add_option("--binary", options->binary, "shotgen as the nodes run it (default: this binary)");
  cmd->add_option("--model", options->model,
                  "Model directory, as this machine and the nodes see it (default: $SHOTGEN_MODEL_DIR, else "
                  "models/default)");
  cmd->add_option("--max-array-size", options->max_array_size, "Most tasks per job array (Slurm's MaxArraySize)")
      ->capture_default_str()
      ->check(whole_number_in(1, 4'000'000));
  cmd->add_flag("--dry-run", options->dry_run,
                "Write the manifests and batch scripts, print sbatch's arguments, submit nothing");
  cmd->add_flag("--json", options->json, "Print the result as JSON");
  cmd->callback([&global, options] {
    farm::SubmitOptions submit;
    apply_shot_selection(options->selection, submit.plan);
    submit.shared_dir = options->shared;
    submit.binary = options->binary.empty() ? this_binary() : fs::absolute(options->binary);
    submit.model_dir = fs::absolute(engine::model_dir_or_default(options->model));  // nodes run elsewhere
    if (!options->partition.empty()) submit.partition = options->partition;
    if (options->gpus_per_task > 0) submit.gpus_per_task = options->gpus_per_task;
    if (options->cpus_per_task > 0) submit.cpus_per_task = options->cpus_per_task;
    if (options->max_parallel > 0) submit.max_parallel = options->max_parallel;
    submit.jobs_per_task = options->jobs_per_task;
    submit.sbatch_args = options->sbatch_args;
    submit.max_array_size = options->max_array_size;
    submit.dry_run = options->dry_run;
    auto registry = render::BackendRegistry::shipped(submit.model_dir);
    farm::SlurmScheduler slurm;
    const auto report = farm::submit_to_farm(global.workspace_path(), submit, registry, slurm);
    if (options->json)
      std::cout << submit_json(report).dump(2) << "\n";
    else
      print_submit(report, options->dry_run);
  });
}

void setup_farm_work(CLI::App& farm, const GlobalOptions&) {
  auto manifest = std::make_shared<std::string>();
  auto index = std::make_shared<int>(-1);
  auto model = std::make_shared<std::string>();
  auto device = std::make_shared<std::string>("auto");
  auto* cmd =
      farm.add_subcommand("work", "Render one array task's jobs of a farm manifest (what each Slurm array task runs)");
  cmd->add_option("manifest", *manifest, "The manifest (<shared>/manifests/<id>.json)")->required();
  cmd->add_option("index", *index, "Array task index in the manifest (default: $SLURM_ARRAY_TASK_ID)")
      ->check(whole_number_in(0, 100'000'000));
  cmd->add_option("--model", *model, "Model directory on this node (default: the manifest's)");
  cmd->add_option("--device", *device, "auto, cpu or cuda")->capture_default_str();
  cmd->callback([manifest, index, model, device] {
    int task = *index;
    if (task < 0) {
      const auto from_slurm = farm::array_index_from_environment();
      if (!from_slurm)
        throw farm::farm_error(ErrorKind::NotFound, "missing-index", "no array task index", "shotgen farm work",
                               "pass INDEX, or run it as a Slurm array task (SLURM_ARRAY_TASK_ID)");
      task = *from_slurm;
    }
    // The model folder: --model, else the one the manifest names (parsed and checked again by the worker).
    fs::path model_dir = *model;
    if (model_dir.empty()) model_dir = farm::load_manifest(*manifest).model_dir;
    auto engine = std::make_shared<render::SharedEngine>(model_dir, engine::parse_device_choice(*device));
    render::BackendRegistry registry;
    for (auto& caps : prompt::default_caps()) registry.add(std::make_shared<render::EngineBackend>(caps, engine));
    farm::WorkContext context{farm::run_from_environment(task), farm::this_host(),
                              [engine] { return engine->get().info().device; }};
    bool any_failed = false;
    for (const auto& result : farm::work_on_task(*manifest, task, registry, context)) {
      if (result.outcome == farm::TaskOutcome::Done) {
        std::cout << "farm work: job " << result.job_id.substr(0, 12) << " done on " << result.host << " ("
                  << result.device << "): " << result.mp4 << "\n";
        continue;
      }
      std::cerr << "farm work: job " << result.job_id.substr(0, 12) << " failed: " << result.reason << "\n";
      any_failed = true;
    }
    if (any_failed) throw ExitCode{kExitFindings};
  });
}

void setup_farm_status(CLI::App& farm, const GlobalOptions& global) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = farm.add_subcommand("status", "The farm's tasks: Slurm's view and the results in the shared folder");
  cmd->add_flag("--json", *json, "Print the status as JSON");
  cmd->callback([&global, json] {
    farm::SlurmScheduler slurm;
    const auto status = farm::farm_status(global.workspace_path(), slurm);
    if (*json) {
      std::cout << farm::to_json(status).dump(2) << "\n";
      return;
    }
    std::cout << "farm: shared folder " << status.shared_dir.string() << "\n";
    if (status.scheduler_problem) std::cout << "note: Slurm could not be asked: " << *status.scheduler_problem << "\n";
    for (std::size_t s = 0; s < status.submissions.size(); ++s) {
      const auto& submission = status.submissions[s];
      std::cout << "Slurm job " << submission.slurm_job_id << " (" << submission.tasks << " task(s), submitted "
                << submission.submitted_at << (submission.cancelled ? ", cancelled" : "") << "):";
      for (const auto& [state, count] : submission.states) std::cout << " " << count << " " << state;
      std::cout << "\n";
    }
    for (const auto& task : status.tasks)
      if (task.state != "collected")
        std::cout << "  " << task.run << "  " << task.shot_id << " take " << task.take << "  " << task.state
                  << (task.detail.empty() ? "" : ": " + one_line(task.detail, kDetailChars, "`farm status --json`"))
                  << "\n";
  });
}

void setup_farm_collect(CLI::App& farm, const GlobalOptions& global) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = farm.add_subcommand("collect", "Bring the finished farm takes into the project (idempotent)");
  cmd->add_flag("--json", *json, "Print the result as JSON");
  cmd->callback([&global, json] {
    farm::SlurmScheduler slurm;
    const auto report = farm::collect_from_farm(global.workspace_path(), slurm);
    if (*json) {
      nlohmann::json out = {{"collected", report.collected}, {"rerouted", report.rerouted}, {"skipped", report.skipped},
                            {"failed", report.failed},       {"waiting", report.waiting},   {"unknown", report.unknown},
                            {"notes", report.notes}};
      out["scheduler_problem"] =
          report.scheduler_problem ? nlohmann::json(*report.scheduler_problem) : nlohmann::json(nullptr);
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << "farm collect: " << report.collected << " take(s) collected (" << report.rerouted << " re-routed), "
                << report.failed << " failed task(s) recorded, " << report.skipped << " skipped, " << report.waiting
                << " still running\n";
      for (const auto& note : report.notes)
        std::cout << "  " << one_line(note, kDetailChars, "`shotgen farm status --json` shows all") << "\n";
      if (report.scheduler_problem)
        std::cout << "note: Slurm could not be asked (" << *report.scheduler_problem << "); " << report.unknown
                  << " task(s) without a result were left for a later collect\n";
    }
    if (report.failed > 0) throw ExitCode{kExitFindings};
  });
}

void setup_farm_cancel(CLI::App& farm, const GlobalOptions& global) {
  auto* cmd = farm.add_subcommand("cancel", "Cancel the workspace's running farm job arrays (scancel)");
  cmd->callback([&global] {
    farm::SlurmScheduler slurm;
    const auto cancelled = farm::cancel_farm_runs(global.workspace_path(), slurm);
    if (cancelled.empty()) {
      std::cout << "farm: nothing to cancel\n";
      return;
    }
    std::cout << "farm: cancelled Slurm job(s)";
    for (const auto& id : cancelled) std::cout << " " << id;
    std::cout << "; `shotgen farm collect` still brings home what finished\n";
  });
}

}  // namespace

void setup_farm(CLI::App& app, const GlobalOptions& global) {
  auto* farm = app.add_subcommand("farm", "Render on a Slurm cluster: submit, work, status, collect, cancel");
  farm->require_subcommand(1);
  setup_farm_submit(*farm, global);
  setup_farm_work(*farm, global);
  setup_farm_status(*farm, global);
  setup_farm_collect(*farm, global);
  setup_farm_cancel(*farm, global);
}

}  // namespace shotgen::cli
