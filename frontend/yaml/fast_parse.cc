// The subset, as a recursive descent over lines. Each function states where it leaves the cursor;
// every "not sure" path returns Unsupported() rather than guessing what libyaml would do.
#include "frontend/yaml/fast_parse.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace toscac::yaml::internal {
namespace {

// Deeper documents are left to libyaml (and the tree builder's own depth limit).
constexpr uint32_t kMaxDepth = 200;
// libyaml refuses simple keys longer than 1024 characters; stay well clear of the edge.
constexpr size_t kMaxKeyBytes = 1000;

// Whether every character is one libyaml reads as itself: printable ASCII and newlines, or valid
// UTF-8 in libyaml's printable ranges. Tabs, CR, NEL, U+2028/9 (line breaks to libyaml) and
// U+FEFF (skipped at line starts) change positions or meaning, so they leave the subset.
auto CheckCharacters(std::string_view text, bool& ascii) -> bool {
  ascii = true;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7F) continue;
    if (c == '\n') continue;
    if (c < 0x80) return false;  // controls, tab, CR, DEL
    ascii = false;
    uint32_t value = 0;
    size_t extra = 0;
    if ((c & 0xE0) == 0xC0) {
      value = c & 0x1FU, extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      value = c & 0x0FU, extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      value = c & 0x07U, extra = 3;
    } else {
      return false;
    }
    if (i + extra >= n) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      value = (value << 6) | (s[i + k] & 0x3FU);
    }
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (value < kMinimum[extra]) return false;  // overlong
    bool printable = (value >= 0xA0 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD) ||
                     (value >= 0x10000 && value <= 0x10FFFF);
    if (!printable || value == 0xFEFF || value == 0x2028 || value == 0x2029) return false;
    i += extra;
  }
  return true;
}

struct Mark {
  uint32_t line = 0;
  uint32_t col = 0;
};

// Why a plain scalar ended.
enum class Stop { kColon, kComment, kEnd, kFlowIndicator };

struct PlainScan {
  const char* last;  // one past the scalar's last non-space character
  const char* stop;  // where scanning stopped
  Stop why;
};

class Parser {
 public:
  Parser(std::string_view text, EventConsumer& consumer, bool ascii)
      : begin_(text.data()), end_(text.data() + text.size()), consumer_(consumer), ascii_(ascii) {}

  auto Run() -> FastResult {
    p_ = begin_;
    line_start_ = begin_;
    line_ = 1;
    FindContent();
    if (eof_ || marker_ || !Emit(EventType::kStreamStart, Mark{1, 1}) ||
        !Emit(EventType::kDocumentStart, MarkAt(p_)) || !BlockNodeHere(0) || !eof_) {
      return Result();
    }
    Mark at = MarkAt(p_);
    if (!Emit(EventType::kDocumentEnd, at)) return Result();
    Emit(EventType::kStreamEnd, at);  // the last event: the consumer may well say "stop" here
    return FastResult::kDone;
  }

 private:
  auto Result() const -> FastResult {
    return stopped_ ? FastResult::kStopped : FastResult::kUnsupported;
  }
  auto Unsupported() -> bool { return false; }

  auto MarkAt(const char* at) const -> Mark {
    if (ascii_) return Mark{line_, static_cast<uint32_t>(at - line_start_) + 1};
    // libyaml counts characters. Count on from the last mark of this line, so that a long line
    // with many events costs its length once, not once per event.
    if (counted_line_ != line_start_ || at < counted_to_) {
      counted_line_ = line_start_;
      counted_to_ = line_start_;
      counted_col_ = 1;
    }
    for (; counted_to_ < at; ++counted_to_) {
      counted_col_ += (static_cast<unsigned char>(*counted_to_) & 0xC0) != 0x80;
    }
    return Mark{line_, counted_col_};
  }

