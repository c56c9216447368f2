#pragma once
// A review server over a rendered test workspace, on 127.0.0.1 with a port the kernel picks,
// rendering with fake backends (render/render_fixture.h), plus an httplib client for it.
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "render/render_fixture.h"
#include "render/render_runner.h"
#include "serve/server.h"

namespace shotgen::serve::testing {

namespace fs = std::filesystem;
using render::testing::FakeBackend;
using render::testing::FilmSpec;
using shotgen::testing::TempDir;

struct ServedWorkspace {
  TempDir dir;
  fs::path root;
  render::BackendRegistry registry;
  std::unique_ptr<ReviewServer> server;
  std::thread thread;

  explicit ServedWorkspace(ServeOptions options = {}, const FilmSpec& spec = {}) {
    root = render::testing::make_workspace(dir.path() / "ws", spec);
    registry.add(std::make_shared<FakeBackend>("final"));
    registry.add(std::make_shared<FakeBackend>("turbo", std::array<std::uint8_t, 3>{40, 200, 40}, true));
    render::RenderRequest all;
    all.all = true;
    render::render_shots(root, all, registry, nullptr, nullptr);
    options.workspace = root;
    options.port = 0;
    server = std::make_unique<ReviewServer>(options, registry);
    thread = std::thread([this] { server->run(); });
  }
  ~ServedWorkspace() {
    server->stop();
    thread.join();
  }

  httplib::Client client(const std::string& host = "127.0.0.1") const {
    httplib::Client c(host, server->port());
    c.set_read_timeout(20, 0);
    return c;
  }
  httplib::Headers token_header() const { return {{"X-Shotgen-Token", server->token()}}; }

  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const {
    return client().Get(path, headers);
  }
  httplib::Result post(const std::string& path, const std::string& body = "", bool with_token = true) const {
    const auto headers = with_token ? token_header() : httplib::Headers{};
    return body.empty() ? client().Post(path, headers) : client().Post(path, headers, body, "application/json");
  }
};

inline nlohmann::json json_of(const httplib::Result& result) { return nlohmann::json::parse(result->body); }

// Polls `done` every 200 ms for up to `seconds`.
inline bool eventually(const std::function<bool()>& done, double seconds = 30) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

}  // namespace shotgen::serve::testing
