#pragma once
// The page: plain HTML, CSS and JavaScript from src/serve/assets/, compiled into the binary
// (embed_assets.cmake), with no build step and nothing fetched from elsewhere.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shotgen::serve {

struct EmbeddedAsset {
  std::string_view name;  // "app.js"
  std::string_view text;
};

// Every asset (defined in the generated embedded_assets.cpp).
std::span<const EmbeddedAsset> embedded_assets();

struct StaticAsset {
  std::string_view text;
  std::string content_type;
};

// The asset called `name` ("app.js", "app.css"); nullopt for any other name.
std::optional<StaticAsset> find_static_asset(std::string_view name);

// index.html with the server's token in place of every {{SHOTGEN_TOKEN}}: in its
// <meta name="shotgen-token">, which the page sends with every change (and every read), and in
// its asset links, which the browser fetches before any script runs.
std::string index_page(std::string_view token);

}  // namespace shotgen::serve
