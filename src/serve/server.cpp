#include "serve/server.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <fstream>
#include <thread>
#include <type_traits>

// cpp-httplib listens with a backlog of 5: 50 clients connecting at once had their SYNs dropped and
// retried after 1 and 3 seconds (bench/serve_bench.mjs: rounds of 2–4 s). Only this file includes it.
#define CPPHTTPLIB_LISTEN_BACKLOG 128
#include <httplib.h>

#include "db/migrations.h"
#include "film/film.h"
#include "film/workspace.h"
#include "serve/access.h"
#include "serve/api_error.h"
#include "serve/byte_ranges.h"
#include "serve/database_watcher.h"
#include "serve/events.h"
#include "serve/film_view.h"
#include "serve/render_worker.h"
#include "serve/request_body.h"
#include "serve/review_actions.h"
#include "serve/static_assets.h"
#include "serve/workspace_files.h"

namespace fs = std::filesystem;
using httplib::Request;
using httplib::Response;

namespace shotgen::serve {
namespace {

constexpr auto kWatchInterval = std::chrono::milliseconds(250);
constexpr auto kStreamKeepAlive = std::chrono::seconds(15);
constexpr std::size_t kFileChunk = 64 * 1024;
constexpr std::string_view kPagePolicy =
    "default-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

bool is_ip_address(const std::string& text) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// httplib 0.11 hands handlers a const Request but applies req.ranges to whatever body the answer
// has, without checking them against its length: an error body would be cut, and a range past
// the end of a file would announce a wrong Content-Length. The Request object itself is not const
// (httplib's own local), so the handlers that know the length set the ranges right here.
httplib::Ranges& ranges_of(const Request& req) { return const_cast<Request&>(req).ranges; }
static_assert(std::is_same_v<httplib::Ranges, ByteRanges>, "fit_ranges takes the library's ranges as they are");

void send_json(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_problem(const Request& req, Response& res, int status, const Problem& problem) {
  ranges_of(req).clear();
  send_json(res, status, problem_json(problem));
}

// Runs `answer`, turning every failure into a JSON problem: never a crash, never an HTML page.
template <class F>
void guarded(const Request& req, Response& res, F&& answer) {
  try {
    answer();
  } catch (const ApiError& e) {
    send_problem(req, res, e.status(), e.problem());
  } catch (const Error& e) {
    send_problem(req, res, status_for(e.problem()), e.problem());
  } catch (const std::exception& e) {
    send_problem(req, res, 500,
                 Problem{e.what(), req.path, "see the terminal running `shotgen serve`", ErrorKind::General, "internal"});
  }
}

// The 1-based take number in a URL: a whole number from 1 to kMaxTakes, else 404.
int take_in_url(const std::string& text, const std::string& shot) {
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || number < 1 || number > film::kMaxTakes)
    throw ApiError(404, "no take '" + text + "'", "/api/shots/" + shot + "/takes/" + text,
                   "take numbers run from 1 as `shotgen take list` shows them", "unknown-take");
  return number;
}

}  // namespace

struct ReviewServer::Impl {
  Impl(ServeOptions opts, render::BackendRegistry& backends)
      : options(std::move(opts)),
        root(fs::canonical(film::Workspace::open(options.workspace).root())),
        registry(backends),
        token(options.token.value_or(generate_token())),
        worker(root, registry, events),
        view(root, registry.caps(), options.lint),
        actions(root, registry, worker) {}

  void bind();
  void add_routes();
  void serve_file(const Request& req, Response& res, const std::string& relative);
  void serve_events(Response& res);
  // One step of an event stream: the greeting with the queue state, then what was published.
  bool stream_events(httplib::DataSink& sink, std::uint64_t& last, bool& greeted);
  template <class Action>
  void add_post(const std::string& pattern, Action action);
  nlohmann::json queue_snapshot() const {
    auto snapshot = view.queue();
    snapshot["worker"] = worker.status();
    return snapshot;
  }

