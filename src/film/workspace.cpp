#include "film/workspace.h"

#include <system_error>

#include "core/atomic_file.h"
#include "core/error.h"
#include "film/film_writer.h"

namespace shotgen::film {
namespace fs = std::filesystem;

namespace {

// Written as a raw string so the scaffold reads in the source exactly as the user will see it.
// "@TITLE@" is replaced by the quoted title.
constexpr const char* kScaffold = R"TOML(# film.toml: the film as you describe it to shotgen.
# shotgen reads this file on `shotgen sync`; `shotgen lint` checks it; `shotgen prompt SHOT`
# shows the prompt it assembles for a shot. Editors that read JSON Schema (e.g. Taplo) can
# validate and complete this file with schemas/film.schema.json from the shotgen sources.

format_version = 1   # the film.toml format this file is written in

# ---- The film ----------------------------------------------------------------------------------
[film]
title = @TITLE@
fps = 12                      # frames per second of every take and of the cut film
resolution = "512x256"        # "WIDTHxHEIGHT" of the delivered film
default_shot_duration = 1.5   # seconds, for shots that do not give a duration
seed_policy = "per_shot"      # "per_shot": each shot's seed comes from `seed` and the shot id, so
                              # reordering shots keeps their look; "fixed": every shot uses `seed`
seed = 1234                   # base seed; change it to reroll the whole film
# reference_library = "/srv/studio/references"   # a shared folder reference images may also come
                              # from; without it they must lie inside this workspace

# ---- The style block ---------------------------------------------------------------------------
# The style block opens EVERY prompt of the film, before the shot's own words. Say the medium
# first and firmly, then what it is not, then the texture every surface shares: models drift back
# toward their favourite look (usually photoreal) unless the style is restated in every shot.
[style]
block = "This MUST look and feel like hand-painted 2D animation. Every surface has visible brushstroke texture."

# ---- The negative block ------------------------------------------------------------------------
# What no shot may look like, sent as the negative prompt of every shot. Keep it in three SHORT
# layers: long lists dilute each term (lint warns above 12 terms), and a term repeated in two
# layers only wastes room. Never negate something a shot asks for.
[negative]
format = ["live action", "photorealistic", "3D render"]          # the wrong medium
anatomy = ["extra fingers", "deformed hands", "merged faces"]   # figure faults
quality = ["blurry", "watermark", "text"]                       # technical faults
extra = []                                                      # anything else, film-wide

# ---- The film's look ---------------------------------------------------------------------------
# Defaults for every shot; a scene's `look = { ... }` overrides them, a shot's overrides the
# scene's. The prompt lists them after the shot's action in this order: camera_move,
# camera_angle, shot_size, lens, lighting, palette, composition, atmosphere, mood, attribution.
[look]
camera_move = "static"          # static, pan left, pan right, tilt up, push in, pull out, ...
shot_size = "wide shot"         # wide shot, medium shot, close-up, ...
lens = "normal lens"            # wide, normal, telephoto, "35mm anamorphic", ...
lighting = "golden hour"        # high-key, low-key, golden hour, backlit silhouette, night, ...
palette = "warm"                # warm, cool, teal and orange, monochrome, pastel, ...
composition = "rule of thirds"  # centered, rule of thirds, low horizon, high horizon, ...
atmosphere = "clear"            # clear, fog, rain, snow, dust
# camera_angle = "low angle"
# mood = "hopeful"
# attribution = "in the style of a 1970s storybook"   # a film or artist the look is modelled on

# ---- Finishing ---------------------------------------------------------------------------------
# Passes applied to every take's pixels between the model and the MP4, on a Vulkan GPU or the CPU;
# scenes and shots override keys with `finish = { ... }`. `shotgen finish` re-finishes takes.
# Also: "grade", "palette_lock", "grain", "letterbox" (needs aspect); they run in a fixed order.
[finish]
passes = ["deflicker", "style_texture", "palette_match", "reframe", "upscale"]
# steady the shimmer; the texture of the style the prompt names (grain, brushstrokes, flat fills)
# where the model drew another; the palette the prompt names where the model drew another; a camera
# move the model drew static made digitally; sharp upscale to [film] size
# deflicker = 1.0            # how strongly (0..1); figures that move, rain and flashes stay as drawn
# reframe_zoom = 1.3         # how far a digital push in goes (1.05..2)
# lut = "luts/print.cube"    # the grade: a .cube 3D LUT from Resolve, Premiere or OCIO
# palette_lock = 0.3         # pull colours toward the [look] palette (0..1)
# grain = 0.04               # grain strength (0..1); grain_size = 1.0 pixels
# aspect = 2.39              # letterbox matte

# ---- Rendering ---------------------------------------------------------------------------------
[render]
size = "128x64"  # generation size (the bundled model's), multiples of 16; takes are upscaled to [film] resolution
# steps = 20            # sampler steps (default: the backend's)
# guidance = 5.0        # how hard the prompt pulls (default: the backend's)
# negative_scale = 1.0  # how hard the negative block pushes away (default: the backend's)
layout_guide = 0.4      # start each shot from its layout guide, the animatic of the figures, composition,
                        # lens and camera move its words name (0..0.5; 0 = off: the seed places things)

# ---- Routing -----------------------------------------------------------------------------------
# Which backend renders a shot: the first rule whose conditions all match, else `fallback`.
[routing]
fallback = ["final", "turbo"]
# [[routing.rules]]
# tag = "hero"               # shots with this tag ... (also: scene = "...", shot = "...",
# mode = "final"             #   mode = "draft" or "final")
# backends = ["final"]       # ... go to these backends, preferred first

# ---- Reference images --------------------------------------------------------------------------
# Put images in references/ and say what each one lends (`use`) and what the model must NOT copy
# from it (`ignore`). Dimensions: palette, lighting, texture, composition, background, lens_flare,
# color_cast, character. A shot uses a reference by listing its id in `references`.
# [[references]]
# id = "palette_board"
# image = "references/palette_board.png"
# use = ["palette"]
# ignore = ["lighting", "background"]
# description = "warm sunset colours"

# ---- Scenes and shots, in story order ----------------------------------------------------------
# Shot ids must be unique in the film (letters, digits, '_', '-', '.'). A shot needs an id and an
# action (what happens, in plain words); everything else is optional:
#   duration = 2.0                    seconds (default: [film] default_shot_duration)
#   look = { lighting = "night" }     overrides of any look field
#   negative = ["rain"]               extra negatives for this shot only
#   references = ["palette_board"]    reference ids
#   tags = ["hero"]  route = "final"  routing hints
#   seed = 7  takes = 3               a fixed seed; how many takes to render
#   transition = "crossfade"          join to the previous shot ("cut" by default)
#   transition_seconds = 0.5
[[scenes]]
id = "opening"
title = "Opening"
look = { atmosphere = "fog" }   # every shot of this scene is foggy

[[scenes.shots]]
id = "opening_01"
action = "one character walks along a hill path toward a small house"
duration = 2.0
look = { camera_move = "pan right" }

[[scenes.shots]]
id = "opening_02"
action = "one character stops at the door and looks back"
look = { camera_move = "push in", shot_size = "medium shot" }
transition = "crossfade"
)TOML";

}  // namespace

