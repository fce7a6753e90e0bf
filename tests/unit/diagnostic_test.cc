// Diagnostics: registry, rendering as text, JSON and SARIF, suggestions.
#include "diag/diagnostic.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace toscac::diag {
namespace {

TEST(Diagnostics, CodesAreUniqueAndWellFormed) {
  std::set<std::string_view> codes;
  for (Kind kind : AllKinds()) {
    const KindInfo& info = Info(kind);
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_EQ(info.code.size(), 5u);
    EXPECT_EQ(info.code[0], 'T');
    EXPECT_FALSE(info.format.empty());
    EXPECT_NE(info.format.back(), '.') << info.code;
  }
}

TEST(Diagnostics, TextShowsLineAndCaret) {
  SourceManager sources;
  FileId file = sources.Add("bp.yaml", "a: 1\nport: abc\n");
  Sink sink;
  sink.Report(Kind::kTypeMismatch, Loc{file, 2, 7}, "node_templates.x.properties.port",
              "property `port`", "an integer", "string `abc`");
  sink.AddNote(Loc{file, 1, 1}, "declared here");
  std::string text = RenderText(sink.diagnostics(), sources, false);
  EXPECT_NE(
      text.find(
          "bp.yaml:2:7: error[T0503]: property `port`: expected an integer, found string `abc`"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(" 2 | port: abc\n   |       ^\n"), std::string::npos) << text;
  EXPECT_NE(text.find("at node_templates.x.properties.port"), std::string::npos);
  EXPECT_NE(text.find("bp.yaml:1:1: note: declared here"), std::string::npos);
}

TEST(Diagnostics, SarifHasRulesResultsAndRegions) {
  SourceManager sources;
  FileId file = sources.Add("bp.yaml", "x\n");
  Sink sink;
  sink.Report(Kind::kUnknownInput, Loc{file, 1, 1}, "outputs.o", "foo");
  auto sarif = nlohmann::json::parse(RenderSarif(sink.diagnostics(), sources, "1.0"));
  EXPECT_EQ(sarif["version"], "2.1.0");
  const auto& run = sarif["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "T0701");
  EXPECT_EQ(run["results"][0]["ruleId"], "T0701");
  EXPECT_EQ(run["results"][0]["level"], "error");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(run["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "outputs.o");
}

TEST(Diagnostics, JsonCountsErrorsAndWarnings) {
  SourceManager sources;
  Sink sink;
  sink.Report(Kind::kUnknownInput, Loc{}, "", "a");
  sink.Report(Kind::kEmptyTopology, Loc{}, "");
  auto json = nlohmann::json::parse(RenderJson(sink.diagnostics(), sources));
  EXPECT_EQ(json["errors"], 1);
  EXPECT_EQ(json["warnings"], 1);
  EXPECT_EQ(json["diagnostics"][0]["code"], "T0701");
}

TEST(Diagnostics, ClosestNameSuggestsNearMisses) {
  EXPECT_EQ(ClosestName("propertis", {"properties", "attributes"}), "properties");
  EXPECT_EQ(ClosestName("zzzz", {"properties", "attributes"}), "");
}

}  // namespace
}  // namespace toscac::diag
