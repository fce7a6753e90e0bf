// A strict reader for one flat JSON object per line; see samples.h.
#include "planner/policies/samples.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace toscac::policies {
namespace {

// Bounds that keep the engine's arithmetic exact enough: times within 2^53 (so a 15 s tick
// still advances), values whose sums over any window cannot overflow.
constexpr double kMaxTime = 9e15;
constexpr double kMaxValue = 1e300;

class LineReader {
 public:
  explicit LineReader(std::string_view line) : s_(line) {}

  auto Read(Sample& out) -> bool {
    constexpr unsigned kTs = 1, kSource = 2, kName = 4, kValue = 8, kTtl = 16;
    unsigned seen = 0;
    out.ttl = -1;
    Space();
    if (!Expect('{')) return false;
    Space();
    if (Peek() == '}') return Fail("the object has no `ts`, `source`, `name` or `value`");
    for (;;) {
      Space();
      size_t key_at = i_;
      std::string_view key;
      if (!Key(key)) return false;
      Space();
      if (!Expect(':')) return false;
      Space();
      unsigned bit = key == "ts"       ? kTs
                     : key == "source" ? kSource
                     : key == "name"   ? kName
                     : key == "value"  ? kValue
                     : key == "ttl"    ? kTtl
                                       : 0;
      if (bit != 0 && (seen & bit) != 0) {
        i_ = key_at;
        return Fail(fmt::format("`{}` appears twice", key));
      }
      seen |= bit;
      bool ok = bit == kTs       ? Number(out.ts, "ts", kMaxTime)
                : bit == kSource ? String(out.source)
                : bit == kName   ? String(out.name)
                : bit == kValue  ? Number(out.value, "value", kMaxValue)
                : bit == kTtl    ? Number(out.ttl, "ttl", kMaxTime)
                                 : Skip(0);
      if (!ok) return false;
      Space();
      if (Peek() == ',') {
        ++i_;
        continue;
      }
      if (!Expect('}')) return false;
      break;
    }
    Space();
    if (i_ != s_.size()) return Fail("text after the object");
    for (auto [bit, name] :
         {std::pair{kTs, "ts"}, {kSource, "source"}, {kName, "name"}, {kValue, "value"}}) {
      if ((seen & bit) == 0) return Fail(fmt::format("no `{}`", name));
    }
    if ((seen & kTtl) != 0 && out.ttl < 0) return Fail("`ttl` is negative");
    return true;
  }

  auto error() const -> const std::string& { return error_; }
  auto col() const -> uint32_t { return static_cast<uint32_t>(i_ + 1); }

 private:
  auto Peek() const -> char { return i_ < s_.size() ? s_[i_] : '\0'; }
  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  auto Fail(std::string why) -> bool {
    error_ = std::move(why);
    return false;
  }
  auto Expect(char c) -> bool {
    if (Peek() == c) return ++i_, true;
    if (i_ >= s_.size()) return Fail(fmt::format("the line ends where `{}` is expected", c));
    return Fail(fmt::format("`{}` where `{}` is expected", s_[i_], c));
  }