  ServeOptions options;
  fs::path root;
  render::BackendRegistry& registry;
  std::string token;
  AccessPolicy policy;
  int port = 0;
  EventHub events;
  RenderWorker worker;
  FilmView view;
  ReviewActions actions;
  std::atomic<int> open_streams{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> running{false};
  httplib::Server http;
  std::unique_ptr<DatabaseWatcher> watcher;
};

void ReviewServer::Impl::bind() {
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server could bind
  // a port already in use and share its connections instead of being refused.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const std::string& address = options.bind;
  if (address != "localhost" && !is_ip_address(address))
    throw Error("'" + address + "' is not an IP address", "--bind",
                "give an address of this machine: 127.0.0.1 (the default), ::1, or 0.0.0.0 for every interface",
                "invalid-address");
  if (options.port < 0 || options.port > 65535)
    throw Error(Problem{"port " + std::to_string(options.port) + " is out of range", "--port",
                        "give a port from 1 to 65535, or 0 for any free port", ErrorKind::OutOfRange, "out-of-range"});
  port = options.port == 0 ? http.bind_to_any_port(address) : (http.bind_to_port(address, options.port) ? options.port : -1);
  if (port <= 0)
    throw Error("cannot listen on " + address + " port " + std::to_string(options.port) +
                    " (in use, or not an address of this machine)",
                "--port", "choose another port with --port N, or --port 0 for any free one", "address-in-use");
  policy = access_policy(address, port, token);
}

template <class Action>
void ReviewServer::Impl::add_post(const std::string& pattern, Action action) {
  // Requests with a body come through the content reader, which stops at max_body_bytes (httplib
  // would buffer a chunked body of any size); requests without one come as plain POSTs.
  http.Post(pattern, [this, action](const Request& req, Response& res, const httplib::ContentReader& reader) {
    guarded(req, res, [&] {
      std::string body;
      bool too_large = false;
      const bool read = reader([&](const char* data, std::size_t length) {
        too_large = body.size() + length > options.max_body_bytes;
        if (!too_large) body.append(data, length);
        return !too_large;
      });
      if (too_large || res.status == 413)
        throw ApiError(413, "the request body is larger than " + std::to_string(options.max_body_bytes) + " bytes",
                       "request body", "send a small JSON object", "body-too-large");
      if (!read) throw ApiError(400, "the request body could not be read", "request body", "send it again", "bad-request");
      send_json(res, 200, action(req, parse_body(body)));
    });
  });
  http.Post(pattern, [this, action](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, 200, action(req, nlohmann::json::object())); });
  });
}

void ReviewServer::Impl::serve_file(const Request& req, Response& res, const std::string& relative) {
  const ServedFile file = resolve_served_file(root, relative);
  auto stream = std::make_shared<std::ifstream>(file.path, std::ios::binary);
  if (!*stream) throw ApiError(404, "cannot open the file", "/files/" + relative, "", "unknown-file");
  res.set_header("Accept-Ranges", "bytes");
  res.set_header("Cache-Control", "no-cache");
  auto& ranges = ranges_of(req);
  if (!ranges.empty() && !fit_ranges(ranges, file.size)) {
    res.set_header("Content-Range", "bytes */" + std::to_string(file.size));
    throw ApiError(416, "the requested range lies outside the file (" + std::to_string(file.size) + " bytes)",
                   "Range header", "ask for bytes below the file's size", "bad-range");
  }
  res.set_content_provider(file.size, file.content_type,
                           [stream](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             std::string chunk(std::min(length, kFileChunk), '\0');
                             stream->clear();
                             stream->seekg(static_cast<std::streamoff>(offset));
                             stream->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                             const auto got = static_cast<std::size_t>(stream->gcount());
                             return got > 0 && sink.write(chunk.data(), got);
                           });
}

