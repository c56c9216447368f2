// A run's bookkeeping: job counters and ETA on every progress event, the summary under one lock.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "render/run_state.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

ProgressEvent event(ProgressKind kind = ProgressKind::Step) {
  ProgressEvent e;
  e.kind = kind;
  return e;
}

TEST(RunState, CountsFinishedJobsOnTopOfThoseDoneBefore) {
  RecordingSink sink;
  RenderSummary summary;
  RunState state(&sink, summary);
  state.set_total(5, 2);
  state.report(event(ProgressKind::Started));
  state.report(event(ProgressKind::Done), /*finishes=*/true);
  state.report(event(ProgressKind::Rerouted));  // not finished: its shot goes on on another backend
  state.report(event(ProgressKind::Failed), /*finishes=*/true);
  ASSERT_EQ(sink.events.size(), 4u);
  EXPECT_EQ(sink.events[0].kind, ProgressKind::Started);
  EXPECT_EQ(sink.events[0].jobs_finished, 2);
  EXPECT_EQ(sink.events[1].jobs_finished, 3);
  EXPECT_EQ(sink.events[2].jobs_finished, 3);
  EXPECT_EQ(sink.events[3].jobs_finished, 4);
  for (const auto& e : sink.events) EXPECT_EQ(e.jobs_total, 5);
}

TEST(RunState, AJobThatJoinsTheRunCountsInTheTotal) {
  RecordingSink sink;
  RenderSummary summary;
  summary.planned = 3;
  RunState state(&sink, summary);
  state.set_total(3, 0);
  state.report(event(ProgressKind::Done), /*finishes=*/true);
  state.add_job();  // best of N: the take missed its look, the shot's next take joins the run
  state.report(event(ProgressKind::Done), /*finishes=*/true);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].jobs_total, 3);
  EXPECT_EQ(sink.events[1].jobs_total, 4);
  EXPECT_EQ(sink.events[1].jobs_finished, 2);
  EXPECT_EQ(summary.planned, 4);
}

TEST(RunState, EtaIsUnknownBeforeAnyProgressAndZeroWithNothingLeft) {
  RecordingSink sink;
  RenderSummary summary;
  RunState state(&sink, summary);
  state.set_total(3, 1);
  state.report(event());
  EXPECT_FALSE(sink.events.back().eta_seconds.has_value());  // the jobs done before tell nothing
  state.set_total(2, 2);
  state.report(event());
  EXPECT_EQ(sink.events.back().eta_seconds, 0.0);
}

TEST(RunState, EtaScalesTheElapsedTimeByTheWorkLeft) {
  RecordingSink sink;
  RenderSummary summary;
  const auto start = RunClock::now();
  RunState state(&sink, summary);
  state.set_total(5, 1);  // 4 jobs of work
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  state.report(event(ProgressKind::Done), true);  // 1 of 4 done: 3 left at the pace so far
  const double elapsed = seconds_since(start);
  ASSERT_TRUE(sink.events.back().eta_seconds.has_value());
  EXPECT_GE(*sink.events.back().eta_seconds, 3 * 0.06);
  EXPECT_LE(*sink.events.back().eta_seconds, 3 * elapsed);
  for (int i = 0; i < 3; ++i) state.report(event(ProgressKind::Done), true);
  EXPECT_EQ(sink.events.back().eta_seconds, 0.0);
}

TEST(RunState, TheGeneratingBatchCountsTowardTheEta) {
  RecordingSink sink;
  RenderSummary summary;
  const auto start = RunClock::now();
  RunState state(&sink, summary);
  state.set_total(4, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  state.set_batch_fraction(0.5, 2);  // half of a batch of two: one job's worth done
  state.report(event());
  const double elapsed = seconds_since(start);
  ASSERT_TRUE(sink.events.back().eta_seconds.has_value());
  EXPECT_GE(*sink.events.back().eta_seconds, 3 * 0.04);
  EXPECT_LE(*sink.events.back().eta_seconds, 3 * elapsed);
  EXPECT_EQ(sink.events.back().jobs_finished, 0);
  state.set_batch_fraction(0, 0);  // the batch ended without a finished job
  state.report(event());
  EXPECT_FALSE(sink.events.back().eta_seconds.has_value());
}

TEST(RunState, UpdatesTheSummaryAndWorksWithoutASink) {
  RenderSummary summary;
  RunState state(nullptr, summary);
  state.set_total(2, 0);
  state.report(event(ProgressKind::Done), true);
  state.update([](RenderSummary& s) {
    ++s.rendered;
    s.encode_seconds += 1.5;
  });
  EXPECT_EQ(summary.rendered, 1);
  EXPECT_EQ(summary.encode_seconds, 1.5);
}

TEST(RunState, ReportsFromTwoThreadsLoseNoCount) {
  RecordingSink sink;
  RenderSummary summary;
  RunState state(&sink, summary);
  state.set_total(400, 0);
  auto work = [&] {
    for (int i = 0; i < 200; ++i) {
      state.report(event(ProgressKind::Done), true);
      state.update([](RenderSummary& s) { ++s.rendered; });
    }
  };
  std::thread other(work);
  work();
  other.join();
  EXPECT_EQ(summary.rendered, 400);
  ASSERT_EQ(sink.events.size(), 400u);
  EXPECT_EQ(sink.events.back().jobs_finished, 400);  // the sink sees the counts in order
}

TEST(JobEvent, NamesTheJobWithItsTakeCountedFromOne) {
  Job job;
  job.id = "abc123";
  job.shot_id = "s1_01";
  job.take_index = 2;
  job.backend = "turbo";
  const auto e = job_event(ProgressKind::Failed, job, "why", 4);
  EXPECT_EQ(e.kind, ProgressKind::Failed);
  EXPECT_EQ(e.job, "abc123");
  EXPECT_EQ(e.shot, "s1_01");
  EXPECT_EQ(e.take, 3);
  EXPECT_EQ(e.backend, "turbo");
  EXPECT_EQ(e.batch_size, 4);
  EXPECT_EQ(e.message, "why");
}

}  // namespace
}  // namespace shotgen::render
