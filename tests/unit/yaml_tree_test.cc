// The located YAML tree: positions, core schema, duplicates, aliases, documents.
#include "frontend/yaml/yaml_tree.h"

#include <gtest/gtest.h>

namespace toscac::yaml {
namespace {

struct Parsed {
  diag::Sink sink;
  std::vector<Document> docs;
};

auto ParseText(std::string_view text, const ParseOptions& options = {}) -> std::unique_ptr<Parsed> {
  auto p = std::make_unique<Parsed>();
  p->docs = Parse(diag::FileId{1}, text, p->sink, options);
  return p;
}

TEST(YamlTree, LocatesEveryNode) {
  auto p = ParseText("a:\n  b: [1, x]\n");
  ASSERT_EQ(p->docs.size(), 1u);
  const Document& d = p->docs[0];
  NodeId a = d.Find(d.root, "a");
  NodeId b = d.Find(a, "b");
  EXPECT_EQ(d[a].line, 2u);
  EXPECT_EQ(d[a].col, 3u);
  EXPECT_EQ(d[b].line, 2u);
  EXPECT_EQ(d[b].col, 6u);
  EXPECT_EQ(d[d.Children(b)[1]].col, 10u);
}

TEST(YamlTree, ResolvesCoreSchema) {
  auto p =
      ParseText("[~, null, true, False, 12, -3, 0x1f, 0o17, 1.5, .inf, '12', yes, 1e3, 1.2.3]");
  const Document& d = p->docs[0];
  std::vector<Kind> expected = {Kind::kNull,  Kind::kNull,  Kind::kBool,   Kind::kBool,
                                Kind::kInt,   Kind::kInt,   Kind::kInt,    Kind::kInt,
                                Kind::kFloat, Kind::kFloat, Kind::kString, Kind::kString,
                                Kind::kFloat, Kind::kString};
  ASSERT_EQ(d.Children(d.root).size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(d[d.Children(d.root)[i]].kind, expected[i]) << "item " << i;
  }
  EXPECT_EQ(d[d.Children(d.root)[6]].number.i, 31);
  EXPECT_EQ(d[d.Children(d.root)[7]].number.i, 15);
  EXPECT_EQ(d[d.Children(d.root)[5]].number.i, -3);
}

TEST(YamlTree, ReportsDuplicateKeysWithBothPlaces) {
  auto p = ParseText("a: 1\nb: 2\na: 3\n");
  ASSERT_EQ(p->sink.diagnostics().size(), 1u);
  const auto& diag = p->sink.diagnostics()[0];
  EXPECT_EQ(diag.kind, diag::Kind::kYamlDuplicateKey);
  EXPECT_EQ(diag.loc.line, 3u);
  ASSERT_EQ(diag.notes.size(), 1u);
  EXPECT_EQ(diag.notes[0].loc.line, 1u);
}

TEST(YamlTree, SharesAliasesAndBoundsExpansion) {
  auto ok = ParseText("a: &x {k: v}\nb: *x\n");
  ASSERT_EQ(ok->docs.size(), 1u);
  const Document& d = ok->docs[0];
  EXPECT_EQ(d.Find(d.root, "a").value, d.Find(d.root, "b").value);

  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += fmt::format("{0}: &{0} [*{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}, *{1}]\n",
                        std::string(1, c), prev);
  }
  auto bad = ParseText(bomb);
  EXPECT_TRUE(bad->docs.empty());
  ASSERT_FALSE(bad->sink.diagnostics().empty());
  EXPECT_EQ(bad->sink.diagnostics()[0].kind, diag::Kind::kYamlAliasBomb);
}

TEST(YamlTree, MergeKeysAddMissingEntries) {
  auto p = ParseText("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
  const Document& d = p->docs[0];
  NodeId derived = d.Find(d.root, "derived");
  EXPECT_EQ(d[d.Find(derived, "x")].number.i, 1);
  EXPECT_EQ(d[d.Find(derived, "y")].number.i, 3);
  EXPECT_TRUE(p->sink.diagnostics().empty());
}

TEST(YamlTree, SyntaxErrorsArePositioned) {
  auto p = ParseText("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(p->sink.diagnostics().empty());
  EXPECT_EQ(p->sink.diagnostics()[0].kind, diag::Kind::kYamlSyntax);
  EXPECT_GT(p->sink.diagnostics()[0].loc.line, 0u);
}

TEST(YamlTree, SeveralDocumentsAreAllReturned) {
  auto p = ParseText("a: 1\n---\nb: 2\n");
  EXPECT_EQ(p->docs.size(), 2u);
}

TEST(YamlTree, RecursiveAliasIsAnError) {
  auto p = ParseText("a: &a [*a]\n");
  EXPECT_TRUE(p->docs.empty());
  ASSERT_FALSE(p->sink.diagnostics().empty());
}

// The same trees, diagnostics and early stops whether libyaml runs on its own thread or not.
TEST(YamlTree, ThreadedParsingMatchesInline) {
  std::string big = "items:\n";
  for (int i = 0; i < 20000; ++i)
    big += fmt::format("  - {{name: n{0}, port: {0}, on: true}}\n", i);
  ParseOptions threaded;
  threaded.thread_threshold = 0;
  auto a = ParseText(big);
  auto b = ParseText(big, threaded);
  ASSERT_EQ(a->docs.size(), 1u);
  ASSERT_EQ(b->docs.size(), 1u);
  const Document& x = a->docs[0];
  const Document& y = b->docs[0];
  ASSERT_EQ(x.nodes.size(), y.nodes.size());
  for (size_t i = 0; i < x.nodes.size(); ++i) {
    ASSERT_EQ(x.nodes[i].text, y.nodes[i].text);
    ASSERT_EQ(x.nodes[i].line, y.nodes[i].line);
    ASSERT_EQ(x.nodes[i].kind, y.nodes[i].kind);
  }
  auto broken = ParseText(big + "bad: [1,\n", threaded);
  ASSERT_FALSE(broken->sink.diagnostics().empty());
  EXPECT_EQ(broken->sink.diagnostics()[0].kind, diag::Kind::kYamlSyntax);
  // Stopping early (here: an unknown alias) must not hang the parser thread.
  auto stopped = ParseText("a: *missing\n" + big, threaded);
  EXPECT_TRUE(stopped->docs.empty());
}

}  // namespace
}  // namespace toscac::yaml
