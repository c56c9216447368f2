#include "media/contact_sheet.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.h"
#include "media/resize.h"

namespace shotgen::media {
namespace {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kMaxThumbWidth = 256;

struct Glyph {
  char character;
  std::array<const char*, kGlyphHeight> rows;  // '#' = ink
};

// clang-format off
constexpr Glyph kFont[] = {
  {'a', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
  {'b', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
  {'c', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
  {'d', {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}},
  {'e', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
  {'f', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
  {'g', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
  {'h', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
  {'i', {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'j', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
  {'k', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
  {'l', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
  {'m', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
  {'n', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
  {'o', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'p', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
  {'q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
  {'r', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
  {'s', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
  {'t', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
  {'u', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'v', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
  {'w', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
  {'x', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
  {'y', {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}},
  {'z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
  {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
  {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
  {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
  {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
  {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
  {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
  {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
  {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
  {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
  {'_', {".....", ".....", ".....", ".....", ".....", ".....", "#####"}},
  {'-', {".....", ".....", ".....", "#####", ".....", ".....", "....."}},
  {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
  {' ', {".....", ".....", ".....", ".....", ".....", ".....", "....."}},
};
constexpr Glyph kUnknownGlyph =
  {'?', {"#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"}};
// clang-format on

const Glyph& glyph_for(char c) {
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Glyph& glyph : kFont) {
    if (glyph.character == lower) return glyph;
  }
  return kUnknownGlyph;
}

void fill_rect(Image& image, int x0, int y0, int width, int height, std::uint8_t value) {
  for (int y = std::max(0, y0); y < std::min(image.height, y0 + height); ++y) {
    for (int x = std::max(0, x0); x < std::min(image.width, x0 + width); ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = p[1] = p[2] = value;
    }
  }
}

// Draws `text` with its top-left corner at (x, y), at most `max_width` pixels wide.
void draw_text(Image& image, const std::string& text, int x, int y, int scale, int max_width) {
  const int advance = (kGlyphWidth + 1) * scale;  // one dot of spacing between characters
  const int fitting = std::max(0, (max_width + scale) / advance);
  for (std::size_t i = 0; i < text.size() && static_cast<int>(i) < fitting; ++i) {
    const Glyph& glyph = glyph_for(text[i]);
    const int left = x + static_cast<int>(i) * advance;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int column = 0; column < kGlyphWidth; ++column) {
        if (glyph.rows[row][column] == '#') fill_rect(image, left + column * scale, y + row * scale, scale, scale, 235);
      }
    }
  }
}

}  // namespace

ContactSheetLayout contact_sheet_layout(int count, int columns, int poster_width, int poster_height) {
  if (count <= 0) throw Error("no posters for the contact sheet", "", "render at least one shot first");
  if (columns < 1) throw Error("contact sheet needs at least one column", "", "pass columns >= 1");
  if (poster_width <= 0 || poster_height <= 0) {
    throw Error("empty poster image for the contact sheet", "", "render the shot again");
  }
  ContactSheetLayout layout;
  layout.columns = std::min(columns, count);
  layout.rows = (count + layout.columns - 1) / layout.columns;
  layout.thumb_width = std::min(poster_width, kMaxThumbWidth);
  layout.thumb_height = std::max(1, static_cast<int>(static_cast<long>(poster_height) * layout.thumb_width / poster_width));
  layout.font_scale = layout.thumb_width >= 128 ? 2 : 1;
  layout.label_height = (kGlyphHeight + 4) * layout.font_scale;
  layout.width = kContactSheetMargin + layout.columns * (layout.thumb_width + kContactSheetMargin);
  layout.height = kContactSheetMargin + layout.rows * (layout.thumb_height + layout.label_height + kContactSheetMargin);
  return layout;
}

Image contact_sheet(const std::vector<std::pair<std::string, Image>>& labelled_posters, int columns) {
  const int count = static_cast<int>(labelled_posters.size());
  const Image* first = count > 0 ? &labelled_posters.front().second : nullptr;
  const ContactSheetLayout layout =
      contact_sheet_layout(count, columns, first ? first->width : 0, first ? first->height : 0);
  Image sheet(layout.width, layout.height);
  fill_rect(sheet, 0, 0, sheet.width, sheet.height, 24);  // dark background, like a lightbox
  for (int i = 0; i < count; ++i) {
    const auto& [label, poster] = labelled_posters[static_cast<std::size_t>(i)];
    if (poster.width <= 0 || poster.height <= 0) {
      throw Error("empty poster image for the contact sheet", label, "render the shot again");
    }
    const Image thumb = resize_image(poster, layout.thumb_width, layout.thumb_height);
    const int x0 = kContactSheetMargin + (i % layout.columns) * (layout.thumb_width + kContactSheetMargin);
    const int y0 = kContactSheetMargin +
                   (i / layout.columns) * (layout.thumb_height + layout.label_height + kContactSheetMargin);
    for (int y = 0; y < thumb.height; ++y) {
      std::copy_n(thumb.pixel(0, y), static_cast<std::size_t>(thumb.width) * 3, sheet.pixel(x0, y0 + y));
    }
    draw_text(sheet, label, x0, y0 + thumb.height + 2 * layout.font_scale, layout.font_scale, layout.thumb_width);
  }
  return sheet;
}

}  // namespace shotgen::media