void ReviewServer::Impl::serve_events(Response& res) {
  if (open_streams.fetch_add(1) >= options.max_event_streams) {
    open_streams.fetch_sub(1);
    throw ApiError(503, "too many live views are open (" + std::to_string(options.max_event_streams) + ")",
                   "/api/events", "close other tabs of this page", "too-many-streams");
  }
  res.set_header("Cache-Control", "no-store");
  // The stream starts with the whole queue state; then it sends what is published after that.
  auto last = std::make_shared<std::uint64_t>(events.last_id());
  auto greeted = std::make_shared<bool>(false);
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, last, greeted](std::size_t, httplib::DataSink& sink) {
        // Runs while httplib writes the answer, outside any handler's try: nothing may escape.
        try {
          return stream_events(sink, *last, *greeted);
        } catch (const std::exception&) {
          return false;  // ends this stream; the page's EventSource reconnects
        }
      },
      [this](bool) { open_streams.fetch_sub(1); });
}

bool ReviewServer::Impl::stream_events(httplib::DataSink& sink, std::uint64_t& last, bool& greeted) {
  if (!greeted) {
    greeted = true;
    const std::string hello = "retry: 2000\n\n" + format_server_event({last, "queue", queue_snapshot().dump()});
    return sink.write(hello.data(), hello.size());
  }
  const auto pending = events.wait_after(last, kStreamKeepAlive);
  if (events.closed()) {
    sink.done();
    return true;
  }
  if (pending.empty()) {
    static constexpr std::string_view kComment = ": still here\n\n";
    return sink.write(kComment.data(), kComment.size());
  }
  std::string text;
  for (const auto& event : pending) text += format_server_event(event);
  last = pending.back().id;
  return sink.write(text.data(), text.size());
}

void ReviewServer::Impl::add_routes() {
  http.Get("/", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      res.set_header("Content-Security-Policy", std::string(kPagePolicy));
      res.set_content(index_page(token), "text/html; charset=utf-8");
    });
  });
  http.Get(R"(/assets/([A-Za-z0-9_.-]+))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] {
      const auto asset = req.matches[1].str() == "index.html" ? std::nullopt : find_static_asset(req.matches[1].str());
      if (!asset) throw ApiError(404, "no such asset", req.path, "", "unknown-asset");
      res.set_content(std::string(asset->text), asset->content_type);
    });
  });
  http.Get("/api/film", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, 200, view.film()); });
  });
  http.Get(R"(/api/shots/([^/]+))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, 200, view.shot(req.matches[1].str())); });
  });
  http.Get("/api/queue", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, 200, queue_snapshot()); });
  });
  http.Get("/api/outputs", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { send_json(res, 200, view.outputs()); });
  });
  http.Get("/api/events", [this](const Request& req, Response& res) { guarded(req, res, [&] { serve_events(res); }); });
  http.Get(R"(/files/(.*))", [this](const Request& req, Response& res) {
    guarded(req, res, [&] { serve_file(req, res, req.matches[1].str()); });
  });

  add_post(R"(/api/shots/([^/]+)/takes/([^/]+)/approve)", [this](const Request& req, const nlohmann::json&) {
    const std::string shot = req.matches[1].str();
    return actions.approve(shot, take_in_url(req.matches[2].str(), shot));
  });
  add_post(R"(/api/shots/([^/]+)/takes/([^/]+)/reject)", [this](const Request& req, const nlohmann::json&) {
    const std::string shot = req.matches[1].str();
    return actions.reject(shot, take_in_url(req.matches[2].str(), shot));
  });
  add_post(R"(/api/shots/([^/]+)/reroll)",
           [this](const Request& req, const nlohmann::json&) { return actions.reroll(req.matches[1].str()); });
  add_post(R"(/api/shots/([^/]+)/reroute)", [this](const Request& req, const nlohmann::json& body) {
    return actions.reroute(req.matches[1].str(), body);
  });
  add_post("/api/render", [this](const Request&, const nlohmann::json& body) { return actions.render(body); });
  add_post(R"(/api/jobs/([^/]+)/cancel)",
           [this](const Request& req, const nlohmann::json&) { return actions.cancel(req.matches[1].str()); });
  add_post("/api/assemble", [this](const Request&, const nlohmann::json&) { return actions.assemble(); });
}

