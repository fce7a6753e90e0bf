// The override grammar against tests/golden/overrides/statements.txt: every valid form and every
// syntax error position. The expectations file rewrites itself with TOSCAC_UPDATE_GOLDENS=1.
#include "grammar/override.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace toscac::grammar {
namespace {

auto Describe(const Piece& piece) -> std::string {
  switch (piece.kind) {
    case Piece::Kind::kText:
      return fmt::format("text {:?} @{}+{}", piece.text, piece.offset, piece.length);
    case Piece::Kind::kReference:
      return fmt::format("reference [{}] @{}+{}", fmt::join(piece.names, ", "), piece.offset,
                         piece.length);
    case Piece::Kind::kField:
      return fmt::format("field [{}] @{}+{}", fmt::join(piece.names, "."), piece.offset,
                         piece.length);
  }
  return "";
}

// A caret under the code point at `offset` (statements here are ASCII except one line, whose
// caret is placed by code points, as columns are).
auto Caret(std::string_view line, uint32_t offset) -> std::string {
  std::string pad;
  uint32_t seen = 0;
  for (char c : line) {
    if (seen == offset) break;
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      pad += ' ';
      ++seen;
    }
  }
  while (seen++ < offset) pad += ' ';
  return pad + "^";
}

auto Render(std::string_view line) -> std::string {
  std::string out = fmt::format("> {}\n", line);
  ParseResult result = ParseOverride(line);
  if (result.error) {
    out += fmt::format("error at {}: {}\n  {}\n  {}\n", result.error->offset, result.error->message,
                       line, Caret(line, result.error->offset));
    return out;
  }
  const Statement& st = *result.statement;
  out += fmt::format("ok: {}\n", ToString(st));
  for (const Subscript& s : st.path) {
    out += s.is_index ? fmt::format("  index {} @{}+{}\n", s.index, s.offset, s.length)
                      : fmt::format("  key {:?} @{}+{}\n", s.key, s.offset, s.length);
  }
  const Literal& v = st.value;
  out += fmt::format("  value {} `{}` @{}+{}\n", static_cast<int>(v.kind), v.spelling, v.offset,
                     v.length);
  for (const Piece& p : v.pieces) out += "    " + Describe(p) + "\n";
  return out;
}

TEST(OverrideGrammar, Golden) {
  std::string dir = std::string(TOSCAC_SOURCE_DIR) + "/tests/golden/overrides/";
  std::ifstream in(dir + "statements.txt");
  ASSERT_TRUE(in) << "missing " << dir << "statements.txt";
  std::string actual;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("##", 0) == 0) {
      actual += line + "\n";
      continue;
    }
    if (!line.empty()) actual += Render(line);
  }
  std::string expected_path = dir + "statements.expected";
  const char* update = std::getenv("TOSCAC_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path) << actual;
    return;
  }
  std::ifstream expected_in(expected_path);
  std::stringstream expected;
  expected << expected_in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "rewrite with TOSCAC_UPDATE_GOLDENS=1 if intended";
}

// Whatever the bytes, the parser answers (statement or error) and never throws or crashes.
TEST(OverrideGrammar, NeverThrows) {
  std::string alphabet = "[]'\"=@%{},.-+0123456789aTN\\ \n\x80\xff";
  uint32_t state = 7;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    size_t size = state % 24;
    for (size_t i = 0; i < size; ++i) {
      state = state * 1103515245 + 12345;
      text += alphabet[(state >> 16) % alphabet.size()];
    }
    state = state * 1103515245 + 12345;
    ParseResult result = ParseOverride(text);
    EXPECT_NE(result.statement.has_value(), result.error.has_value()) << text;
  }
}

}  // namespace
}  // namespace toscac::grammar
