// The review server end to end through httplib's client: the page, the film API, range requests,
// path traversal, tokens, malformed and oversized requests, approve/reject as in `take list`,
// re-roll through the worker, and the live event stream.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "db/migrations.h"
#include "db/project_store.h"
#include "render/job_queue.h"
#include "render/take_files.h"
#include "serve/api_error.h"
#include "serve/review_actions.h"
#include "serve_fixture.h"

namespace shotgen::serve {
namespace {

using namespace testing;
using shotgen::testing::read_text;
using shotgen::testing::run_shotgen;

std::string chosen_mp4_url(const ServedWorkspace& ws, const std::string& shot) {
  const auto film = json_of(ws.get("/api/film"));
  for (const auto& scene : film["scenes"])
    for (const auto& s : scene["shots"])
      if (s["id"] == shot) return s["chosen"]["mp4"].get<std::string>();
  return {};
}

nlohmann::json take_list(const ServedWorkspace& ws, const std::string& shot) {
  const auto result = run_shotgen({"-C", ws.root.string(), "take", "list", shot, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out);
}

TEST(Server, ServesThePageWithItsTokenAndAssets) {
  ServedWorkspace ws;
  const auto page = ws.get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find(ws.server->token()), std::string::npos);
  EXPECT_EQ(page->body.find("{{SHOTGEN_TOKEN}}"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  const auto script = ws.get("/assets/app.js");
  EXPECT_EQ(script->status, 200);
  EXPECT_NE(script->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_EQ(ws.get("/assets/app.css")->status, 200);
  const auto missing = ws.get("/assets/nothing.js");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json_of(missing)["error"]["code"], "unknown-asset");
  EXPECT_EQ(json_of(ws.get("/no/such/route"))["error"]["code"], "unknown-route");
}

TEST(Server, FilmListsScenesShotsPostersLintAndAudit) {
  ServedWorkspace ws;
  const auto film = json_of(ws.get("/api/film"));
  EXPECT_EQ(film["title"], "Test Reel");
  EXPECT_EQ(film["source"], "film.toml");
  ASSERT_EQ(film["scenes"].size(), 2u);
  EXPECT_EQ(film["scenes"][0]["shots"].size(), 2u);
  EXPECT_EQ(film["counts"]["shots"], 3);
  EXPECT_EQ(film["counts"]["rendered"], 3);
  EXPECT_EQ(film["audit"]["offending"], 0);
  const auto& shot = film["scenes"][0]["shots"][0];
  EXPECT_EQ(shot["id"], "s1_01");
  EXPECT_TRUE(shot["chosen"]["poster"].get<std::string>().starts_with("/files/renders/s1_01/take_1_"));
  // The look the film's take was measured with (render/look_match.h): the style block names a style.
  EXPECT_GE(shot["chosen"]["look"]["asked"].get<int>(), 1);
  EXPECT_EQ(ws.get(shot["chosen"]["poster"].get<std::string>())->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(film["backends"], nlohmann::json::array({"final", "turbo"}));
}

TEST(Server, ShotDetailTellsPromptSectionsApart) {
  ServedWorkspace ws;
  const auto shot = json_of(ws.get("/api/shots/s1_01"));
  std::set<std::string> names;
  for (const auto& section : shot["prompt"]["sections"]) names.insert(section["name"].get<std::string>());
  EXPECT_TRUE(names.count("style"));
  EXPECT_TRUE(names.count("action"));
  EXPECT_TRUE(names.count("negative:format"));
  EXPECT_TRUE(names.count("negative:quality"));
  EXPECT_EQ(shot["prompt"]["sections"][0]["name"], "style");  // the style block first
  ASSERT_EQ(shot["takes"].size(), 1u);
  EXPECT_TRUE(shot["takes"][0]["prompt_current"].get<bool>());
  EXPECT_TRUE(shot["takes"][0]["seed"].is_string());
  EXPECT_EQ(shot["reroll_takes"], 2);
}

TEST(Server, AnswersRangeRequestsWithPartialContent) {
  ServedWorkspace ws;
  const std::string url = chosen_mp4_url(ws, "s1_01");
  const std::string bytes = read_text(ws.root / url.substr(std::string("/files/").size()));
  ASSERT_GT(bytes.size(), 200u);
  const auto whole = ws.get(url);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->get_header_value("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole->body, bytes);

  const auto head = ws.get(url, {{"Range", "bytes=0-99"}});
  EXPECT_EQ(head->status, 206);
  EXPECT_EQ(head->get_header_value("Content-Range"), "bytes 0-99/" + std::to_string(bytes.size()));
  EXPECT_EQ(head->body, bytes.substr(0, 100));

  const auto tail = ws.get(url, {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, bytes.substr(bytes.size() - 10));

  // A range running past the end is cut at the end (RFC 9110), not announced at its asked length.
  const auto past = ws.get(url, {{"Range", "bytes=100-99999999"}});
  EXPECT_EQ(past->status, 206);
  EXPECT_EQ(past->body, bytes.substr(100));
  EXPECT_EQ(past->get_header_value("Content-Length"), std::to_string(bytes.size() - 100));

  const auto beyond = ws.get(url, {{"Range", "bytes=" + std::to_string(bytes.size()) + "-"}});
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(beyond->get_header_value("Content-Range"), "bytes */" + std::to_string(bytes.size()));
  EXPECT_EQ(json_of(beyond)["error"]["code"], "bad-range");
}

TEST(Server, RefusesPathTraversalAndFilesOutsideTheMediaFolders) {
  ServedWorkspace ws;
  for (const char* path : {"/files/../film.toml", "/files/renders/../../film.toml", "/files/renders/..%2F..%2Ffilm.toml",
                           "/files/renders/%2e%2e/film.toml", "/files/%2Fetc%2Fpasswd", "/files/"}) {
    const auto result = ws.get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 400) << path;
    EXPECT_EQ(json_of(result)["error"]["code"], "bad-path") << path;
  }
  EXPECT_EQ(ws.get("/files/film.toml")->status, 403);
  EXPECT_EQ(ws.get("/files/shotgen.db")->status, 403);
  fs::create_symlink("/etc", ws.root / "renders" / "etc");
  EXPECT_EQ(ws.get("/files/renders/etc/passwd")->status, 403);
  EXPECT_EQ(ws.get("/files/renders/s1_01/take_9_missing.mp4")->status, 404);
}

TEST(Server, ChangesNeedTheTokenHeaderAndALoopbackHost) {
  ServedWorkspace ws;
  const auto without = ws.post("/api/shots/s1_01/takes/1/approve", "", /*with_token=*/false);
  EXPECT_EQ(without->status, 401);
  EXPECT_EQ(json_of(without)["error"]["code"], "missing-token");
  const httplib::Headers wrong_token = {{"X-Shotgen-Token", "x" + ws.server->token()}};
  const auto wrong = ws.client().Post("/api/shots/s1_01/takes/1/approve", wrong_token);
  EXPECT_EQ(wrong->status, 401);
  const auto query = ws.client().Post("/api/shots/s1_01/takes/1/approve?token=" + ws.server->token());
  EXPECT_EQ(query->status, 401);
  EXPECT_FALSE(take_list(ws, "s1_01")[0]["approved"].get<bool>());  // nothing changed
  EXPECT_EQ(ws.get("/api/film", {{"Host", "attacker.example:" + std::to_string(ws.server->port())}})->status, 403);
  EXPECT_EQ(ws.client().Put("/api/film", "{}", "application/json")->status, 405);
}

TEST(Server, ApproveAndRejectShowInTakeList) {
  ServedWorkspace ws;
  const auto approved = ws.post("/api/shots/s1_01/takes/1/approve");
  ASSERT_EQ(approved->status, 200) << approved->body;
  EXPECT_EQ(json_of(approved)["cli"], "shotgen take approve s1_01 1");
  const auto listed = take_list(ws, "s1_01");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0]["approved"].get<bool>());
  EXPECT_TRUE(listed[0]["chosen"].get<bool>());

  const auto rejected = ws.post("/api/shots/s1_02/takes/1/reject");
  ASSERT_EQ(rejected->status, 200) << rejected->body;
  EXPECT_EQ(json_of(rejected)["cli"], "shotgen take reject s1_02 1");
  const auto after = take_list(ws, "s1_02");
  EXPECT_EQ(after[0]["status"], "rejected");
  EXPECT_FALSE(after[0]["chosen"].get<bool>());
  // The film no longer uses it; approving a rejected take is refused like in the CLI.
  const auto film = ws.get("/api/film");
  EXPECT_EQ(json_of(film)["counts"]["rendered"], 2) << film->body;
  const auto approve_rejected = ws.post("/api/shots/s1_02/takes/1/approve");
  EXPECT_EQ(approve_rejected->status, 404) << approve_rejected->body;
}

TEST(Server, MalformedJsonUnknownIdsAndBadValuesGet4xxWithAMessage) {
  ServedWorkspace ws;
  struct Case {
    std::string path, body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"/api/shots/s1_01/reroute", "{not json", 400, "malformed-json"},
      {"/api/shots/s1_01/reroute", "[1, 2]", 400, "malformed-json"},
      {"/api/shots/s1_01/reroute", "{\"backend\": 3}", 400, "bad-request"},
      {"/api/shots/s1_01/reroute", "{\"backend\": \"nope\"}", 400, "unknown-backend"},
      {"/api/shots/s1_01/reroute", "{\"backend\": \"turbo\", \"extra\": 1}", 400, "bad-request"},
      {"/api/render", "{\"takes\": 0}", 400, "bad-request"},
      {"/api/render", "{\"takes\": 1e400}", 400, "malformed-json"},
      {"/api/render", "{\"mode\": \"fast\"}", 400, "bad-request"},
      {"/api/render", "{\"shots\": \"s1_01\"}", 400, "bad-request"},
      {"/api/shots/nope/reroll", "", 404, "unknown-shot"},
      {"/api/shots/s1_01/takes/7/approve", "", 404, "unknown-take"},
      {"/api/shots/s1_01/takes/abc/approve", "", 404, "unknown-take"},
      {"/api/shots/s1_01/takes/99999999999999999999/reject", "", 404, "unknown-take"},
      {"/api/jobs/ffffffffffff/cancel", "", 404, "unknown-job"},
  };
  for (const auto& c : cases) {
    const auto result = ws.post(c.path, c.body);
    ASSERT_TRUE(result) << c.path;
    EXPECT_EQ(result->status, c.status) << c.path << " " << c.body << ": " << result->body;
    const auto body = json_of(result);
    EXPECT_EQ(body["error"]["code"], c.code) << c.path << " " << c.body;
    EXPECT_EQ(body["error"]["kind"], c.status == 404 ? "not_found" : "general") << c.path << " " << c.body;
    EXPECT_FALSE(body["message"].get<std::string>().empty());
  }
  EXPECT_EQ(ws.get("/api/shots/nope")->status, 404);
  EXPECT_EQ(ws.get("/api/film")->status, 200);  // still serving
}

TEST(Server, OversizedBodiesGet413) {
  ServeOptions options;
  options.max_body_bytes = 1024;
  ServedWorkspace ws(options);
  const std::string big = "{\"shots\": [\"" + std::string(4096, 'x') + "\"]}";
  const auto sized = ws.post("/api/render", big);
  ASSERT_TRUE(sized);
  EXPECT_EQ(sized->status, 413);
  EXPECT_EQ(json_of(sized)["error"]["code"], "body-too-large");
  EXPECT_EQ(json_of(sized)["error"]["kind"], "too_large");
  // Without a Content-Length (chunked), the server stops reading at the limit.
  const auto chunked = ws.client().Post(
      "/api/render", ws.token_header(),
      [&](std::size_t offset, httplib::DataSink& sink) {
        if (offset < 64 * 1024) {
          const std::string piece(1024, ' ');
          return sink.write(piece.data(), piece.size());
        }
        sink.done();
        return true;
      },
      "application/json");
  if (chunked) {  // the server may also just close the connection
    EXPECT_EQ(chunked->status, 413);
  }
  EXPECT_EQ(ws.get("/api/film")->status, 200);
}

TEST(Server, RerollEnqueuesTheNextTakeAndTheWorkerRendersIt) {
  ServedWorkspace ws;
  const auto answer = ws.post("/api/shots/s1_01/reroll");
  ASSERT_EQ(answer->status, 200) << answer->body;
  const auto body = json_of(answer);
  EXPECT_EQ(body["cli"], "shotgen render s1_01 --takes 2");
  ASSERT_EQ(body["jobs"].size(), 1u);
  EXPECT_EQ(body["already_done"], 1);
  const std::string job = body["jobs"][0];
  ASSERT_TRUE(eventually([&] { return take_list(ws, "s1_01").size() == 2; })) << json_of(ws.get("/api/queue")).dump();
  const auto takes = take_list(ws, "s1_01");
  EXPECT_EQ(takes[1]["take"], 2);
  EXPECT_NE(takes[1]["seed"], takes[0]["seed"]);
  // The same request from the CLI side plans exactly these jobs and finds them done.
  render::RenderRequest same;
  same.shots = {"s1_01"};
  same.takes = 2;
  const auto again = render::enqueue_render(ws.root, same, ws.registry);
  EXPECT_TRUE(again.job_ids.empty());
  EXPECT_EQ(again.already_done, 2);
  auto db = db::open_project_database(ws.root / "shotgen.db");
  EXPECT_EQ(render::JobQueue(db).find(job)->state, render::JobState::Done);
}

TEST(Server, RerouteRendersTheShotOnTheOtherBackend) {
  ServedWorkspace ws;
  const auto answer = ws.post("/api/shots/s2_01/reroute", "{\"backend\": \"turbo\"}");
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_EQ(json_of(answer)["cli"], "shotgen render s2_01 --backend turbo");
  ASSERT_TRUE(eventually([&] {
    for (const auto& take : take_list(ws, "s2_01"))
      if (take["backend"] == "turbo") return true;
    return false;
  }));
}

TEST(Server, WorkerWaitsWhileAnotherRenderHoldsTheWorkspace) {
  ServedWorkspace ws;
  auto lock = std::make_unique<render::RenderLock>(ws.root);  // as a `shotgen render` elsewhere would
  ASSERT_EQ(ws.post("/api/shots/s1_02/reroll")->status, 200);
  ASSERT_TRUE(eventually([&] { return json_of(ws.get("/api/queue"))["worker"]["state"] == "waiting"; }));
  EXPECT_EQ(json_of(ws.get("/api/queue"))["counts"]["queued"], 1);  // the job waits in the queue
  lock.reset();
  ASSERT_TRUE(eventually([&] { return take_list(ws, "s1_02").size() == 2; }));
}

TEST(Server, EventStreamStartsWithTheQueueAndFollowsChanges) {
  ServedWorkspace ws;
  std::mutex mutex;
  std::string received;
  const auto seen = [&](const char* text) {
    std::lock_guard lock(mutex);
    return received.find(text) != std::string::npos;
  };
  std::thread reader([&] {
    ws.client().Get("/api/events", [&](const char* data, std::size_t length) {
      {
        std::lock_guard lock(mutex);
        received.append(data, length);
      }
      return !seen("event: worker");  // stop reading once the worker reported
    });
  });
  const bool greeted = eventually([&] { return seen("event: queue"); }, 10);
  const auto reroll = ws.post("/api/shots/s1_01/reroll");
  reader.join();
  ASSERT_TRUE(greeted);
  EXPECT_EQ(reroll->status, 200);
  EXPECT_TRUE(seen("event: worker"));
  EXPECT_TRUE(seen("data: {"));
}

TEST(Server, OtherBindsNeedTheTokenOnEveryRequest) {
  ServeOptions options;
  options.bind = "127.0.0.2";  // not a loopback name: the token is required
  options.token = "e2e-token-0123456789";
  std::unique_ptr<ServedWorkspace> ws;
  try {
    ws = std::make_unique<ServedWorkspace>(options);
  } catch (const Error& e) {
    GTEST_SKIP() << "cannot bind 127.0.0.2 here: " << e.what();
  }
  EXPECT_TRUE(ws->server->token_required());
  EXPECT_NE(ws->server->url().find("?token=e2e-token-0123456789"), std::string::npos);
  auto client = ws->client("127.0.0.2");
  EXPECT_EQ(client.Get("/api/film")->status, 401);
  EXPECT_EQ(client.Get("/")->status, 401);
  EXPECT_EQ(client.Get("/api/film?token=e2e-token-0123456789")->status, 200);
  EXPECT_EQ(client.Get("/api/film", ws->token_header())->status, 200);
  EXPECT_EQ(client.Post("/api/shots/s1_01/takes/1/approve?token=e2e-token-0123456789")->status, 401);
  EXPECT_EQ(client.Post("/api/shots/s1_01/takes/1/approve", ws->token_header())->status, 200);
}

TEST(Server, RefusesABadAddressAndAPortInUse) {
  ServedWorkspace ws;
  ServeOptions options;
  options.workspace = ws.root;
  options.bind = "not-an-address";
  EXPECT_THROW(ReviewServer(options, ws.registry), Error);
  options.bind = "127.0.0.1";
  options.port = ws.server->port();
  try {
    ReviewServer second(options, ws.registry);
    FAIL() << "bound a port in use";
  } catch (const Error& e) {
    EXPECT_EQ(e.problem().code, "address-in-use");
  }
}

// What the page changes and what the CLI changes end in the same database state.
TEST(ServeCli, PageAndCliApproveAndRejectAlike) {
  ServedWorkspace page, cli;
  ASSERT_EQ(page.post("/api/shots/s1_01/takes/1/approve")->status, 200);
  ASSERT_EQ(page.post("/api/shots/s1_02/takes/1/reject")->status, 200);
  ASSERT_EQ(run_shotgen({"-C", cli.root.string(), "take", "approve", "s1_01", "1"}).exit_code, 0);
  const auto rejected = run_shotgen({"-C", cli.root.string(), "take", "reject", "s1_02", "1"});
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  EXPECT_NE(rejected.out.find("rejected take 1 of s1_02"), std::string::npos);
  const auto state = [](const nlohmann::json& takes) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : takes)
      out.push_back({t["take"], t["status"], t["approved"], t["chosen"], t["backend"], t["seed"], t["mp4"],
                     t["reroute_reason"], t.at("look")});
    return out;
  };
  for (const char* shot : {"s1_01", "s1_02", "s2_01"})
    EXPECT_EQ(state(take_list(page, shot)), state(take_list(cli, shot))) << shot;
}

TEST(ServeCli, BadAddressPortInUseAndNoWorkspaceAreOneLineErrors) {
  ServedWorkspace ws;
  const auto bad_bind = run_shotgen({"-C", ws.root.string(), "serve", "--bind", "not-an-address"});
  EXPECT_EQ(bad_bind.exit_code, 2);
  EXPECT_EQ(bad_bind.err.rfind("error: --bind: 'not-an-address' is not an IP address", 0), 0u) << bad_bind.err;
  const auto in_use =
      run_shotgen({"-C", ws.root.string(), "serve", "--port", std::to_string(ws.server->port())});
  EXPECT_EQ(in_use.exit_code, 2);
  EXPECT_NE(in_use.err.find("--port"), std::string::npos) << in_use.err;
  EXPECT_NE(in_use.err.find("--port 0"), std::string::npos) << in_use.err;
  const auto no_workspace = run_shotgen({"-C", (ws.dir.path() / "nowhere").string(), "serve", "--port", "0"});
  EXPECT_EQ(no_workspace.exit_code, 2);
  for (const auto* result : {&bad_bind, &in_use, &no_workspace})
    EXPECT_EQ(std::count(result->err.begin(), result->err.end(), '\n'), 1) << result->err;
}

}  // namespace
}  // namespace shotgen::serve