  auto Emit(EventType type, Mark at, bool flow = false) -> bool {
    Event event;
    event.type = type;
    event.flow = flow;
    event.line = at.line;
    event.col = at.col;
    return Deliver(event);
  }
  auto EmitScalar(Mark at, std::string_view value, bool plain) -> bool {
    Event event;
    event.type = EventType::kScalar;
    event.plain = plain;
    event.line = at.line;
    event.col = at.col;
    event.value = value;
    return Deliver(event);
  }
  auto Deliver(const Event& event) -> bool {
    if (consumer_.OnEvent(event)) return true;
    stopped_ = true;
    return false;
  }

  auto AtEnd(const char* at) const -> bool { return at == end_; }
  auto AtBreak(const char* at) const -> bool { return at == end_ || *at == '\n'; }
  auto AtBlank(const char* at) const -> bool { return AtBreak(at) || *at == ' '; }
  void SkipSpaces() {
    while (p_ < end_ && *p_ == ' ') ++p_;
  }

  // From the start of a line (p_ == line_start_): skips blank and comment-only lines and stops at
  // the first content character, setting indent_; or sets eof_. A document marker or directive
  // at column 1 leaves the subset.
  void FindContent() {
    for (;;) {
      const char* q = line_start_;
      while (q < end_ && *q == ' ') ++q;
      if (q == end_) {
        p_ = end_;
        eof_ = true;
        return;
      }
      if (*q != '\n' && *q != '#') {
        p_ = q;
        indent_ = static_cast<uint32_t>(q - line_start_);
        if (indent_ == 0 && IsDocumentMarker(q)) marker_ = true;
        return;
      }
      const char* nl = static_cast<const char*>(std::memchr(q, '\n', end_ - q));
      if (nl == nullptr) {
        p_ = end_;
        eof_ = true;
        return;
      }
      line_start_ = nl + 1;
      ++line_;
    }
  }
  auto IsDocumentMarker(const char* q) const -> bool {
    if (*q == '%') return true;
    if (end_ - q < 3) return false;
    bool dashes = q[0] == '-' && q[1] == '-' && q[2] == '-';
    bool dots = q[0] == '.' && q[1] == '.' && q[2] == '.';
    return (dashes || dots) && AtBlank(q + 3);
  }
  // Leaves the current line (p_ anywhere on it) for the next content line.
  auto NextContentLine() -> bool {
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
    if (nl == nullptr) {
      p_ = end_;
      eof_ = true;
      return true;
    }
    line_start_ = nl + 1;
    ++line_;
    FindContent();
    return !marker_;
  }
  // After a value on its line: spaces, an optional comment, the line break; then the next content
  // line, which must not be indented past `parent_indent` (that would continue the value).
  auto FinishLine(uint32_t parent_indent) -> bool {
    const char* before = p_;
    SkipSpaces();
    if (p_ < end_ && *p_ == '#' && p_ > before) {
      p_ = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
      if (p_ == nullptr) p_ = end_;
    }
    if (!AtBreak(p_)) return Unsupported();
    if (!NextContentLine()) return Unsupported();
    return eof_ || indent_ <= parent_indent || Unsupported();
  }

  auto IsSeqEntry(const char* at) const -> bool {
    return at < end_ && *at == '-' && AtBlank(at + 1);
  }
  // Characters that cannot start a plain scalar (or that we do not take as one).
  static auto IsIndicator(char c) -> bool {
    return std::strchr("-?:,[]{}#&*!|>'\"%@`", c) != nullptr;
  }
  static auto IsFlowIndicator(char c) -> bool { return std::strchr(",[]{}", c) != nullptr; }
  auto CanStartPlain(const char* at, bool flow) const -> bool {
    if (at >= end_ || *at == ' ' || *at == '\n') return false;
    if (!IsIndicator(*at)) return true;
    // `-1`, `-x`: a dash followed by a non-blank starts a plain scalar.
    return *at == '-' && !AtBlank(at + 1) && !(flow && IsFlowIndicator(at[1]));
  }

