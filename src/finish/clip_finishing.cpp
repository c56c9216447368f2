#include "finish/clip_finishing.h"

#include "analyze/clip_analysis.h"
#include "finish/deflicker.h"
#include "finish/palette_lock.h"
#include "finish/palette_match.h"
#include "finish/reframe.h"
#include "finish/style_texture.h"
#include "world/attributes.h"

namespace shotgen::finish {

FinishedClip finish_clip(const Clip& drawn, std::string_view positive, std::uint64_t seed, const ClipFinishing& finishing) {
  FinishedClip out{drawn, {}};
  if (drawn.frames.empty()) return out;
  FinishDecisions& decided = out.decisions;
  if (finishing.reframe > 0 || finishing.style_texture || finishing.palette_match) {
    // One analysis of the frames as drawn decides every pass, as a render's analysis does.
    const analyze::ClipAnalysis measured = analyze::analyze_clip(drawn);
    if (finishing.reframe > 0) decided.reframe = digital_move(positive, measured.motion.camera);
    if (finishing.style_texture) decided.texture = texture_style(positive, measured.style.style);
    if (finishing.palette_match) decided.palette = palette_to_match(positive, measured.palette.palette);
  }

  if (finishing.deflicker > 0) out.clip = deflicker(out.clip, static_cast<float>(finishing.deflicker));
  if (decided.texture) out.clip = draw_style_texture(out.clip, *decided.texture, seed);
  if (decided.palette) out.clip = match_palette(out.clip, *decided.palette, seed);
  if (finishing.palette_lock > 0)
    if (const auto palette = world::palette_from_words(positive))
      if (const auto tones = palette_tones(world::word(*palette)))
        for (Image& frame : out.clip.frames) palette_lock_reference(frame, *tones, static_cast<float>(finishing.palette_lock));
  if (decided.reframe) out.clip = reframe_clip(out.clip, *decided.reframe, static_cast<float>(finishing.reframe));
  return out;
}

}  // namespace shotgen::finish