ReviewServer::ReviewServer(ServeOptions options, render::BackendRegistry& registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {
  Impl& s = *impl_;
  db::open_project_database(film::Workspace::open(s.root).database());  // created or migrated now, once
  const int threads = std::max(2, s.options.threads);
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  s.http.set_payload_max_length(s.options.max_body_bytes);
  // One request per connection: cpp-httplib serves a connection on one pool thread until it closes,
  // so an idle keep-alive connection (a browser keeps six) held a thread for the keep-alive timeout
  // and 50 concurrent clients queued behind them in 3-second steps (bench/serve_bench.mjs: p50 3.1 s).
  // On loopback a new connection costs far less than that wait.
  s.http.set_keep_alive_max_count(1);
  s.http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"},
                              {"X-Frame-Options", "DENY"},
                              {"Cache-Control", "no-store"}});
  s.http.set_pre_routing_handler([&s](const Request& req, Response& res) {
    AccessRequest request{req.method, req.get_header_value("Host"), std::nullopt, std::nullopt};
    if (req.has_header(std::string(kTokenHeader).c_str()))
      request.header_token = req.get_header_value(std::string(kTokenHeader).c_str());
    if (req.has_param(std::string(kTokenParameter).c_str()))
      request.query_token = req.get_param_value(std::string(kTokenParameter).c_str());
    if (auto refusal = check_access(s.policy, request)) {
      send_problem(req, res, refusal->status(), refusal->problem());
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Answers httplib gives itself (no route, 413, a request it cannot parse) get a JSON body too.
  const httplib::Server::HandlerWithResponse on_error = [](const Request& req, Response& res) {
    if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
    const std::string status = std::to_string(res.status);
    const Problem problem =
        res.status == 404   ? Problem{"no such page or API route", req.path, "", ErrorKind::NotFound, "unknown-route"}
        : res.status == 413 ? Problem{"the request body is too large", "request body", "send a small JSON object",
                                      ErrorKind::TooLarge, "body-too-large"}
                            : Problem{"request refused (HTTP " + status + ")", req.path, "", ErrorKind::General,
                                      "bad-request"};
    send_problem(req, res, res.status, problem);
    return httplib::Server::HandlerResponse::Handled;
  };
  s.http.set_error_handler(on_error);
  s.add_routes();
  s.bind();
  s.watcher = std::make_unique<DatabaseWatcher>(film::Workspace::open(s.root).database(), kWatchInterval,
                                                [&s] { s.events.publish("queue", s.queue_snapshot()); });
}

ReviewServer::~ReviewServer() {
  stop();
  impl_->watcher.reset();
}

int ReviewServer::port() const { return impl_->port; }
const std::string& ReviewServer::token() const { return impl_->token; }
bool ReviewServer::token_required() const { return impl_->policy.token_for_reads; }

std::string ReviewServer::url() const {
  const std::string& address = impl_->options.bind;
  const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  return "http://" + host + ":" + std::to_string(impl_->port) + "/" +
         (token_required() ? "?" + std::string(kTokenParameter) + "=" + impl_->token : "");
}

void ReviewServer::run() {
  impl_->running = true;
  if (!impl_->stopping) impl_->http.listen_after_bind();
  impl_->running = false;
}

void ReviewServer::stop() {
  Impl& s = *impl_;
  s.stopping = true;
  s.events.close();
  // httplib's stop() only acts once its accept loop runs: give a run() that is starting a moment.
  for (int i = 0; i < 100 && s.running && !s.http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  s.http.stop();
}

}  // namespace shotgen::serve
