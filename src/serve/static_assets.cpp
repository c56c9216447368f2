#include "serve/static_assets.h"

#include "core/error.h"

namespace shotgen::serve {
namespace {

constexpr std::string_view kTokenPlaceholder = "{{SHOTGEN_TOKEN}}";

std::string content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<StaticAsset> find_static_asset(std::string_view name) {
  for (const auto& asset : embedded_assets())
    if (asset.name == name) return StaticAsset{asset.text, content_type_of(name)};
  return std::nullopt;
}

std::string index_page(std::string_view token) {
  const auto page = find_static_asset("index.html");
  if (!page) throw Error("the page is missing from this build", "src/serve/assets/index.html", "rebuild shotgen");
  std::string html(page->text);
  for (auto at = html.find(kTokenPlaceholder); at != std::string::npos; at = html.find(kTokenPlaceholder, at + token.size()))
    html.replace(at, kTokenPlaceholder.size(), token);
  return html;
}

}  // namespace shotgen::serve
