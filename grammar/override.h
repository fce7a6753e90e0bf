// Override statements: the patches Cloudify's Kubernetes plugin applies to descriptor files,
//   ['spec']['template']['spec']['containers'][0]['env'][1]['value'] =
//   '@{mongo_proxy,mongo_info,ip}'
// parsed (never executed: the original plugin ran them through Python's exec) into plain data.
// The grammar is ANTLR4 (OverrideLexer.g4, OverrideParser.g4); no ANTLR type appears here.
// Offsets count Unicode code points from the start of the statement, as YAML columns do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toscac::grammar {

/// `['key']` or `[3]` (Python semantics: a negative index counts from the end).
struct Subscript {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
  uint32_t offset = 0;  // of the `[`
  uint32_t length = 0;  // through the `]`
};

/// A run of a string value: literal text, `@{node,key,...}` or `%{field.path}`.
struct Piece {
  enum class Kind : uint8_t { kText, kReference, kField };
  Kind kind = Kind::kText;
  std::string text;                // kText: the decoded characters; otherwise the source spelling
  std::vector<std::string> names;  // kReference: node, then keys; kField: the dotted path
  uint32_t offset = 0;             // of the first character (`@` or `%` for references, fields)
  uint32_t length = 0;
};

/// The right-hand side.
struct Literal {
  enum class Kind : uint8_t { kString, kInt, kFloat, kBool, kNull };
  Kind kind = Kind::kNull;
  std::vector<Piece> pieces;  // kString, in order; empty for ''
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string spelling;  // as written
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct Statement {
  std::vector<Subscript> path;
  Literal value;
};

struct SyntaxError {
  uint32_t offset = 0;
  std::string message;
};

/// A statement, or the first syntax error (later ones are usually its echoes).
struct ParseResult {
  std::optional<Statement> statement;
  std::optional<SyntaxError> error;
};

auto ParseOverride(std::string_view text) -> ParseResult;

/// Renders a statement back in a canonical spelling (for dumps and golden tests).
auto ToString(const Statement& statement) -> std::string;
auto ToString(const Literal& literal) -> std::string;
auto PathToString(const std::vector<Subscript>& path, size_t count) -> std::string;

}  // namespace toscac::grammar