std::string scaffold_film_toml(const std::string& title) {
  std::string text = kScaffold;
  const std::string marker = "@TITLE@";
  text.replace(text.find(marker), marker.size(), toml_quoted(title));
  return text;
}

Workspace Workspace::open(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "film.toml", ec)) {
    std::string what = fs::is_directory(dir, ec) ? "no film.toml in " + dir.string()
                                                 : "workspace directory " + dir.string() + " does not exist";
    throw Error(what, dir.string(), "run 'shotgen init " + dir.string() + "' or pass -C DIR");
  }
  return Workspace(dir);
}

Workspace Workspace::init(const fs::path& dir, const std::string& title) {
  Workspace workspace(dir);
  std::error_code ec;
  if (fs::exists(workspace.film_toml(), ec))
    throw Error("film.toml already exists in " + dir.string(), workspace.film_toml().string(),
                "edit it, or choose an empty directory for a new workspace");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(dir.string() + " exists and is not a directory", dir.string(), "choose another path");
  for (const auto& folder : {dir, workspace.references_dir(), workspace.renders_dir()}) {
    fs::create_directories(folder, ec);
    if (ec) throw Error("cannot create directory: " + ec.message(), folder.string(), "check the path and permissions");
  }
  write_file_atomic(workspace.film_toml(), scaffold_film_toml(title));
  return workspace;
}

}  // namespace shotgen::film
