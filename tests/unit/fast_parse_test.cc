// The YAML fast path must produce libyaml's events exactly, or decline. Three layers: hand-picked
// cases (some must be taken, to keep the path useful; some must be declined), every YAML file we
// and the shared corpus have, and seeded random edits of those files.
#include "frontend/yaml/fast_parse.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "frontend/yaml/yaml_tree.h"
#include "tests/support/yaml_events.h"
#include "tests/support/yaml_render.h"

namespace toscac::yaml {
namespace {

namespace fs = std::filesystem;
using testing::Difference;
using testing::FastEvents;

// Typical blueprint text: the fast path must take each and agree with libyaml.
const char* const kTaken[] = {
    "a: 1\n",
    "a: 1",
    "a:\n",
    "a:",
    "# lead\n\na: b   # trailing\n# end",
    "a:\n  b: c\n  d:\n    e: f\ng: h\n",
    "a:\n  - x\n  - y\nb: z\n",
    "a:\n- x\n- y\nb: z\n",  // indentless sequence
    "a:\n- x: 1\n  y: 2\n- z\n",
    "- a\n- b: c\n  d: e\n-\n- \n-   f: g\n",
    "a:\n  -\n    b: 1\n",
    "a:\n  -\n    - b\n",
    "a: 'it''s'\nb: \"q\\\"x\\\\y\\n\"\nc: ''\nd: \"\"\n",
    "'quoted key': 1\n\"dq key\": 2\n",
    "- 'k': v\n",
    "a: [1, 2, 4, 8]\nb: { get_input: cpus }\nc: {}\nd: []\n",
    "a: { get_property: [ SELF, port ], x: 'y', z: \"w\" }\n",
    "a: [[1, 2], {b: c}, d e]\n",
    "a: -1\nb: -x\nc: a-b\nd: 0o17\ne: .inf\nf: ~\ng: null\nh: True\n",
    "url: http://example.com:80/x\ncmd: a:b\nhash: a#b\n",
    "a: 1\n\n\n  # indented comment\nb: 2\n",
    "  a: 1\n  b:\n    c: 2\n",  // a root map that does not start at column 1 (split pieces)
    "k\xC3\xA9y: v\xC3\xA9lue\nn: {\xC3\xA9: \xE2\x82\xAC}\n",  // columns count characters
    "a:    \nb: 1\n",
    "a:\n  b:\n  c: 1\n",
    "a:\n    b: 1\n    c:\n    - x\n    d: 2\n",
    // Block scalars: chomping, folding, empty and whitespace-only lines, where they end.
    "a: |\n  line 1\n  line 2\nb: 1\n",
    "a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: >\n  p\n  q\n\n  r\n   s\n  t\nd: 1\n",
    "a: >-\n  one\n  two\n",
    "a: >+\n  one\n\n",
    "a: |  # comment\n    deep\n      deeper\n    back\n",
    "a: |\n\n  after an empty line\n",
    "a: |\n  x\n     \n  y\n",
    "a: |\n  x\n \n  y\n",
    "a: |\nb: 1\n",
    "a: |\n",
    "a: |",
    "a: >\n  no final break",
    "- |\n  item\n- >\n  folded\n  item\n",
    "a:\n  - b: |\n      x\n    c: 1\n",
    "a: |\n  #!/bin/sh\n  echo \"x: y\" # not a comment\n# a comment\nb: 1\n",
    "a: >\n \xC3\xA9t\xC3\xA9\n \xE2\x82\xAC\n",
};

// Outside the subset (or libyaml errors): the fast path must decline.
const char* const kDeclined[] = {
    "",
    "# only a comment\n",
    "---\na: 1\n",
    "a: 1\n...\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: |2\n  text\n",  // explicit indentation
    "a: |#c\n  text\n",
    "a: b\n  c\n",  // a multi-line plain scalar
    "a:\n  b\n",
    "a: 'x\n  y'\n",
    "a: [1,\n  2]\n",
    "a:\tb\n",
    "a: b\r\n",
    "\xEF\xBB\xBF"
    "a: 1\n",
    "a: \"\\u00e9\"\n",
    "? a\n: b\n",
    "a: b: c\n",
    "a: 1\n- b\n",
    "a:\n  - x\n  b: 1\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: [a, ]\n",
    "a: {b}\n",
    "a: {b: }\n",
    "a: [b: c]\n",
    "a: ['b': c]\n",
    "a: [x]y\n",
    "a: 'x'#c\n",
    "- - a\n",
    "a: - b\n",
    "scalar\n",
    "a : b\n",
    "a: @x\n",
    "a: `x`\n",
    "a: \xC2\x85\n",
    "a: \xED\xA0\x80\n",  // a surrogate
    "a: \xC0\xAF\n",      // overlong
};

// Near the subset's edges: declining is fine, disagreeing is not.
const char* const kEdges[] = {
    "a: 1\na: 2\n",  // duplicate keys: the builder's business
    "a:#b\n",
    "a: b #c: d\n",
    "a: [a#b]\n",
    "a: [a #b]\n",
    "a: {a:b}\n",
    "a: {\"a\":b}\n",
    "a: [-]\n",
    "a: [-1, -x, - ]\n",
    "a: [a, [b, {c: [d]}]]\n",
    "-a: 1\n",
    "- -1\n",
    "-\n  -\n    -\n",
    "a:\n-\n- b\nc:\n",
    "a:\n - b\n - c\n",
    "a:\n  b: 1\n c: 2\n",
    "a: x\n  # comment\nb: y\n",
    "  a: 1\nb: 2\n",
    "a:\n\n\n",
    "a: \"\\ \"\n",
    "a: '''\n",
    "a: ''''\n",
    "a: \"\\\"\n",
    "a: 'x' y\n",
    "a: \"x\"  # c\n",
    "a: 1 # c\n  # more\n",
    "'a'  : 1\n",
    "\"a\":1\n",
    "a: {b: c, d: e}\n",
    "a: { b: [c, d], e: f }\n",
    "a: [ ]\n",
    "a: { }\n",
    "a: [a b , c]\n",
    "a: {b: 'c' , d: e}\n",
    "a:\n  - b\n  -\n  - c\n",
    "---a: 1\n",
    "...a: 1\n",
    "a: ---\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- a:\n  - b\n  c: d\n",
    "- a:\n    b: c\n  d: e\n",
    "a: b\nc",
    "a: b\n c",
    "a: |\n  x\n y\n",
    "a: |\n    \n  less\n",
    "a: |\n  x\n# c\n  y\n",
    "a: |\n  x\n---\n",
    "a: |\n   \n  x\n",
    "a: |\n  x\n  \n   \n",
    "a: >\n  x\n\n   y\n  z\n",
    "a: |-\n",
    "a: |+\n\n\n",
    "a: >\n\n\n  x\n",
    "  a: |\n  x\n",
    "a:\n  b: |\n  c: 1\n",
    "- |\n x\n",
    "-   |\n  x\n",
};

TEST(FastParse, TakesTypicalBlueprintText) {
  for (const char* text : kTaken) {
    EXPECT_TRUE(FastEvents(text).has_value()) << "declined:\n" << text;
    EXPECT_EQ(Difference(text), "") << text;
  }
}

TEST(FastParse, DeclinesWhatItDoesNotModel) {
  for (const char* text : kDeclined) EXPECT_FALSE(FastEvents(text).has_value()) << text;
}

TEST(FastParse, AgreesOrDeclinesAtTheEdges) {
  for (const char* text : kEdges) EXPECT_EQ(Difference(text), "") << text;
}

// The whole parse (tree and diagnostics) is the same with and without the fast path.
// Found by review: libyaml's simple-key limit (1024 characters) holds for flow keys too, and
// counts characters, not bytes.
TEST(FastParse, LongKeysAgree) {
  for (size_t n : {1000U, 1024U, 1025U, 1100U}) {
    std::string k(n, 'k');
    std::string e;
    for (size_t i = 0; i < n; ++i) e += "\xC3\xA9";
    for (const std::string& text :
         {k + ": v\n", "a: {" + k + ": v}\n", "a: {'" + k + "': v}\n", "- {x: y, " + k + ": v}\n",
          "a: [{" + k + ": v}]\n", e + ": v\n", "a: {" + e + ": v}\n"}) {
      EXPECT_EQ(Difference(text), "") << n << " " << text.substr(0, 12);
    }
  }
}

// A long line of many events with a non-ASCII character in the file: positions must still come
// out right (and in linear time: this took seconds when each event recounted its line).
TEST(FastParse, LongNonAsciiLinesAgree) {
  std::string text = "# \xC3\xA9\na: [";
  for (int i = 0; i < 20000; ++i) text += i % 2 ? "x, " : "\xC3\xA9, ";
  text += "z]\n";
  EXPECT_TRUE(FastEvents(text).has_value());
  EXPECT_EQ(Difference(text), "");
}

TEST(FastParse, ParseIsTheSameEitherWay) {
  auto parse = [](std::string_view text, bool fast) {
    ParseOptions options;
    options.fast_path = fast;
    options.split_parts = 1;
    diag::Sink sink;
    auto docs = Parse(diag::FileId{1}, text, sink, options);
    return testing::RenderAll(docs, sink);
  };
  std::vector<const char*> all(std::begin(kTaken), std::end(kTaken));
  all.insert(all.end(), std::begin(kDeclined), std::end(kDeclined));
  all.insert(all.end(), std::begin(kEdges), std::end(kEdges));
  for (const char* text : all) EXPECT_EQ(parse(text, true), parse(text, false)) << text;
}

auto YamlFiles() -> std::vector<fs::path> {
  std::vector<fs::path> files;
  for (const char* root : {"tests", "samples", "profiles", "../shared/corpus"}) {
    fs::path dir = fs::path(TOSCAC_SOURCE_DIR) / root;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      auto ext = entry.path().extension();
      if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

auto ReadFile(const fs::path& path) -> std::string {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(FastParse, AgreesOnEveryYamlFileWeHave) {
  size_t taken = 0, files = 0;
  for (const fs::path& path : YamlFiles()) {
    std::string text = ReadFile(path);
    ++files;
    taken += FastEvents(text).has_value();
    EXPECT_EQ(Difference(text), "") << path;
  }
  std::printf("fast path took %zu of %zu YAML files\n", taken, files);
  EXPECT_GT(taken * 2, files);  // most real files are in the subset, or the path is not worth it
}

// Random small edits of real files, aimed at the characters the subset's rules are about.
TEST(FastParse, AgreesOnEditedFiles) {
  std::mt19937 rng(20261127);
  const std::string alphabet = " \n:-#'\"[]{},?&*!|>\\x1";
  size_t tried = 0, taken = 0;
  for (const fs::path& path : YamlFiles()) {
    std::string original = ReadFile(path);
    if (original.size() > 20000 || original.empty()) continue;
    for (int round = 0; round < 12; ++round) {
      std::string text = original;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        size_t at = rng() % text.size();
        switch (rng() % 4) {
          case 0:
            text.erase(at, 1);
            break;
          case 1:
            text.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            text.insert(at, std::string(1 + rng() % 3, ' '));
            break;
          default:
            text[at] = alphabet[rng() % alphabet.size()];
            break;
        }
      }
      ++tried;
      taken += FastEvents(text).has_value();
      ASSERT_EQ(Difference(text), "") << path << " edited:\n" << text;
    }
  }
  std::printf("fast path took %zu of %zu edited files\n", taken, tried);
}

}  // namespace
}  // namespace toscac::yaml