  auto Number(double& out, std::string_view key, double limit = kMaxValue) -> bool {
    size_t start = i_;
    // JSON's number grammar, then from_chars (locale-free) for the value.
    if (Peek() == '-') ++i_;
    if (Peek() == '0') {
      ++i_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++i_;
    } else {
      i_ = start;
      return Fail(fmt::format("`{}` must be a number", key));
    }
    if (Peek() == '.') {
      ++i_;
      if (!std::isdigit(static_cast<unsigned char>(Peek()))) return Fail("a digit must follow `.`");
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++i_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++i_;
      if (Peek() == '+' || Peek() == '-') ++i_;
      if (!std::isdigit(static_cast<unsigned char>(Peek())))
        return Fail("an exponent needs digits");
      while (std::isdigit(static_cast<unsigned char>(Peek()))) ++i_;
    }
    auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + i_, out);
    if (ec == std::errc::result_out_of_range) {
      // Too small is 0 (as JSON parsers read it), too large is out of range.
      out = std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr);
    }
    if (!std::isfinite(out) || std::abs(out) > limit) {
      i_ = start;
      return Fail(fmt::format("`{}` is out of range (beyond ±{:g})", key, limit));
    }
    return true;
  }

  // A key: a view of the line when it is plain (every key we read), else decoded.
  auto Key(std::string_view& out) -> bool {
    if (Peek() == '"') {
      size_t end = i_ + 1;
      while (end < s_.size() && s_[end] != '"' && s_[end] != '\\' &&
             static_cast<unsigned char>(s_[end]) >= 0x20) {
        ++end;
      }
      if (end < s_.size() && s_[end] == '"') {
        out = s_.substr(i_ + 1, end - i_ - 1);
        i_ = end + 1;
        return true;
      }
    }
    if (!String(key_)) return false;
    out = key_;
    return true;
  }

  auto String(std::string& out) -> bool {
    if (Peek() != '"')
      return Fail(i_ >= s_.size() ? "the line ends where a string is expected"
                                  : "a string (in double quotes) is expected");
    ++i_;
    out.clear();
    for (;;) {
      size_t run = i_;
      while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' &&
             static_cast<unsigned char>(s_[i_]) >= 0x20) {
        ++i_;
      }
      out.append(s_.data() + run, i_ - run);
      if (i_ >= s_.size()) return Fail("the string is not closed");
      char c = s_[i_];
      if (c == '"') return ++i_, true;
      if (c != '\\') return Fail("a control character in a string must be escaped");
      if (!Escape(out)) return false;
    }
  }

  auto Escape(std::string& out) -> bool {
    ++i_;  // the backslash
    char c = Peek();
    ++i_;
    switch (c) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        --i_;
        return Fail("an unknown escape");
    }
    uint32_t cp = 0;
    if (!Hex4(cp)) return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair
      uint32_t low = 0;
      if (Peek() != '\\' || i_ + 1 >= s_.size() || s_[i_ + 1] != 'u') {
        return Fail("a high surrogate must be followed by a low one");
      }
      i_ += 2;
      if (!Hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF)
        return Fail("a high surrogate must be followed by a low one");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Fail("a lone low surrogate");
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return true;
  }

  auto Hex4(uint32_t& out) -> bool {
    for (int k = 0; k < 4; ++k, ++i_) {
      char c = Peek();
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return Fail("\\u needs four hex digits");
      out = out * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  // A value of a key we do not read: checked, then dropped. Nesting is bounded so that a
  // hostile line cannot exhaust the stack.
  auto Skip(int depth) -> bool {
    if (depth > 64) return Fail("values nest more than 64 deep");
    char c = Peek();
    if (c == '"') return String(scratch_);
    if (c == '-' || (c >= '0' && c <= '9')) {
      double ignored = 0;
      return Number(ignored, "the value");
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (s_.substr(i_, word.size()) == word) return i_ += word.size(), true;
    }
    if (c != '{' && c != '[') {
      return Fail(i_ >= s_.size() ? "the line ends where a value is expected" : "not a JSON value");
    }
    char close = c == '{' ? '}' : ']';
    ++i_;
    Space();
    if (Peek() == close) return ++i_, true;
    for (;;) {
      Space();
      if (close == '}') {
        if (!String(scratch_)) return false;
        Space();
        if (!Expect(':')) return false;
        Space();
      }
      if (!Skip(depth + 1)) return false;
      Space();
      if (Peek() == ',') {
        ++i_;
        continue;
      }
      return Expect(close);
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string key_, scratch_, error_;
};

}  // namespace

auto ParseSample(std::string_view line, Sample& out, std::string& error, uint32_t& col) -> bool {
  LineReader reader(line);
  if (reader.Read(out)) return true;
  error = reader.error();
  col = reader.col();
  return false;
}

}  // namespace toscac::policies
