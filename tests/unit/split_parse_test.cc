// Parsing in pieces must be indistinguishable from parsing whole: same tree, same positions, same
// diagnostics. Each case compares the two; some also check that the pieces were really used.
#include "frontend/yaml/split_parse.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "frontend/yaml/yaml_tree.h"
#include "tests/support/yaml_render.h"

namespace toscac::yaml {
namespace {

using testing::RenderAll;

auto ParseWith(std::string_view text, unsigned parts) -> std::string {
  ParseOptions options;
  options.split_parts = parts;
  options.split_threshold = 0;
  diag::Sink sink;
  auto docs = Parse(diag::FileId{1}, text, sink, options);
  return RenderAll(docs, sink);
}

auto Blueprint(int templates, std::string_view eol = "\n") -> std::string {
  std::string s;
  auto line = [&](std::string_view text) {
    s += text;
    s += eol;
  };
  line("tosca_definitions_version: tosca_simple_yaml_1_3");
  line("# a comment");
  line("topology_template:");
  line("  inputs:");
  line("    port: {type: integer, default: 80}");
  line("  node_templates:  # the block that gets cut");
  for (int i = 0; i < templates; ++i) {
    line(fmt::format("    server_{}:", i));
    line("      type: tosca.nodes.Compute");
    line("      properties:");
    line(fmt::format("        port: {{ get_input: port }}"));
    line("        script: |");
    line("          #!/bin/sh");
    line("          echo \"hi\"");
    line("");
    line("# a comment at column 1 inside the block");
    line(fmt::format("        tags: [a, 'b', {}]", i));
  }
  line("  outputs:");
  line("    url: {value: x}");
  return s;
}

auto Splits(std::string_view text, unsigned parts) -> bool {
  ParseOptions options;
  options.split_parts = parts;
  return internal::TryParseSplit(diag::FileId{1}, text, options).has_value();
}

TEST(SplitParse, PlanCutsAtEntryLines) {
  std::string text = Blueprint(10);
  auto plan = internal::FindSplit(text, 3);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->header_line, 6u);
  EXPECT_EQ(plan->header_col, 3u);
  EXPECT_EQ(plan->entry_col, 5u);
  EXPECT_EQ(plan->body_lines, 100u);
  ASSERT_EQ(plan->cuts.size(), 2u);
  for (size_t i = 0; i < plan->cuts.size(); ++i) {
    EXPECT_EQ(text.substr(plan->cuts[i], 11), "    server_");
    EXPECT_EQ(std::count(text.begin(), text.begin() + static_cast<long>(plan->cuts[i]), '\n'),
              plan->cut_lines[i]);
  }
}

TEST(SplitParse, SameTreeInAnyNumberOfPieces) {
  for (std::string_view eol : {"\n", "\r\n"}) {
    std::string text = Blueprint(40, eol);
    std::string whole = ParseWith(text, 1);
    for (unsigned parts : {2U, 3U, 7U}) {
      EXPECT_TRUE(Splits(text, parts)) << parts;
      EXPECT_EQ(ParseWith(text, parts), whole) << parts;
    }
  }
}

TEST(SplitParse, NoUsableHeaderMeansNoSplit) {
  EXPECT_FALSE(internal::FindSplit("a: 1\nb: 2\n", 2));
  EXPECT_FALSE(internal::FindSplit("node_templates: {}\n", 2));
  // The same header twice (here once inside a block scalar): ambiguous.
  std::string twice = "d: |\n  node_templates:\n" + Blueprint(4);
  EXPECT_FALSE(internal::FindSplit(twice, 2));
  EXPECT_FALSE(internal::FindSplit("node_templates:", 2));
}

// Each of these is cut (or nearly cut) somewhere doubtful; the pieces must refuse, or agree.
TEST(SplitParse, DoubtfulCutsFallBackToTheWholeParse) {
  std::string base = Blueprint(6);
  auto with = [&](std::string_view marker, std::string_view insert) {
    std::string text = base;
    size_t at = text.find(marker);
    EXPECT_NE(at, std::string::npos) << marker;
    text.insert(at, insert);
    return text;
  };
  std::vector<std::pair<std::string, bool>> cases = {
      // A repeated template across pieces: reported once, exactly as whole.
      {with("    server_5:", "    server_0:\n      type: x\n"), false},
      // A double-quoted scalar whose next line looks like an entry.
      {with("    server_3:", "    q: \"open\n"), false},
      {with("    server_3:", "    f: [1,\n"), false},
      // Anchors and aliases, and a merge key at the entry level.
      {with("    server_3:", "    a: &x {k: 1}\n    b: *x\n"), false},
      {with("    server_3:", "    <<: {k: 1}\n"), false},
      // A tab, a less indented entry, and a directive-like line.
      {with("    server_3:", "\t   x: 1\n"), false},
      {with("    server_3:", "   odd: 1\n"), false},
      {"%TAG !e! tag:example.com,2000:\n---\n" + with("    server_3:", "    t: !e!x 1\n"), false},
      // A second document after the block, and a syntax error after it.
      {base + "---\nx: 1\n", false},
      {base + "  bad: [\n", false},
      // Lone CR and a Unicode line separator.
      {with("    server_3:", "    c: a\rb\n"), false},
      {with("    server_3:",
            "    c: \"a\xE2\x80\xA8"
            "b\"\n"),
       false},
      // Harmless: comments and blank lines at any indentation, a quoted key that is not a cut.
      {with("    server_3:", "\n#c\n  # c\n    'quoted': 1\n"), true},
  };
  for (const auto& [text, splits] : cases) {
    std::string whole = ParseWith(text, 1);
    for (unsigned parts : {2U, 3U, 6U}) {
      EXPECT_EQ(ParseWith(text, parts), whole) << text;
    }
    EXPECT_EQ(Splits(text, 3), splits) << text;
  }
}

// Depth and alias bounds hold for the whole, not per piece.
TEST(SplitParse, BoundsApplyToTheWhole) {
  std::string deep = Blueprint(6);
  std::string nest = "    deep: " + std::string(40, '[') + std::string(40, ']') + "\n";
  deep.insert(deep.find("    server_3:"), nest);
  ParseOptions options;
  options.split_parts = 2;
  options.split_threshold = 0;
  options.max_depth =
      42;  // the nest alone fits; under topology_template.node_templates it does not
  diag::Sink whole_sink, split_sink;
  ParseOptions whole_options = options;
  whole_options.split_parts = 1;
  auto whole = Parse(diag::FileId{1}, deep, whole_sink, whole_options);
  auto split = Parse(diag::FileId{1}, deep, split_sink, options);
  EXPECT_EQ(RenderAll(split, split_sink), RenderAll(whole, whole_sink));
  EXPECT_EQ(whole_sink.error_count(), 1u);
}

// Random line-level damage to a blueprint: whatever comes out, pieces and whole agree.
TEST(SplitParse, RandomEditsAgree) {
  std::string base = Blueprint(12);
  std::vector<std::string> lines;
  std::istringstream in(base);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const std::vector<std::string> fragments = {"\"", "'",  "[",  "{",   "}",   "]",    ": ",
                                              "- ", "#",  "|",  ">",   "&a ", "*a",   "!!int ",
                                              "\t", "  ", "? ", "---", "...", "<<: ", ","};
  std::mt19937 random(12345);
  int split = 0;
  const int rounds = 400;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::string> edited = lines;
    int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % edited.size();
      switch (random() % 4) {
        case 0:
          edited.erase(edited.begin() + static_cast<long>(at));
          break;
        case 1:
          edited.insert(edited.begin() + static_cast<long>(at), edited[random() % edited.size()]);
          break;
        case 2: {
          std::string& line = edited[at];
          line.insert(random() % (line.size() + 1), fragments[random() % fragments.size()]);
          break;
        }
        default: {
          std::string& line = edited[at];
          size_t spaces = line.find_first_not_of(' ');
          if (spaces != std::string::npos && spaces > 0) line.erase(0, 1 + random() % spaces);
          break;
        }
      }
    }
    std::string text;
    for (const std::string& line : edited) text += line + "\n";
    std::string whole = ParseWith(text, 1);
    ASSERT_EQ(ParseWith(text, 2), whole) << "round " << round << "\n" << text;
    ASSERT_EQ(ParseWith(text, 5), whole) << "round " << round << "\n" << text;
    split += Splits(text, 2) ? 1 : 0;
  }
  // Most damage stays inside one piece, so most rounds must really have been parsed in pieces
  // (and compared); the rest fell back.
  EXPECT_GT(split, rounds / 8);
  std::printf("parsed in pieces: %d of %d edited blueprints\n", split, rounds);
}

}  // namespace
}  // namespace toscac::yaml
