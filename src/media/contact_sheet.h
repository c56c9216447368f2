#pragma once
// A contact sheet: every shot's poster frame in a grid, labelled with its shot id.
#include <string>
#include <utility>
#include <vector>

#include "core/image.h"

namespace shotgen::media {

// Layout: thumbnails all take the first poster's aspect ratio at a width of
// min(first poster width, 256) (others are scaled to that size); `columns` per row (fewer if
// there are fewer posters); under each thumbnail a label strip with the text in a built-in 5x7
// pixel font (letters drawn as capitals; a-z, 0-9, '_', '-', '.', ' '; other characters as a box),
// cut to the thumbnail width. A kContactSheetMargin-pixel margin surrounds every cell. Throws
// shotgen::Error for no posters or columns < 1.
inline constexpr int kContactSheetMargin = 8;
Image contact_sheet(const std::vector<std::pair<std::string, Image>>& labelled_posters, int columns);

// The contact sheet's size for `count` posters of thumbnail size `thumb_width` x `thumb_height`.
struct ContactSheetLayout {
  int columns = 0;
  int rows = 0;
  int thumb_width = 0;
  int thumb_height = 0;
  int label_height = 0;  // strip under each thumbnail
  int font_scale = 1;    // pixels per font dot
  int width = 0;
  int height = 0;
};
ContactSheetLayout contact_sheet_layout(int count, int columns, int poster_width, int poster_height);

}  // namespace shotgen::media