  // A plain scalar on one line from p_ (which can start one).
  auto ScanPlain(bool flow) const -> PlainScan {
    const char* q = p_;
    const char* last = p_;
    for (; q < end_; ++q) {
      char c = *q;
      if (c == '\n') return {last, q, Stop::kEnd};
      if (c == ':' && AtBlank(q + 1)) return {last, q, Stop::kColon};
      if (c == '#' && q[-1] == ' ') return {last, q, Stop::kComment};
      if (flow && (IsFlowIndicator(c) || c == ':')) return {last, q, Stop::kFlowIndicator};
      if (c != ' ') last = q + 1;
    }
    return {last, q, Stop::kEnd};
  }

  // A quoted scalar on one line from p_ (at its quote); leaves p_ after the closing quote.
  auto ScanQuoted(std::string_view& value) -> bool {
    char quote = *p_;
    const char* start = ++p_;
    bool copied = false;
    for (;;) {
      if (AtBreak(p_)) return Unsupported();
      char c = *p_;
      if (quote == '\'' && c == '\'') {
        if (p_ + 1 < end_ && p_[1] == '\'') {
          CopyOnce(copied, start);
          scratch_ += '\'';
          p_ += 2;
          continue;
        }
        break;
      }
      if (quote == '"' && c == '"') break;
      if (quote == '"' && c == '\\') {
        CopyOnce(copied, start);
        char decoded = 0;
        if (p_ + 1 >= end_ || !DecodeEscape(p_[1], decoded)) return Unsupported();
        scratch_ += decoded;
        p_ += 2;
        continue;
      }
      if (copied) scratch_ += c;
      ++p_;
    }
    value = copied ? std::string_view(scratch_) : std::string_view(start, p_ - start);
    ++p_;
    return true;
  }
  void CopyOnce(bool& copied, const char* start) {
    if (copied) return;
    scratch_.assign(start, p_ - start);
    copied = true;
  }
  // The single-character escapes of YAML 1.1 that map to one byte; \x, \u, \N and friends are
  // left to libyaml.
  static auto DecodeEscape(char c, char& out) -> bool {
    static constexpr std::string_view kFrom = "0abtnvfre \"/\\";
    static constexpr std::string_view kTo{"\0\a\b\t\n\v\f\r\x1b \"/\\", 13};
    size_t at = kFrom.find(c);
    if (at == std::string_view::npos) return false;
    out = kTo[at];
    return true;
  }

  // A collection starting at p_ on a content line: a sequence at a `- `, else a mapping.
  auto BlockNodeHere(uint32_t depth) -> bool {
    if (depth > kMaxDepth) return Unsupported();
    if (IsSeqEntry(p_)) return BlockSequence(depth, false);
    return BlockMapping(depth);
  }

  // A mapping whose first key is at p_; its indentation is that key's column. Leaves the cursor
  // on the first content line indented less than the keys (or at the end).
  auto BlockMapping(uint32_t depth) -> bool {
    auto indent = static_cast<uint32_t>(MarkAt(p_).col - 1);
    if (!Emit(EventType::kMappingStart, MarkAt(p_))) return false;
    for (;;) {
      uint32_t entry_line = line_;
      if (!Key()) return false;
      Mark empty = MarkAt(p_);  // libyaml puts a missing value right after the colon
      if (!Value(indent, empty, true, depth)) return false;
      if (eof_ || indent_ < indent) break;
      if (line_ == entry_line) return Unsupported();  // no progress: a bug, never a hang
      if (indent_ > indent || IsSeqEntry(p_)) return Unsupported();
    }
    return Emit(EventType::kMappingEnd, MarkAt(p_));
  }

