// The override parser: ANTLR's lexer and parser, then a walk of the parse tree into plain data.
// Errors are rewritten in the words of the statement (`expected \`]\``), not ANTLR's token names.
#include "grammar/override.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "OverrideLexer.h"
#include "OverrideParser.h"
#include "antlr4-runtime.h"

namespace toscac::grammar {
namespace {

using toscac_grammar::OverrideLexer;
using toscac_grammar::OverrideParser;

auto TokenWords(size_t type) -> std::string {
  switch (type) {
    case OverrideLexer::LBRACK:
      return "`[`";
    case OverrideLexer::RBRACK:
      return "`]`";
    case OverrideLexer::ASSIGN:
      return "`=`";
    case OverrideLexer::INT:
      return "an integer";
    case OverrideLexer::FLOAT:
      return "a number";
    case OverrideLexer::SQ_END:
      return "a closing `'`";
    case OverrideLexer::DQ_END:
      return "a closing `\"`";
    case OverrideLexer::REF_NAME:
      return "a name";
    case OverrideLexer::REF_COMMA:
      return "`,`";
    case OverrideLexer::REF_END:
    case OverrideLexer::FIELD_END:
      return "`}`";
    case OverrideLexer::FIELD_NAME:
      return "a field name";
    case OverrideLexer::FIELD_DOT:
      return "`.`";
    case antlr4::Token::EOF:
      return "the end of the statement";
    default:
      return "";
  }
}

// What the parser wanted, in a sentence: value and subscript starts are named as a whole.
auto ExpectedWords(const antlr4::misc::IntervalSet& expected) -> std::string {
  std::vector<std::string> words;
  std::vector<size_t> types;
  for (ssize_t t : expected.toList()) types.push_back(static_cast<size_t>(t));
  auto has = [&](size_t t) { return expected.contains(t); };
  std::vector<size_t> covered;
  if (has(OverrideLexer::KW_TRUE)) {
    words.emplace_back("a value (a quoted string, a number, True, False or None)");
    covered = {OverrideLexer::SQ,      OverrideLexer::DQ,       OverrideLexer::MINUS,
               OverrideLexer::PLUS,    OverrideLexer::INT,      OverrideLexer::FLOAT,
               OverrideLexer::KW_TRUE, OverrideLexer::KW_FALSE, OverrideLexer::KW_NULL};
  } else if (has(OverrideLexer::INT) && has(OverrideLexer::FLOAT)) {
    words.emplace_back("a number");
    covered = {OverrideLexer::INT, OverrideLexer::FLOAT};
  } else if (has(OverrideLexer::SQ) && has(OverrideLexer::INT)) {
    words.emplace_back("a quoted key or an integer index");
    covered = {OverrideLexer::SQ, OverrideLexer::DQ, OverrideLexer::MINUS, OverrideLexer::PLUS,
               OverrideLexer::INT};
  }
  for (size_t t : types) {
    if (std::find(covered.begin(), covered.end(), t) != covered.end()) continue;
    std::string w = TokenWords(t);
    if (!w.empty() && std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
  }
  if (words.empty()) return "something else";
  std::string out = words[0];
  for (size_t i = 1; i < words.size(); ++i)
    out += (i + 1 == words.size() ? " or " : ", ") + words[i];
  return out;
}

auto FoundWords(const antlr4::Token* token) -> std::string {
  if (token == nullptr || token->getType() == antlr4::Token::EOF) return "the end of the statement";
  size_t type = token->getType();
  if (type == OverrideLexer::SQ_BREAK || type == OverrideLexer::DQ_BREAK ||
      type == OverrideLexer::REF_OTHER) {
    std::string text = token->getText();
    if (text == "\n" || text == "\r") return "a line break";
  }
  return fmt::format("`{}`", token->getText());
}

// Keeps the first syntax error only: ANTLR's recovery makes the rest echoes of it.
class FirstError : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t /*line*/,
                   size_t col, const std::string& msg, std::exception_ptr /*e*/) override {
    if (error) return;
    SyntaxError found;
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    if (parser != nullptr && offending != nullptr) {
      found.offset = static_cast<uint32_t>(offending->getStartIndex());
      found.message =
          fmt::format("expected {}, found {}", ExpectedWords(parser->getExpectedTokens()),
                      FoundWords(offending));
    } else {
      // The lexer only fails on a `\` with nothing after it to escape.
      found.offset = static_cast<uint32_t>(col);
      constexpr std::string_view kPrefix = "token recognition error at: ";
      found.message = msg.rfind(kPrefix, 0) == 0
                          ? fmt::format("unexpected {} (a `\\` must escape a character)",
                                        msg.substr(kPrefix.size()))
                          : msg;
    }
    error = std::move(found);
  }
  std::optional<SyntaxError> error;
};

auto Decode(std::string_view raw) -> std::string {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    char next = raw[++i];
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
      case '\'':
      case '"':
        out += next;
        break;
      default:  // Python keeps unknown escapes as written
        out += '\\';
        out += next;
    }
  }
  return out;
}

