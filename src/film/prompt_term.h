#pragma once
// "The same term" in a prompt, as the assembler (de-duplicating negatives), lint (repeated terms)
// and the audit (was the style block, was each negative term, really sent?) all mean it. One
// definition, so those three can never disagree about what counts as a repeat or a match.
#include <string>
#include <string_view>

namespace shotgen::film {

// Lowercased (ASCII), whitespace runs collapsed to one space, trimmed: "  Merged \t FACES " ->
// "merged faces". Punctuation and non-ASCII bytes are kept as they are.
std::string normalize_term(std::string_view term);

}  // namespace shotgen::film