  // A simple key and its colon; leaves p_ after the colon.
  auto Key() -> bool {
    const char* start = p_;
    Mark at = MarkAt(p_);
    if (*p_ == '\'' || *p_ == '"') {
      std::string_view value;
      if (!ScanQuoted(value)) return false;
      if (p_ >= end_ || *p_ != ':' || !AtBlank(p_ + 1)) return Unsupported();
      if (static_cast<size_t>(p_ - start) > kMaxKeyBytes) return Unsupported();
      ++p_;
      return EmitScalar(at, value, false);
    }
    if (!CanStartPlain(p_, false)) return Unsupported();
    PlainScan scan = ScanPlain(false);
    if (scan.why != Stop::kColon || scan.last != scan.stop) return Unsupported();
    if (static_cast<size_t>(scan.stop - start) > kMaxKeyBytes) return Unsupported();
    p_ = scan.stop + 1;
    return EmitScalar(at, std::string_view(start, scan.last - start), true);
  }

  // The node after a `key:` or `-` indicator (p_ just after it). `parent_indent` is the
  // indentation of the collection holding it; `empty` is where libyaml places a missing value.
  auto Value(uint32_t parent_indent, Mark empty, bool in_map, uint32_t depth) -> bool {
    SkipSpaces();
    if (AtBreak(p_) || *p_ == '#') {
      if (!NextContentLine()) return Unsupported();
      if (!eof_ && indent_ > parent_indent) return BlockNodeHere(depth + 1);
      if (in_map && !eof_ && indent_ == parent_indent && IsSeqEntry(p_)) {
        return BlockSequence(depth + 1, true);  // an indentless sequence
      }
      return EmitScalar(empty, {}, true);
    }
    Mark at = MarkAt(p_);
    char c = *p_;
    if (c == '[' || c == '{') {
      return FlowNode(depth + 1) && FinishLine(parent_indent);
    }
    if (c == '|' || c == '>') return BlockScalar(parent_indent, at);
    if (c == '\'' || c == '"') {
      const char* start = p_;
      std::string_view value;
      if (!ScanQuoted(value)) return false;
      if (p_ < end_ && *p_ == ':') {
        if (in_map || !AtBlank(p_ + 1)) return Unsupported();
        p_ = start;
        return BlockMapping(depth + 1);  // `- "key": value`
      }
      return EmitScalar(at, value, false) && FinishLine(parent_indent);
    }
    if (!CanStartPlain(p_, false)) return Unsupported();
    PlainScan scan = ScanPlain(false);
    if (scan.why == Stop::kColon) {
      if (in_map) return Unsupported();  // `a: b: c`
      return BlockMapping(depth + 1);    // `- key: value`
    }
    std::string_view value(p_, scan.last - p_);
    p_ = scan.last;
    return EmitScalar(at, value, true) && FinishLine(parent_indent);
  }