auto Start(antlr4::ParserRuleContext* ctx) -> uint32_t {
  return static_cast<uint32_t>(ctx->getStart()->getStartIndex());
}
auto Length(antlr4::ParserRuleContext* ctx) -> uint32_t {
  return static_cast<uint32_t>(ctx->getStop()->getStopIndex() + 1 -
                               ctx->getStart()->getStartIndex());
}

class Builder {
 public:
  explicit Builder(antlr4::CharStream& input) : input_(input) {}

  auto Build(OverrideParser::StatementContext* ctx) -> std::optional<Statement> {
    Statement statement;
    for (auto* sub : ctx->subscript()) {
      auto subscript = BuildSubscript(sub);
      if (!subscript) return std::nullopt;
      statement.path.push_back(std::move(*subscript));
    }
    auto value = BuildValue(ctx->value());
    if (!value) return std::nullopt;
    statement.value = std::move(*value);
    return statement;
  }

  std::optional<SyntaxError> error;

 private:
  auto Fail(uint32_t offset, std::string message) -> std::nullopt_t {
    if (!error) error = SyntaxError{offset, std::move(message)};
    return std::nullopt;
  }

  auto Integer(OverrideParser::SignContext* sign, antlr4::tree::TerminalNode* digits)
      -> std::optional<int64_t> {
    std::string text = (sign != nullptr ? sign->getText() : "") + digits->getText();
    errno = 0;
    long long value = std::strtoll(text.c_str(), nullptr, 10);
    uint32_t at = static_cast<uint32_t>(sign != nullptr ? sign->getStart()->getStartIndex()
                                                        : digits->getSymbol()->getStartIndex());
    if (errno == ERANGE) return Fail(at, fmt::format("integer `{}` is out of range", text));
    return static_cast<int64_t>(value);
  }

  auto BuildSubscript(OverrideParser::SubscriptContext* ctx) -> std::optional<Subscript> {
    Subscript sub;
    sub.offset = Start(ctx);
    sub.length = Length(ctx);
    if (ctx->INT() != nullptr) {
      auto index = Integer(ctx->sign(), ctx->INT());
      if (!index) return std::nullopt;
      sub.is_index = true;
      sub.index = *index;
      return sub;
    }
    auto key = BuildString(ctx->string());
    if (!key) return std::nullopt;
    for (const Piece& piece : key->pieces) {
      if (piece.kind != Piece::Kind::kText) {
        return Fail(piece.offset,
                    "a subscript key is plain text; `@{...}` and `%{...}` belong "
                    "on the right of `=`");
      }
      sub.key += piece.text;
    }
    return sub;
  }

  auto BuildValue(OverrideParser::ValueContext* ctx) -> std::optional<Literal> {
    Literal lit;
    if (ctx->string() != nullptr) {
      auto s = BuildString(ctx->string());
      if (!s) return std::nullopt;
      lit = std::move(*s);
    } else if (ctx->INT() != nullptr) {
      auto i = Integer(ctx->sign(), ctx->INT());
      if (!i) return std::nullopt;
      lit.kind = Literal::Kind::kInt;
      lit.i = *i;
    } else if (ctx->FLOAT() != nullptr) {
      lit.kind = Literal::Kind::kFloat;
      errno = 0;
      lit.f = std::strtod(ctx->getText().c_str(), nullptr);
      if (errno == ERANGE && std::abs(lit.f) > 1) {
        return Fail(Start(ctx), fmt::format("number `{}` is out of range", ctx->getText()));
      }
    } else if (ctx->KW_TRUE() != nullptr || ctx->KW_FALSE() != nullptr) {
      lit.kind = Literal::Kind::kBool;
      lit.b = ctx->KW_TRUE() != nullptr;
    } else {
      lit.kind = Literal::Kind::kNull;
    }
    lit.offset = Start(ctx);
    lit.length = Length(ctx);
    lit.spelling = input_.getText(
        antlr4::misc::Interval(ctx->getStart()->getStartIndex(), ctx->getStop()->getStopIndex()));
    return lit;
  }

