#include "render/reference_images.h"

#include "core/error.h"
#include "film/reference_image.h"
#include "media/png.h"

namespace shotgen::render {

ReferenceImages load_reference_images(const std::filesystem::path& workspace_root, const film::Film& film,
                                      const std::vector<const film::Shot*>& shots) {
  ReferenceImages images;
  for (const film::Shot* shot : shots) {
    for (const auto& id : shot->references) {
      if (images.count(id)) continue;
      const film::Reference* reference = film.find_reference(id);
      if (!reference)
        throw Error("unknown reference '" + id + "'", "shot " + shot->id, "define it in [[references]]");
      // Inside the workspace (or the film's reference library) first: nothing outside is opened.
      const std::filesystem::path path = film::resolve_reference_image(workspace_root, film, *reference).value();
      try {
        images.emplace(id, media::read_png(path));
      } catch (const Error& e) {
        const Problem& p = e.problem();
        throw Error(p.kind, p.what, "reference " + id + " (" + path.string() + ")", p.fix);
      }
    }
  }
  return images;
}

}  // namespace shotgen::render