  // A literal (`|`) or folded (`>`) scalar, ported from libyaml's yaml_parser_scan_block_scalar
  // so that chomping, folding and the indentation it detects are exactly its own. Explicit
  // indentation indicators are left to libyaml. `parent_indent` is libyaml's `parser->indent`:
  // the column of the collection holding the scalar.
  auto BlockScalar(uint32_t parent_indent, Mark at) -> bool {
    bool literal = *p_ == '|';
    ++p_;
    int chomping = 0;  // -1 strip, 0 clip, +1 keep
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) chomping = *p_++ == '+' ? 1 : -1;
    if (p_ < end_ && *p_ >= '0' && *p_ <= '9') return Unsupported();
    const char* before = p_;
    SkipSpaces();
    if (p_ < end_ && *p_ == '#' && p_ > before) {
      while (!AtBreak(p_)) ++p_;
    }
    if (!AtBreak(p_)) return Unsupported();
    StepOverBreak();
    std::string& out = scratch_;
    out.clear();
    std::string leading_break, trailing_breaks;
    uint32_t indent = 0;  // 0: not known yet
    bool leading_blank = false;
    BlockScalarBreaks(parent_indent, indent, trailing_breaks);
    while (Column() == indent && p_ < end_) {
      bool trailing_blank = *p_ == ' ';
      if (!literal && leading_break == "\n" && !leading_blank && !trailing_blank) {
        if (trailing_breaks.empty()) out += ' ';  // fold the line break into a space
      } else {
        out += leading_break;
      }
      leading_break.clear();
      out += trailing_breaks;
      trailing_breaks.clear();
      leading_blank = *p_ == ' ';
      const char* start = p_;
      while (!AtBreak(p_)) ++p_;
      out.append(start, p_ - start);
      if (p_ < end_) leading_break = "\n";
      StepOverBreak();
      BlockScalarBreaks(parent_indent, indent, trailing_breaks);
    }
    if (chomping != -1) out += leading_break;
    if (chomping == 1) out += trailing_breaks;
    if (!EmitScalar(at, out, false)) return false;
    // The scalar ended at a line indented less than its own, or at the end: go on from there.
    if (p_ == end_) {
      eof_ = true;
    } else {
      FindContent();
    }
    if (marker_) return Unsupported();
    return eof_ || indent_ <= parent_indent || Unsupported();
  }
  // Columns are 0-based here, as in libyaml; only ever asked inside a line's leading spaces.
  auto Column() const -> uint32_t { return static_cast<uint32_t>(p_ - line_start_); }
  void StepOverBreak() {
    if (p_ == end_) return;
    ++p_;
    ++line_;
    line_start_ = p_;
  }
  // libyaml's yaml_parser_scan_block_scalar_breaks: eats indentation (up to `indent` once known)
  // and empty lines; the first time, sets `indent` from the deepest empty line and the parent.
  void BlockScalarBreaks(uint32_t parent_indent, uint32_t& indent, std::string& breaks) {
    uint32_t max_indent = 0;
    for (;;) {
      while ((indent == 0 || Column() < indent) && p_ < end_ && *p_ == ' ') ++p_;
      max_indent = std::max(max_indent, Column());
      if (p_ == end_ || *p_ != '\n') break;
      breaks += '\n';
      StepOverBreak();
    }
    if (indent == 0) indent = std::max({max_indent, parent_indent + 1, 1U});
  }

  // Items at `- ` on lines of the same indentation, starting at p_. An indentless sequence (the
  // value of a mapping key at the key's own indentation) ends at the first line that is not an
  // item; any other sequence must have only items at its indentation.
  auto BlockSequence(uint32_t depth, bool indentless) -> bool {
    if (depth > kMaxDepth) return Unsupported();
    uint32_t indent = indent_;
    if (!Emit(EventType::kSequenceStart, MarkAt(p_))) return false;
    for (;;) {
      uint32_t entry_line = line_;
      ++p_;
      Mark empty = MarkAt(p_);
      if (!Value(indent, empty, false, depth)) return false;
      if (eof_ || indent_ < indent) break;
      if (line_ == entry_line) return Unsupported();  // no progress: a bug, never a hang
      if (indent_ > indent) return Unsupported();
      if (IsSeqEntry(p_)) continue;
      if (indentless) break;
      return Unsupported();
    }
    return Emit(EventType::kSequenceEnd, MarkAt(p_));
  }

  // A flow collection or scalar on the current line; leaves p_ after it.
  auto FlowNode(uint32_t depth) -> bool {
    if (depth > kMaxDepth || p_ >= end_) return Unsupported();
    if (*p_ == '[') return FlowSequence(depth);
    if (*p_ == '{') return FlowMapping(depth);
    Mark at = MarkAt(p_);
    if (*p_ == '\'' || *p_ == '"') {
      std::string_view value;
      if (!ScanQuoted(value)) return false;
      // `["a": b]` is a pair in a sequence; `{"a":b}` needs care: leave both to libyaml.
      const char* after = p_;
      while (after < end_ && *after == ' ') ++after;
      if (after < end_ && *after == ':') return Unsupported();
      return EmitScalar(at, value, false);
    }
    if (!CanStartPlain(p_, true)) return Unsupported();
    PlainScan scan = ScanPlain(true);
    if (scan.why != Stop::kFlowIndicator || *scan.stop == ':') return Unsupported();
    std::string_view value(p_, scan.last - p_);
    p_ = scan.last;
    return EmitScalar(at, value, true);
  }

  auto FlowSequence(uint32_t depth) -> bool {
    if (!Emit(EventType::kSequenceStart, MarkAt(p_), true)) return false;
    ++p_;
    SkipSpaces();
    if (p_ < end_ && *p_ == ']') return CloseFlow(EventType::kSequenceEnd);
    for (;;) {
      if (!FlowNode(depth + 1)) return false;
      SkipSpaces();
      if (p_ < end_ && *p_ == ']') return CloseFlow(EventType::kSequenceEnd);
      if (!FlowSeparator(']')) return Unsupported();
    }
  }

  auto FlowMapping(uint32_t depth) -> bool {
    if (!Emit(EventType::kMappingStart, MarkAt(p_), true)) return false;
    ++p_;
    SkipSpaces();
    if (p_ < end_ && *p_ == '}') return CloseFlow(EventType::kMappingEnd);
    for (;;) {
      if (!FlowKey()) return false;
      SkipSpaces();
      if (p_ >= end_ || *p_ == ',' || *p_ == '}' || *p_ == '#') return Unsupported();  // `{a: }`
      if (!FlowNode(depth + 1)) return false;
      SkipSpaces();
      if (p_ < end_ && *p_ == '}') return CloseFlow(EventType::kMappingEnd);
      if (!FlowSeparator('}')) return Unsupported();
    }
  }

  // `key: ` inside a flow mapping; leaves p_ after the colon's blank. libyaml's 1024-character
  // limit on simple keys holds in flow context too.
  auto FlowKey() -> bool {
    Mark at = MarkAt(p_);
    const char* start = p_;
    if (p_ < end_ && (*p_ == '\'' || *p_ == '"')) {
      std::string_view value;
      if (!ScanQuoted(value)) return false;
      if (p_ + 1 >= end_ || *p_ != ':' || p_[1] != ' ') return Unsupported();
      if (static_cast<size_t>(p_ - start) > kMaxKeyBytes) return Unsupported();
      p_ += 2;
      return EmitScalar(at, value, false);
    }
    if (!CanStartPlain(p_, true)) return Unsupported();
    PlainScan scan = ScanPlain(true);
    if (scan.why != Stop::kColon || scan.last != scan.stop || AtBreak(scan.stop + 1) ||
        static_cast<size_t>(scan.stop - start) > kMaxKeyBytes) {
      return Unsupported();
    }
    std::string_view value(p_, scan.last - p_);
    p_ = scan.stop + 2;
    return EmitScalar(at, value, true);
  }

  // `, ` between flow entries; a trailing comma before `close` is left to libyaml.
  auto FlowSeparator(char close) -> bool {
    if (p_ >= end_ || *p_ != ',') return false;
    ++p_;
    SkipSpaces();
    return p_ < end_ && *p_ != close && *p_ != ',' && *p_ != '\n' && *p_ != '#';
  }

  auto CloseFlow(EventType type) -> bool {
    Mark at = MarkAt(p_);
    ++p_;
    return Emit(type, at);
  }

  const char* begin_;
  const char* end_;
  EventConsumer& consumer_;
  bool ascii_;
  const char* p_ = nullptr;
  const char* line_start_ = nullptr;
  uint32_t line_ = 1;
  uint32_t indent_ = 0;
  bool eof_ = false;
  mutable const char* counted_line_ = nullptr;  // MarkAt's progress on a non-ASCII line
  mutable const char* counted_to_ = nullptr;
  mutable uint32_t counted_col_ = 1;
  bool marker_ = false;   // a document marker or directive was seen: libyaml's business
  bool stopped_ = false;  // the consumer asked to stop
  std::string scratch_;   // unescaped quoted scalars
};

}  // namespace

auto FastParse(std::string_view text, EventConsumer& consumer) -> FastResult {
  bool ascii = true;
  if (!CheckCharacters(text, ascii)) return FastResult::kUnsupported;
  Parser parser(text, consumer, ascii);
  return parser.Run();
}

}  // namespace toscac::yaml::internal