  auto BuildString(OverrideParser::StringContext* ctx) -> std::optional<Literal> {
    Literal lit;
    lit.kind = Literal::Kind::kString;
    lit.offset = Start(ctx);
    lit.length = Length(ctx);
    for (antlr4::tree::ParseTree* child : ctx->children) {
      if (auto* ref = dynamic_cast<OverrideParser::ReferenceContext*>(child)) {
        Piece& piece = lit.pieces.back();  // the `@{` token opened it
        piece.kind = Piece::Kind::kReference;
        for (auto* name : ref->REF_NAME()) piece.names.push_back(name->getText());
        Close(piece, ref);
        continue;
      }
      if (auto* field = dynamic_cast<OverrideParser::FieldContext*>(child)) {
        Piece& piece = lit.pieces.back();
        piece.kind = Piece::Kind::kField;
        for (auto* name : field->FIELD_NAME()) piece.names.push_back(name->getText());
        Close(piece, field);
        continue;
      }
      auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
      if (terminal == nullptr) continue;
      const antlr4::Token* token = terminal->getSymbol();
      switch (token->getType()) {
        case OverrideLexer::SQ_TEXT:
        case OverrideLexer::DQ_TEXT:
        case OverrideLexer::SQ_SIGIL:
        case OverrideLexer::DQ_SIGIL:
          AppendText(lit, Decode(token->getText()), token);
          break;
        case OverrideLexer::SQ_REF:
        case OverrideLexer::DQ_REF:
        case OverrideLexer::SQ_FIELD:
        case OverrideLexer::DQ_FIELD: {
          Piece piece;
          piece.offset = static_cast<uint32_t>(token->getStartIndex());
          lit.pieces.push_back(std::move(piece));
          break;
        }
        default:
          break;  // the quotes
      }
    }
    return lit;
  }

  void Close(Piece& piece, antlr4::ParserRuleContext* ctx) {
    size_t stop = ctx->getStop()->getStopIndex();
    piece.length = static_cast<uint32_t>(stop + 1 - piece.offset);
    piece.text = input_.getText(antlr4::misc::Interval(static_cast<size_t>(piece.offset), stop));
  }

  static void AppendText(Literal& lit, std::string text, const antlr4::Token* token) {
    if (!lit.pieces.empty() && lit.pieces.back().kind == Piece::Kind::kText) {
      Piece& last = lit.pieces.back();
      last.text += text;
      last.length = static_cast<uint32_t>(token->getStopIndex() + 1 - last.offset);
      return;
    }
    Piece piece;
    piece.text = std::move(text);
    piece.offset = static_cast<uint32_t>(token->getStartIndex());
    piece.length = static_cast<uint32_t>(token->getStopIndex() + 1 - token->getStartIndex());
    lit.pieces.push_back(std::move(piece));
  }

  antlr4::CharStream& input_;
};

// When the text ends inside a string, `@{` or `%{`, the parser would only say "expected a closing
// quote at the end"; pointing at what was opened is clearer.
auto Unclosed(const std::vector<antlr4::Token*>& tokens) -> std::optional<SyntaxError> {
  std::vector<const antlr4::Token*> open;
  for (const antlr4::Token* token : tokens) {
    switch (token->getType()) {
      case OverrideLexer::SQ:
      case OverrideLexer::DQ:
      case OverrideLexer::SQ_REF:
      case OverrideLexer::DQ_REF:
      case OverrideLexer::SQ_FIELD:
      case OverrideLexer::DQ_FIELD:
        open.push_back(token);
        break;
      case OverrideLexer::SQ_END:
      case OverrideLexer::DQ_END:
      case OverrideLexer::REF_END:
      case OverrideLexer::FIELD_END:
        if (!open.empty()) open.pop_back();
        break;
      default:
        break;
    }
  }
  if (open.empty()) return std::nullopt;
  const antlr4::Token* last = open.back();
  auto at = static_cast<uint32_t>(last->getStartIndex());
  switch (last->getType()) {
    case OverrideLexer::SQ:
    case OverrideLexer::DQ:
      return SyntaxError{at, fmt::format("string opened with `{}` is not closed", last->getText())};
    default:
      return SyntaxError{at, fmt::format("`{}` is not closed with `}}`", last->getText())};
  }
}

