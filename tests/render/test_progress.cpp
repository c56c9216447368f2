#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "render/progress.h"

namespace shotgen::render {
namespace {

TEST(Progress, DurationsAndBars) {
  EXPECT_EQ(format_duration(65), "1:05");
  EXPECT_EQ(format_duration(3 * 3600 + 3), "3:00:03");
  EXPECT_EQ(format_duration(-4), "0:00");
  EXPECT_EQ(progress_bar(0.5, 10), "[#####-----]");
  EXPECT_EQ(progress_bar(2.0, 4), "[####]");
}

TEST(Progress, JsonLinesCarryJobStepTotalAndEta) {
  std::ostringstream out;
  JsonProgress sink(out);
  ProgressEvent step;
  step.kind = ProgressKind::Step;
  step.job = "abc";
  step.shot = "s1";
  step.take = 2;
  step.backend = "final";
  step.step = 3;
  step.total = 24;
  step.eta_seconds = 12.34;
  step.jobs_total = 5;
  sink.report(step);
  ProgressEvent done;
  done.kind = ProgressKind::Finished;
  done.message = "all done";
  sink.report(done);
  std::istringstream lines(out.str());
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const auto first = nlohmann::json::parse(line);
  EXPECT_EQ(first["event"], "step");
  EXPECT_EQ(first["job"], "abc");
  EXPECT_EQ(first["take"], 2);
  EXPECT_EQ(first["step"], 3);
  EXPECT_EQ(first["total"], 24);
  EXPECT_DOUBLE_EQ(first["eta"].get<double>(), 12.3);
  ASSERT_TRUE(std::getline(lines, line));
  const auto second = nlohmann::json::parse(line);
  EXPECT_EQ(second["event"], "finished");
  EXPECT_FALSE(second.contains("job"));
  EXPECT_TRUE(second["eta"].is_null());
  EXPECT_FALSE(std::getline(lines, line));
}

TEST(Progress, LineSinkPrintsOnlyFinishedJobs) {
  std::ostringstream out;
  LineProgress sink(out);
  ProgressEvent step;
  step.kind = ProgressKind::Step;
  sink.report(step);
  EXPECT_TRUE(out.str().empty());
  ProgressEvent failed;
  failed.kind = ProgressKind::Failed;
  failed.shot = "s1";
  failed.take = 1;
  failed.backend = "final";
  failed.message = "disk full";
  failed.jobs_finished = 1;
  failed.jobs_total = 3;
  sink.report(failed);
  EXPECT_EQ(out.str(), "[1/3] FAILED    s1 take 1 (final): disk full\n");
}

}  // namespace
}  // namespace shotgen::render
