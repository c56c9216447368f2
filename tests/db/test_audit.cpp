#include "db/audit.h"

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/sample_film.h"

namespace shotgen::db {
namespace {
using shotgen::testing::sample_film;

class Audit : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate(db_);
    store_.sync(film_);
  }

  // A take that does everything right: the style block first, every negative term present
  // (in another case and spacing than the block, as the assembler may normalize them).
  TakeRecord compliant_take() const {
    TakeRecord take;
    take.shot_id = "harbor_01";
    take.positive = film_.style.text + " a young lamplighter walks along the harbor wall, golden hour";
    take.negative = "LIVE ACTION, photorealistic,3D  render, extra fingers , merged faces, blurry, watermark, text, "
                    "lens   dirt, crowds";
    take.style_revision_id = store_.current_style_revision().id;
    take.negative_revision_id = store_.current_negative_revision().id;
    take.backend = "final";
    take.prompt_hash = "hash";
    return take;
  }

  film::Film film_ = sample_film();
  Database db_ = Database::open_in_memory();
  ProjectStore store_{db_};
};

TEST(AuditEmpty, ProjectWithoutRendersIsClean) {
  auto db = Database::open_in_memory();
  migrate(db);
  auto report = audit(ProjectStore(db));
  EXPECT_EQ(report.total, 0);
  EXPECT_EQ(report.ok, 0);
  EXPECT_TRUE(report.clean());
}

TEST_F(Audit, CompliantTakeIsOk) {
  store_.insert_take(compliant_take());
  auto report = audit(store_);
  EXPECT_EQ(report.total, 1);
  EXPECT_EQ(report.ok, 1);
  EXPECT_TRUE(report.clean());
}

TEST_F(Audit, PromptThatDoesNotOpenWithTheStyleBlockIsReported) {
  auto take = compliant_take();
  take.positive = "a young lamplighter walks along the harbor wall. " + film_.style.text;
  const auto id = store_.insert_take(take);
  store_.insert_take(compliant_take());
  auto report = audit(store_);
  EXPECT_EQ(report.total, 2);
  EXPECT_EQ(report.ok, 1);
  EXPECT_EQ(report.missing_style, 1);
  EXPECT_EQ(report.missing_negative, 0);
  ASSERT_EQ(report.offending.size(), 1u);
  EXPECT_EQ(report.offending[0].take_id, id);
  EXPECT_EQ(report.offending[0].shot_id, "harbor_01");
  EXPECT_EQ(report.offending[0].findings, std::vector<AuditFinding>{AuditFinding::MissingStyle});
}

TEST_F(Audit, MissingNegativeTermIsReportedByName) {
  auto take = compliant_take();
  take.negative = "live action, photorealistic, 3D render, extra fingers, merged faces, blurry, textured, lens dirt";
  store_.insert_take(take);
  auto report = audit(store_);
  EXPECT_EQ(report.missing_negative, 1);
  EXPECT_EQ(report.missing_style, 0);
  ASSERT_EQ(report.offending.size(), 1u);
  // "text" is not satisfied by "textured": terms match whole.
  EXPECT_EQ(report.offending[0].missing_terms, (std::vector<std::string>{"watermark", "text"}));
}

TEST_F(Audit, TakeWithoutRecordedRevisionsLackedBothBlocks) {
  auto take = compliant_take();
  take.style_revision_id.reset();
  take.negative_revision_id.reset();
  store_.insert_take(take);
  auto report = audit(store_);
  EXPECT_EQ(report.missing_style, 1);
  EXPECT_EQ(report.missing_negative, 1);
  EXPECT_EQ(report.ok, 0);
}

TEST_F(Audit, TakeUsingARevisionThatWasNoLongerCurrentIsStale) {
  auto old_take = compliant_take();  // assembled from revision 1 ...
  film_.style.text = "Hand-painted 2D animation, thick brushstrokes.";
  store_.sync(film_);
  store_.insert_take(old_take);  // ... but rendered after revision 2 became current
  auto report = audit(store_);
  EXPECT_EQ(report.missing_style, 0);
  EXPECT_EQ(report.stale_style_revision, 1);
  EXPECT_EQ(report.stale_negative_revision, 0);
  EXPECT_FALSE(report.clean());
}

TEST_F(Audit, TakeRenderedBeforeARevisionChangeIsNotStale) {
  auto take = compliant_take();
  take.created_at = store_.current_style_revision().created_at;
  film_.style.text = "Hand-painted 2D animation, thick brushstrokes.";
  store_.sync(film_);
  store_.insert_take(take);
  EXPECT_TRUE(audit(store_).clean());
}

TEST(NegativeTerms, MatchWholeTermsIgnoringCaseAndWhitespace) {
  EXPECT_TRUE(negative_contains_term("blurry,  Low   Detail ,text", "low detail"));
  EXPECT_TRUE(negative_contains_term("blurry, low detail", "  BLURRY "));
  EXPECT_FALSE(negative_contains_term("blurry, low detail", "detail"));
  EXPECT_FALSE(negative_contains_term("texture", "text"));
  EXPECT_TRUE(negative_contains_term("a, b, c", "b, c"));
}

}  // namespace
}  // namespace shotgen::db
