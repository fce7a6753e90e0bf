// planner/policies/samples: the trace line reader takes exactly the JSON objects a JSON parser
// takes (with the right field types), reads the same values, and says where a bad line breaks.
#include "planner/policies/samples.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/sample_reference.h"

namespace toscac::policies {
namespace {

auto Parse(std::string_view line, Sample& s, std::string* error = nullptr, uint32_t* col = nullptr)
    -> bool {
  std::string e;
  uint32_t c = 0;
  bool ok = ParseSample(line, s, e, c);
  if (error != nullptr) *error = e;
  if (col != nullptr) *col = c;
  return ok;
}

TEST(SamplesTest, ReadsTheFields) {
  Sample s;
  ASSERT_TRUE(Parse(
      R"( {"value": -1.5e2, "name": "a.b", "ts": 12.25, "source": "x\u00e9\ud83d\ude00", "ttl": 30} )",
      s));
  EXPECT_EQ(s.ts, 12.25);
  EXPECT_EQ(s.value, -150);
  EXPECT_EQ(s.name, "a.b");
  EXPECT_EQ(s.source, "x\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(s.ttl, 30);
}

TEST(SamplesTest, ReadsTooSmallNumbersAsZero) {
  Sample s;
  ASSERT_TRUE(Parse(R"({"ts": 1, "source": "s", "name": "n", "value": 1e-400})", s));
  EXPECT_EQ(s.value, 0);
}

TEST(SamplesTest, IgnoresOtherKeysWhateverTheirValue) {
  Sample s;
  ASSERT_TRUE(Parse(R"({"ts": 1, "tags": {"a": [1, {"b": null}], "c": true}, "source": "s",)"
                    R"( "name": "n", "value": 0, "note": "\"quoted\""})",
                    s));
  EXPECT_EQ(s.source, "s");
  EXPECT_EQ(s.ttl, -1);  // absent: the engine's default
}

TEST(SamplesTest, SaysWhereALineBreaks) {
  struct Case {
    const char* line;
    const char* error;
    uint32_t col;
  };
  const Case cases[] = {
      {R"({"ts": 1, "source": "s", "name": "n"})", "no `value`", 38},
      {R"({"ts": "1", "source": "s", "name": "n", "value": 1})", "`ts` must be a number", 8},
      {R"({"ts": 1, "source": 2, "name": "n", "value": 1})", "a string", 21},
      {R"({"ts": 01, "source": "s", "name": "n", "value": 1})", "`1` where `}` is expected", 9},
      {R"({"ts": 1, "ts": 2, "source": "s", "name": "n", "value": 1})", "`ts` appears twice", 11},
      {R"({"ts": 1, "source": "s", "name": "n", "value": 1} x)", "text after the object", 51},
      {R"({"ts": 1, "source": "s\x", "name": "n", "value": 1})", "an unknown escape", 24},
      {R"({"ts": 1, "source": "\udc00", "name": "n", "value": 1})", "a lone low surrogate", 28},
      {R"({"ts": 1, "source": "s", "name": "n", "value": 1, "ttl": -5})", "`ttl` is negative", 61},
      {R"({"ts": 1e999, "source": "s", "name": "n", "value": 1})", "out of range", 8},
      {R"([1, 2])", "`[` where `{` is expected", 1},
      {R"({"ts": 1e16, "source": "s", "name": "n", "value": 1})", "`ts` is out of range", 8},
      {R"({"ts": 1, "source": "s", "name": "n", "value": -2e300})", "`value` is out of range", 48},
      {R"({"ts": 1, "source": "s")", "the line ends where `}` is expected", 24},
      {R"({})", "the object has no", 2},
  };
  for (const Case& c : cases) {
    Sample s;
    std::string error;
    uint32_t col = 0;
    EXPECT_FALSE(Parse(c.line, s, &error, &col)) << c.line;
    EXPECT_NE(error.find(c.error), std::string::npos) << c.line << " -> " << error << " at " << col;
    EXPECT_EQ(col, c.col) << c.line << " -> " << error;
  }
}

// Random edits of valid lines: both readers agree on accepting, and on the values read.
TEST(SamplesTest, AgreesWithAJsonParserOnEditedLines) {
  const std::string seeds[] = {
      R"({"ts": 12.5, "source": "web_1", "name": "web.requests", "value": 7})",
      R"({"ts":0,"source":"a\"b","name":"n\u0041","value":-0.5e-3,"ttl":60})",
      R"({"x": [1, {"y": "z"}], "ts": 1, "source": "s", "name": "n", "value": 1E+2})",
  };
  const std::string alphabet = "{}[]\":,.-+eE0123456789 \\utrfanl\tx";
  std::mt19937 rng(7);
  int accepted = 0, refused = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string line = seeds[round % 3];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !line.empty(); ++k) {
      size_t at = rng() % line.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          line.erase(at, 1);
          break;
        case 1:
          line.insert(at, 1, c);
          break;
        default:
          line[at] = c;
          break;
      }
    }
    if (RepeatsAKey(line)) continue;
    Sample ours;
    bool ok = Parse(line, ours);
    std::optional<Sample> theirs = SampleReference(line);
    ASSERT_EQ(ok, theirs.has_value()) << line;
    if (!ok) {
      ++refused;
      continue;
    }
    ++accepted;
    EXPECT_EQ(ours.ts, theirs->ts) << line;
    EXPECT_EQ(ours.value, theirs->value) << line;
    EXPECT_EQ(ours.ttl, theirs->ttl) << line;
    EXPECT_EQ(ours.source, theirs->source) << line;
    EXPECT_EQ(ours.name, theirs->name) << line;
  }
  EXPECT_GT(accepted, 1000);  // both sides of the comparison were exercised
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace toscac::policies
