#include <gtest/gtest.h>

#include "core/error.h"
#include "film/film_loader.h"
#include "render/router.h"
#include "render_fixture.h"

namespace shotgen::render {
namespace {

using namespace testing;

film::Film film_with(const std::string& extra, std::vector<ShotSpec> shots = {{"a1", "a"}, {"b1", "b"}}) {
  FilmSpec spec;
  spec.extra_toml = extra;
  spec.shots = std::move(shots);
  return film::load_film_string(film_toml(spec), "film.toml");
}

std::vector<prompt::BackendCaps> known() { return prompt::default_caps(); }

TEST(Router, FallbackWhenNoRuleMatches) {
  const auto film = film_with("");
  const auto route = route_shot(film, *film.find_shot("a1"), RenderMode::Final, std::nullopt, known());
  EXPECT_EQ(route.backends, (std::vector<std::string>{"final", "turbo"}));
  EXPECT_EQ(route.decided_by, "fallback");
}

TEST(Router, DraftModePutsDistilledBackendsFirstInTheFallback) {
  const auto film = film_with("");
  const auto route = route_shot(film, *film.find_shot("a1"), RenderMode::Draft, std::nullopt, known());
  EXPECT_EQ(route.backends, (std::vector<std::string>{"turbo", "final"}));
}

TEST(Router, FirstMatchingRuleWins) {
  const auto film = film_with(
      "[[routing.rules]]\nscene = \"b\"\nbackends = [\"turbo\"]\n\n"
      "[[routing.rules]]\ntag = \"hero\"\nbackends = [\"final\"]\n\n"
      "[[routing.rules]]\nmode = \"draft\"\nbackends = [\"turbo\", \"final\"]\n",
      {{"a1", "a", 0.5, {}, {"hero"}}, {"a2", "a"}, {"b1", "b", 0.5, {}, {"hero"}}});
  EXPECT_EQ(route_shot(film, *film.find_shot("b1"), RenderMode::Final, std::nullopt, known()).backends,
            (std::vector<std::string>{"turbo"}));  // the scene rule comes first
  const auto hero = route_shot(film, *film.find_shot("a1"), RenderMode::Draft, std::nullopt, known());
  EXPECT_EQ(hero.backends, (std::vector<std::string>{"final"}));
  EXPECT_NE(hero.decided_by.find("film.toml:"), std::string::npos) << hero.decided_by;
  EXPECT_EQ(route_shot(film, *film.find_shot("a2"), RenderMode::Draft, std::nullopt, known()).backends,
            (std::vector<std::string>{"turbo", "final"}));
  EXPECT_EQ(route_shot(film, *film.find_shot("a2"), RenderMode::Final, std::nullopt, known()).decided_by, "fallback");
}

TEST(Router, ShotIdRule) {
  const auto film = film_with("[[routing.rules]]\nshot = \"a1\"\nbackends = [\"turbo\", \"final\"]\n");
  EXPECT_EQ(route_shot(film, *film.find_shot("a1"), RenderMode::Final, std::nullopt, known()).backends,
            (std::vector<std::string>{"turbo", "final"}));
  EXPECT_EQ(route_shot(film, *film.find_shot("b1"), RenderMode::Final, std::nullopt, known()).backends.front(),
            "final");
}

TEST(Router, RouteHintGoesFirstAndKeepsTheRestAsFallbacks) {
  ShotSpec hinted{"a1", "a"};
  hinted.route = "turbo";
  const auto film = film_with("", {hinted});
  const auto route = route_shot(film, *film.find_shot("a1"), RenderMode::Final, std::nullopt, known());
  EXPECT_EQ(route.backends, (std::vector<std::string>{"turbo", "final"}));
  EXPECT_EQ(route.decided_by, "route hint");
}

TEST(Router, BackendOptionOverridesEverything) {
  ShotSpec hinted{"a1", "a"};
  hinted.route = "turbo";
  const auto film = film_with("", {hinted});
  const auto route = route_shot(film, *film.find_shot("a1"), RenderMode::Draft, std::string("final"), known());
  EXPECT_EQ(route.backends, (std::vector<std::string>{"final"}));
  EXPECT_THROW(route_shot(film, *film.find_shot("a1"), RenderMode::Final, std::string("fast"), known()), Error);
}

TEST(Router, UnknownBackendInARuleNamesItsLine) {
  const auto film = film_with("[[routing.rules]]\ntag = \"x\"\nbackends = [\"turob\"]\n");
  try {
    validate_routing(film, known());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.problem().what.find("turob"), std::string::npos);
    EXPECT_NE(e.problem().where.find("film.toml:"), std::string::npos) << e.problem().where;
    EXPECT_NE(e.problem().fix.find("final"), std::string::npos);
  }
}

TEST(Router, RenderModeNames) {
  EXPECT_EQ(render_mode_from_name("draft"), RenderMode::Draft);
  EXPECT_EQ(render_mode_name(RenderMode::Final), "final");
  EXPECT_THROW(render_mode_from_name("preview"), Error);
}

TEST(RouteLint, WarnsWhenAShotWithNegativesCanReachABackendWithoutNegatives) {
  auto caps = known();
  prompt::BackendCaps blind;
  blind.name = "blind";
  blind.accepts_negative = false;
  blind.guidance_style = "none";
  caps.push_back(blind);
  const auto film = film_with("[[routing.rules]]\nscene = \"b\"\nbackends = [\"final\", \"blind\"]\n");
  prompt::LintReport report;
  lint_routing(film, caps, report);
  ASSERT_EQ(report.findings().size(), 1u);
  const auto& finding = report.findings().front();
  EXPECT_EQ(finding.code, "route-drops-negative");
  EXPECT_EQ(finding.severity, prompt::Severity::Warning);
  EXPECT_EQ(finding.where, "shot b1");
  EXPECT_EQ(report.exit_code(), 1);

  prompt::LintReport clean;
  lint_routing(film_with(""), caps, clean);
  EXPECT_TRUE(clean.findings().empty());
}

TEST(RouteLint, UnknownBackendIsAnError) {
  prompt::LintReport report;
  lint_routing(film_with("[[routing.rules]]\ntag = \"x\"\nbackends = [\"nope\"]\n"), known(), report);
  ASSERT_EQ(report.findings().size(), 1u);
  EXPECT_EQ(report.findings().front().code, "unknown-backend");
  EXPECT_EQ(report.exit_code(), 2);
}

}  // namespace
}  // namespace shotgen::render
