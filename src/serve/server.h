#pragma once
// The review room's HTTP server over one workspace: the page, the JSON API, live events and the
// workspace's media files. The routes (all answers JSON unless said otherwise):
//   GET  /                                   the page (index.html, with the token)
//   GET  /assets/<name>                      its CSS and JavaScript
//   GET  /api/film                           scenes × shots grid, lint, audit, outputs (FilmView::film)
//   GET  /api/shots/<id>                     one shot: prompt sections, takes, lint, jobs
//   GET  /api/queue                          the render queue and the worker's state
//   GET  /api/events                         server-sent events: "queue", "progress", "worker"
//   GET  /files/<path>                       a file under renders/ or references/ (Range requests)
//   POST /api/shots/<id>/takes/<n>/approve   ReviewActions: the CLI's changes
//   POST /api/shots/<id>/takes/<n>/reject
//   POST /api/shots/<id>/reroll
//   POST /api/shots/<id>/reroute  {backend}
//   POST /api/render  {shots,scene,all,...}
//   POST /api/jobs/<id>/cancel
//   POST /api/assemble
// Access rules: serve/access.h. Refusals and failures are 4xx/5xx with problem_json() bodies;
// bodies over ServeOptions::max_body_bytes get 413. The server never runs a shell.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "prompt/lint.h"
#include "render/backend.h"

namespace shotgen::serve {

inline constexpr int kDefaultPort = 8642;

struct ServeOptions {
  std::filesystem::path workspace;
  std::string bind = "127.0.0.1";
  int port = kDefaultPort;                   // 0: any free port
  std::optional<std::string> token;          // else generated
  std::size_t max_body_bytes = 64 * 1024;    // request bodies are small JSON objects
  int threads = 16;                          // requests served at once (each live view holds one)
  int max_event_streams = 8;                 // open /api/events streams; more get 503
  prompt::LintOptions lint;                  // the badges' lint (vocabulary of the model in use)
};

class ReviewServer {
 public:
  // Opens (and migrates) the workspace's database and binds the port. Throws shotgen::Error:
  // no workspace, an address that is not an IP address or localhost, a port in use.
  // `registry` renders the page's requests and must outlive the server.
  ReviewServer(ServeOptions options, render::BackendRegistry& registry);
  // Stops serving, then cancels a running render (its batch ends cancelled, as on Ctrl-C).
  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  int port() const;
  const std::string& token() const;
  bool token_required() const;  // for every request (not bound to loopback)
  // "http://127.0.0.1:8642/", with "?token=..." where every request needs it.
  std::string url() const;

  // Serves until stop(); call from one thread.
  void run();
  // From any thread: ends open event streams and makes run() return.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shotgen::serve