auto ParseValidUtf8(std::string_view text) -> ParseResult;

// ANTLR's input stream throws on malformed UTF-8; find it first. Returns the code point offset of
// the first bad sequence.
auto FirstBadUtf8(std::string_view text) -> std::optional<uint32_t> {
  uint32_t offset = 0;
  for (size_t i = 0; i < text.size(); ++offset) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t extra = c < 0x80           ? 0
                   : (c >> 5) == 0x6  ? 1
                   : (c >> 4) == 0xE  ? 2
                   : (c >> 3) == 0x1E ? 3
                                      : 9;
    if (extra == 9 || i + extra >= text.size() + (extra == 0 ? 1 : 0)) return offset;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return offset;
    }
    i += extra + 1;
  }
  return std::nullopt;
}

}  // namespace

auto ParseOverride(std::string_view text) -> ParseResult {
  if (auto bad = FirstBadUtf8(text)) {
    return ParseResult{std::nullopt, SyntaxError{*bad, "not valid UTF-8"}};
  }
  try {
    return ParseValidUtf8(text);
  } catch (const std::exception& e) {  // the runtime's own failures; never the user's
    return ParseResult{std::nullopt, SyntaxError{0, fmt::format("cannot parse: {}", e.what())}};
  }
}

namespace {

auto ParseValidUtf8(std::string_view text) -> ParseResult {
  ParseResult result;
  antlr4::ANTLRInputStream input{std::string(text)};
  OverrideLexer lexer(&input);
  FirstError lexer_errors;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&lexer_errors);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (lexer_errors.error) {
    result.error = lexer_errors.error;
    return result;
  }
  // A line break in a string (SQ_BREAK/DQ_BREAK) is reported by the parser at the break itself.
  if (auto unclosed = Unclosed(tokens.getTokens())) {
    bool has_break = false;
    for (const antlr4::Token* t : tokens.getTokens()) {
      has_break |=
          t->getType() == OverrideLexer::SQ_BREAK || t->getType() == OverrideLexer::DQ_BREAK;
    }
    if (!has_break) {
      result.error = unclosed;
      return result;
    }
  }
  OverrideParser parser(&tokens);
  FirstError parser_errors;
  parser.removeErrorListeners();
  parser.addErrorListener(&parser_errors);
  OverrideParser::StatementContext* tree = parser.statement();
  if (parser_errors.error) {
    result.error = parser_errors.error;
    return result;
  }
  Builder builder(input);
  result.statement = builder.Build(tree);
  if (builder.error) {
    result.statement.reset();
    result.error = builder.error;
  }
  return result;
}

}  // namespace

namespace {

// Inside single quotes, in the escapes Decode reads back.
auto Escape(std::string_view text) -> std::string {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

auto PathToString(const std::vector<Subscript>& path, size_t count) -> std::string {
  std::string out;
  for (size_t i = 0; i < count && i < path.size(); ++i) {
    const Subscript& s = path[i];
    out += s.is_index ? fmt::format("[{}]", s.index) : fmt::format("['{}']", Escape(s.key));
  }
  return out;
}

auto ToString(const Literal& literal) -> std::string {
  switch (literal.kind) {
    case Literal::Kind::kString: {
      std::string out = "'";
      for (const Piece& p : literal.pieces)
        out += p.kind == Piece::Kind::kText ? Escape(p.text) : p.text;
      return out + "'";
    }
    case Literal::Kind::kInt:
      return std::to_string(literal.i);
    case Literal::Kind::kFloat: {
      std::string out = fmt::format("{}", literal.f);
      if (out.find_first_of(".e") == std::string::npos) out += ".0";  // stays a float
      return out;
    }
    case Literal::Kind::kBool:
      return literal.b ? "True" : "False";
    case Literal::Kind::kNull:
      return "None";
  }
  return "";
}

auto ToString(const Statement& statement) -> std::string {
  return PathToString(statement.path, statement.path.size()) + " = " + ToString(statement.value);
}

}  // namespace toscac::grammar
