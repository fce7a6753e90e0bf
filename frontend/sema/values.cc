// Value conversion and type/constraint checks.
#include "frontend/sema/values.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <regex>
#include <unordered_map>

namespace toscac::sema {

using ir::Value;
using VK = ir::Value::Kind;

auto IsFunctionName(std::string_view name, syntax::Family family) -> bool {
  static constexpr std::string_view kTosca[] = {"concat",
                                                "join",
                                                "token",
                                                "get_input",
                                                "get_property",
                                                "get_attribute",
                                                "get_operation_output",
                                                "get_nodes_of_type",
                                                "get_artifact"};
  static constexpr std::string_view kCloudify[] = {"get_input",
                                                   "get_property",
                                                   "get_attribute",
                                                   "concat",
                                                   "merge",
                                                   "get_secret",
                                                   "get_capability",
                                                   "get_sys",
                                                   "get_label",
                                                   "string_find",
                                                   "string_replace",
                                                   "string_lower",
                                                   "string_upper",
                                                   "get_environment_capability",
                                                   "get_group_capability"};
  if (family == syntax::Family::kTosca) {
    return std::find(std::begin(kTosca), std::end(kTosca), name) != std::end(kTosca);
  }
  return std::find(std::begin(kCloudify), std::end(kCloudify), name) != std::end(kCloudify);
}

namespace {

// `family` is null for data that has no functions (Kubernetes descriptors).
auto Convert(const yaml::Document& doc, yaml::NodeId id, const syntax::Family* family, int depth)
    -> Value {
  Value v;
  v.loc = doc.LocOf(id);
  const yaml::Node& n = doc[id];
  if (depth > 256) return v;  // the YAML layer bounds depth; this is a second guard
  if (n.invalid) {
    v.kind = VK::kInvalid;
    v.s = n.text;
    return v;
  }
  switch (n.kind) {
    case yaml::Kind::kNull:
      v.kind = VK::kNull;
      break;
    case yaml::Kind::kBool:
      v.kind = VK::kBool;
      v.b = n.number.b;
      break;
    case yaml::Kind::kInt:
      v.kind = VK::kInt;
      v.i = n.number.i;
      v.s = n.text;
      break;
    case yaml::Kind::kFloat:
      v.kind = VK::kFloat;
      v.f = n.number.f;
      v.s = n.text;
      break;
    case yaml::Kind::kString:
      v.kind = VK::kString;
      v.s = n.text;
      break;
    case yaml::Kind::kSeq:
      v.kind = VK::kList;
      v.items.reserve(n.count);
      for (yaml::NodeId child : doc.Children(id))
        v.items.push_back(Convert(doc, child, family, depth + 1));
      break;
    case yaml::Kind::kMap: {
      yaml::ChildSpan children = doc.Children(id);
      if (family != nullptr && children.size() == 2 &&
          IsFunctionName(doc[children[0]].text, *family)) {
        v.kind = VK::kFunction;
        v.s = doc[children[0]].text;
        Value arg = Convert(doc, children[1], family, depth + 1);
        if (arg.kind == VK::kList) {
          v.items = std::move(arg.items);
        } else {
          v.items.push_back(std::move(arg));
        }
        break;
      }
      v.kind = VK::kMap;
      v.entries.reserve(children.size() / 2);
      for (size_t i = 0; i + 1 < children.size(); i += 2) {
        v.entries.emplace_back(std::string(doc[children[i]].text),
                               Convert(doc, children[i + 1], family, depth + 1));
      }
      break;
    }
  }
  return v;
}

}  // namespace

auto ToValue(const syntax::ValueRef& ref, syntax::Family family) -> Value {
  if (!ref.valid()) return Value{};
  return Convert(*ref.doc, ref.id, &family, 0);
}

auto ToPlainValue(const yaml::Document& doc, yaml::NodeId id) -> Value {
  if (!id.valid()) return Value{};
  return Convert(doc, id, nullptr, 0);
}

auto ContainsFunction(const Value& value) -> bool {
  if (value.kind == VK::kFunction) return true;
  for (const Value& item : value.items) {
    if (ContainsFunction(item)) return true;
  }
  for (const auto& [key, item] : value.entries) {
    if (ContainsFunction(item)) return true;
  }
  return false;
}

namespace {

struct Unit {
  std::string_view name;
  double factor;
};

struct Units {
  const Unit* begin_;
  const Unit* end_;
  auto begin() const -> const Unit* { return begin_; }
  auto end() const -> const Unit* { return end_; }
};

auto UnitsOf(ScalarUnitKind kind) -> Units {
  static constexpr Unit kSize[] = {{"B", 1},
                                   {"kB", 1e3},
                                   {"KiB", 1024},
                                   {"MB", 1e6},
                                   {"MiB", 1048576},
                                   {"GB", 1e9},
                                   {"GiB", 1073741824.0},
                                   {"TB", 1e12},
                                   {"TiB", 1099511627776.0}};
  static constexpr Unit kTime[] = {{"d", 86400}, {"h", 3600},  {"m", 60},   {"s", 1},
                                   {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
  static constexpr Unit kFrequency[] = {{"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  static constexpr Unit kBitrate[] = {{"bps", 1},
                                      {"Kbps", 1e3},
                                      {"Kibps", 1024},
                                      {"Mbps", 1e6},
                                      {"Mibps", 1048576},
                                      {"Gbps", 1e9},
                                      {"Gibps", 1073741824.0},
                                      {"Tbps", 1e12},
                                      {"Tibps", 1099511627776.0},
                                      {"Bps", 8},
                                      {"KBps", 8e3},
                                      {"KiBps", 8192},
                                      {"MBps", 8e6},
                                      {"MiBps", 8388608},
                                      {"GBps", 8e9},
                                      {"GiBps", 8589934592.0},
                                      {"TBps", 8e12},
                                      {"TiBps", 8796093022208.0}};
  switch (kind) {
    case ScalarUnitKind::kSize:
      return {std::begin(kSize), std::end(kSize)};
    case ScalarUnitKind::kTime:
      return {std::begin(kTime), std::end(kTime)};
    case ScalarUnitKind::kFrequency:
      return {std::begin(kFrequency), std::end(kFrequency)};
    case ScalarUnitKind::kBitrate:
      return {std::begin(kBitrate), std::end(kBitrate)};
  }
  return {nullptr, nullptr};
}

auto EqualsIgnoreCase(std::string_view a, std::string_view b) -> bool {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

auto ScalarUnitNames(ScalarUnitKind kind) -> std::string {
  std::string out;
  for (const Unit& u : UnitsOf(kind)) out += (out.empty() ? "" : ", ") + std::string(u.name);
  return out;
}

auto ParseScalarUnit(std::string_view text, ScalarUnitKind kind) -> std::optional<double> {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t start = i;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '-' ||
          text[i] == '+' || text[i] == 'e' || text[i] == 'E')) {
    // stop before a unit that starts with e/E (none do) — exponent allowed
    ++i;
  }
  std::string number(text.substr(start, i - start));
  if (number.empty()) return std::nullopt;
  char* end = nullptr;
  double magnitude = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string_view unit = text.substr(i);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back())))
    unit.remove_suffix(1);
  bool case_sensitive = kind == ScalarUnitKind::kBitrate;
  for (const Unit& u : UnitsOf(kind)) {
    if (case_sensitive ? u.name == unit : EqualsIgnoreCase(u.name, unit))
      return magnitude * u.factor;
  }
  return std::nullopt;
}

namespace {

auto UnitKindOf(std::string_view type) -> std::optional<ScalarUnitKind> {
  if (type == "scalar-unit.size") return ScalarUnitKind::kSize;
  if (type == "scalar-unit.time") return ScalarUnitKind::kTime;
  if (type == "scalar-unit.frequency") return ScalarUnitKind::kFrequency;
  if (type == "scalar-unit.bitrate") return ScalarUnitKind::kBitrate;
  return std::nullopt;
}

// <major>[.<minor>[.<fix>[.<qualifier>[-<build>]]]] — by hand: std::regex costs microseconds.
auto IsVersionText(std::string_view s) -> bool {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (!digits()) return false;
  for (int part = 0; part < 2 && i < s.size() && s[i] == '.'; ++part) {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '-') {
      ++i;
      if (!digits()) return false;
    }
  }
  return i == s.size();
}

auto IsTimestampText(std::string_view s) -> bool {
  static const std::regex kTimestamp(
      R"(^\d{4}-\d{1,2}-\d{1,2}([Tt ]\s*\d{1,2}:\d{2}:\d{2}(\.\d*)?\s*(Z|[-+]\d{1,2}(:\d{2})?)?)?$)");
  return std::regex_match(s.begin(), s.end(), kTimestamp);
}

auto Describe(const Value& v) -> std::string {
  switch (v.kind) {
    case VK::kNull:
      return "null";
    case VK::kBool:
      return fmt::format("boolean `{}`", v.b ? "true" : "false");
    case VK::kInt:
      return fmt::format("integer `{}`", v.i);
    case VK::kFloat:
      return fmt::format("float `{}`", v.s.empty() ? fmt::format("{}", v.f) : v.s);
    case VK::kString:
      return fmt::format("string `{}`", v.s.size() > 40 ? v.s.substr(0, 37) + "..." : v.s);
    case VK::kList:
      return "a list";
    case VK::kMap:
      return "a map";
    case VK::kFunction:
      return fmt::format("function `{}`", v.s);
    case VK::kInvalid:
      return "an invalid value";
  }
  return "?";
}

auto ScalarText(const Value& v) -> std::string {
  switch (v.kind) {
    case VK::kString:
    case VK::kInt:
    case VK::kFloat:
      return v.s.empty() ? ir::ValueToString(v) : v.s;
    default:
      return ir::ValueToString(v);
  }
}

}  // namespace

auto ValueChecker::IsPrimitive(std::string_view t) -> bool {
  static constexpr std::string_view kPrimitives[] = {"string",
                                                     "integer",
                                                     "float",
                                                     "boolean",
                                                     "timestamp",
                                                     "null",
                                                     "version",
                                                     "range",
                                                     "list",
                                                     "map",
                                                     "scalar-unit.size",
                                                     "scalar-unit.time",
                                                     "scalar-unit.frequency",
                                                     "scalar-unit.bitrate",
                                                     "tosca.datatypes.json",
                                                     "tosca.datatypes.xml",
                                                     "any",
                                                     "dict",
                                                     "regex",
                                                     "number"};
  return std::find(std::begin(kPrimitives), std::end(kPrimitives), t) != std::end(kPrimitives);
}

auto Subject::What() const -> std::string { return fmt::format("{} `{}`", kind, name); }

auto ValueChecker::CheckPrimitive(const Value& value, std::string_view type, const Subject& subject)
    -> bool {
  auto mismatch = [&](std::string_view expected) {
    sink_.Report(diag::Kind::kTypeMismatch, value.loc, subject.path.Str(), subject.What(), expected,
                 Describe(value));
    return false;
  };
  if (type == "string" || type == "regex") {
    if (value.kind != VK::kString) return mismatch("a string");
  } else if (type == "integer") {
    if (value.kind != VK::kInt) return mismatch("an integer");
  } else if (type == "float" || type == "number") {
    if (value.kind != VK::kFloat && value.kind != VK::kInt) return mismatch("a float");
  } else if (type == "boolean") {
    if (value.kind != VK::kBool) return mismatch("a boolean");
  } else if (type == "null") {
    if (value.kind != VK::kNull) return mismatch("null");
  } else if (type == "timestamp") {
    if (value.kind != VK::kString || !IsTimestampText(value.s)) return mismatch("a timestamp");
  } else if (type == "version") {
    bool ok = (value.kind == VK::kString || value.kind == VK::kInt || value.kind == VK::kFloat) &&
              IsVersionText(ScalarText(value));
    if (!ok) return mismatch("a version (major.minor[.fix[.qualifier[-build]]])");
  } else if (type == "range") {
    bool ok = value.kind == VK::kList && value.items.size() == 2 &&
              value.items[0].kind == VK::kInt &&
              (value.items[1].kind == VK::kInt ||
               (value.items[1].kind == VK::kString && value.items[1].s == "UNBOUNDED"));
    if (ok && value.items[1].kind == VK::kInt && value.items[1].i < value.items[0].i) ok = false;
    if (!ok) return mismatch("a range [min, max]");
  } else if (type == "list") {
    if (value.kind != VK::kList) return mismatch("a list");
  } else if (type == "map" || type == "dict") {
    if (value.kind != VK::kMap) return mismatch("a map");
  } else if (auto unit = UnitKindOf(type)) {
    if (value.kind != VK::kString) {
      return mismatch(fmt::format("a {} such as `{}`", type,
                                  *unit == ScalarUnitKind::kSize        ? "2 GB"
                                  : *unit == ScalarUnitKind::kTime      ? "30 s"
                                  : *unit == ScalarUnitKind::kFrequency ? "2 GHz"
                                                                        : "1 Gbps"));
    }
    if (!ParseScalarUnit(value.s, *unit)) {
      sink_.Report(diag::Kind::kBadScalarUnit, value.loc, subject.path.Str(), subject.What(),
                   value.s, type, ScalarUnitNames(*unit));
      return false;
    }
  }
  return true;  // json, xml, any
}

namespace {

// A value made comparable under a base type: numbers (scalar units normalised), or text.
struct Comparable {
  bool numeric = false;
  double number = 0;
  std::string text;
  std::vector<int64_t> version;
  bool ok = false;
};

auto VersionParts(const std::string& s) -> std::vector<int64_t> {
  std::vector<int64_t> parts;
  int64_t current = 0;
  bool any = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      current = current * 10 + (c - '0');
      any = true;
    } else if (c == '.') {
      parts.push_back(current);
      current = 0;
      any = false;
    } else {
      break;
    }
  }
  if (any) parts.push_back(current);
  return parts;
}

auto MakeComparable(const Value& v, std::string_view base) -> Comparable {
  Comparable c;
  if (auto unit = UnitKindOf(base)) {
    if (v.kind == VK::kString) {
      if (auto n = ParseScalarUnit(v.s, *unit)) {
        c.numeric = c.ok = true;
        c.number = *n;
      }
    }
    return c;
  }
  if (base == "version") {
    c.version = VersionParts(ScalarText(v));
    c.ok = !c.version.empty();
    return c;
  }
  if (v.kind == VK::kInt) {
    c.numeric = c.ok = true;
    c.number = static_cast<double>(v.i);
  } else if (v.kind == VK::kFloat) {
    c.numeric = c.ok = true;
    c.number = v.f;
  } else if (v.kind == VK::kString) {
    c.text = v.s;
    c.ok = true;
  } else if (v.kind == VK::kBool) {
    c.text = v.b ? "true" : "false";
    c.ok = true;
  }
  return c;
}

auto Compare(const Comparable& a, const Comparable& b) -> std::optional<int> {
  if (!a.ok || !b.ok) return std::nullopt;
  if (!a.version.empty() || !b.version.empty()) {
    return a.version < b.version ? -1 : (a.version == b.version ? 0 : 1);
  }
  if (a.numeric != b.numeric) return std::nullopt;
  if (a.numeric) return a.number < b.number ? -1 : (a.number == b.number ? 0 : 1);
  return a.text < b.text ? -1 : (a.text == b.text ? 0 : 1);
}

auto LengthOf(const Value& v) -> std::optional<int64_t> {
  if (v.kind == VK::kString) return static_cast<int64_t>(v.s.size());
  if (v.kind == VK::kList) return static_cast<int64_t>(v.items.size());
  if (v.kind == VK::kMap) return static_cast<int64_t>(v.entries.size());
  return std::nullopt;
}

auto ClauseText(const Value& clause) -> std::string {
  if (clause.kind != VK::kMap || clause.entries.empty()) return ir::ValueToString(clause);
  return clause.entries[0].first + ": " + ir::ValueToString(clause.entries[0].second);
}

constexpr std::string_view kOperators[] = {
    "equal",        "greater_than", "greater_or_equal", "less_than",  "less_or_equal", "in_range",
    "valid_values", "length",       "min_length",       "max_length", "pattern",       "schema"};

// Compiled `pattern` constraints, by source; nullptr for an invalid one. Blueprints have few
// distinct patterns and many values to check against them.
auto CompiledPattern(const std::string& source) -> const std::regex* {
  thread_local std::unordered_map<std::string, std::unique_ptr<std::regex>> cache;
  auto it = cache.find(source);
  if (it == cache.end()) {
    std::unique_ptr<std::regex> re;
    try {
      re = std::make_unique<std::regex>(source, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
    }
    it = cache.emplace(source, std::move(re)).first;
  }
  return it->second.get();
}

// Whether a clause is well formed; malformed ones are reported once, where they are declared.
auto ClauseUsable(std::string_view op, const Value& arg) -> bool {
  if (op == "in_range") return arg.kind == VK::kList && arg.items.size() == 2;
  if (op == "valid_values") return arg.kind == VK::kList;
  if (op == "length" || op == "min_length" || op == "max_length")
    return arg.kind == VK::kInt && arg.i >= 0;
  if (op == "pattern") return arg.kind == VK::kString && CompiledPattern(arg.s) != nullptr;
  return std::find(std::begin(kOperators), std::end(kOperators), op) != std::end(kOperators);
}

}  // namespace

void ValueChecker::CheckConstraintClauses(const ir::Schema& schema, const std::string& path) {
  for (const Value& clause : schema.constraints) {
    if (clause.kind != VK::kMap || clause.entries.size() != 1) continue;
    const auto& [op, arg] = clause.entries[0];
    if (std::find(std::begin(kOperators), std::end(kOperators), op) == std::end(kOperators)) {
      sink_.Report(diag::Kind::kBadConstraint, clause.loc, path,
                   fmt::format("unknown operator `{}`", op));
      std::vector<std::string_view> names(std::begin(kOperators), std::end(kOperators));
      std::string_view close = diag::ClosestName(op, names);
      if (!close.empty()) sink_.AddNote(clause.loc, fmt::format("did you mean `{}`?", close));
      continue;
    }
    bool needs_list = op == "in_range" || op == "valid_values";
    if (needs_list && arg.kind != VK::kList) {
      sink_.Report(diag::Kind::kBadConstraint, arg.loc, path, fmt::format("`{}` takes a list", op));
    } else if (op == "in_range" && arg.items.size() != 2) {
      sink_.Report(diag::Kind::kBadConstraint, arg.loc, path, "`in_range` takes [min, max]");
    } else if ((op == "length" || op == "min_length" || op == "max_length") &&
               (arg.kind != VK::kInt || arg.i < 0)) {
      sink_.Report(diag::Kind::kBadConstraint, arg.loc, path,
                   fmt::format("`{}` takes a non-negative integer", op));
    } else if (op == "pattern") {
      if (arg.kind != VK::kString) {
        sink_.Report(diag::Kind::kBadConstraint, arg.loc, path, "`pattern` takes a string");
      } else {
        try {
          std::regex re(arg.s, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          sink_.Report(diag::Kind::kBadConstraint, arg.loc, path,
                       fmt::format("`pattern` is not a valid regular expression: {}", e.what()));
        }
      }
    }
  }
}

void ValueChecker::CheckConstraints(const Value& value, std::string_view base,
                                    const std::vector<Value>& constraints, const Subject& subject) {
  for (const Value& clause : constraints) {
    if (clause.kind != VK::kMap || clause.entries.size() != 1) continue;
    const auto& [op, arg] = clause.entries[0];
    if (!ClauseUsable(op, arg)) continue;
    bool ok = true;
    Comparable lhs = MakeComparable(value, base);
    auto cmp = [&](const Value& rhs) { return Compare(lhs, MakeComparable(rhs, base)); };
    if (op == "equal") {
      auto c = cmp(arg);
      ok = c ? *c == 0 : true;
    } else if (op == "greater_than") {
      auto c = cmp(arg);
      ok = c ? *c > 0 : true;
    } else if (op == "greater_or_equal") {
      auto c = cmp(arg);
      ok = c ? *c >= 0 : true;
    } else if (op == "less_than") {
      auto c = cmp(arg);
      ok = c ? *c < 0 : true;
    } else if (op == "less_or_equal") {
      auto c = cmp(arg);
      ok = c ? *c <= 0 : true;
    } else if (op == "in_range" && arg.kind == VK::kList && arg.items.size() == 2) {
      auto lo = cmp(arg.items[0]);
      bool unbounded = arg.items[1].kind == VK::kString && arg.items[1].s == "UNBOUNDED";
      auto hi = unbounded ? std::optional<int>(-1) : cmp(arg.items[1]);
      ok = (!lo || *lo >= 0) && (!hi || *hi <= 0);
    } else if (op == "valid_values" && arg.kind == VK::kList) {
      ok = false;
      bool comparable = false;
      for (const Value& candidate : arg.items) {
        auto c = cmp(candidate);
        comparable |= c.has_value();
        if (c && *c == 0) ok = true;
      }
      if (!comparable) ok = true;
    } else if (op == "length" || op == "min_length" || op == "max_length") {
      auto len = LengthOf(value);
      if (len && arg.kind == VK::kInt) {
        ok = op == "length" ? *len == arg.i : op == "min_length" ? *len >= arg.i : *len <= arg.i;
      }
    } else if (op == "pattern" && arg.kind == VK::kString && value.kind == VK::kString) {
      ok = std::regex_match(value.s, *CompiledPattern(arg.s));
    }
    if (!ok) {
      sink_.Report(diag::Kind::kConstraintViolated, value.loc, subject.path.Str(), subject.What(),
                   ScalarText(value), ClauseText(clause));
      sink_.AddNote(clause.loc, "constraint declared here");
    }
  }
}

void ValueChecker::CheckDataType(const Value& value, const ir::Type& type, const Subject& subject,
                                 int depth) {
  std::string base = lookup_.primitive_base(type);
  if (!base.empty()) {
    // A data type derived from a primitive: check the primitive, then every level's constraints.
    CheckPrimitive(value, base, subject);
    return;
  }
  if (value.kind != VK::kMap) {
    sink_.Report(diag::Kind::kTypeMismatch, value.loc, subject.path.Str(), subject.What(),
                 fmt::format("a map of data type `{}`", type.name), Describe(value));
    return;
  }
  for (const auto& [key, field] : value.entries) {
    auto def = std::find_if(type.properties.begin(), type.properties.end(),
                            [&](const ir::PropertyDef& p) { return p.name == key; });
    diag::PathRef field_path(subject.path, key);
    if (def == type.properties.end()) {
      sink_.Report(diag::Kind::kUnknownProperty, field.loc, field_path.Str(), key, type.name);
      std::vector<std::string_view> names;
      for (const auto& p : type.properties) names.push_back(p.name);
      std::string_view close = diag::ClosestName(key, names);
      if (!close.empty()) sink_.AddNote(field.loc, fmt::format("did you mean `{}`?", close));
      continue;
    }
    Check(field, def->schema, Subject{"property", key, field_path}, depth + 1);
  }
  for (const ir::PropertyDef& def : type.properties) {
    if (!def.required || def.has_default) continue;
    bool present = std::any_of(value.entries.begin(), value.entries.end(),
                               [&](const auto& e) { return e.first == def.name; });
    if (!present) {
      sink_.Report(diag::Kind::kMissingProperty, value.loc, subject.path.Str(), def.name,
                   type.name);
      sink_.AddNote(def.loc, "declared here");
    }
  }
}

void ValueChecker::Check(const Value& value, const ir::Schema& schema, const Subject& subject,
                         int depth) {
  if (depth > 64 || value.kind == VK::kFunction || value.kind == VK::kInvalid ||
      schema.type.empty())
    return;
  if (ContainsFunction(value) && value.kind != VK::kList && value.kind != VK::kMap) return;
  const std::string& type = schema.type;
  std::string base = type;
  if (IsPrimitive(type)) {
    if (!CheckPrimitive(value, type, subject)) return;
  } else if (const ir::Type* data = lookup_.find(type)) {
    CheckDataType(value, *data, subject, depth);
    std::string prim = lookup_.primitive_base(*data);
    if (prim.empty()) return;
    base = prim;
    // A data type derived from a primitive carries its own constraints (PortDef: 1..65535).
    if (!ContainsFunction(value)) CheckConstraints(value, base, data->constraints, subject);
  } else {
    return;  // unknown types are reported where they are declared
  }
  if (!ContainsFunction(value)) CheckConstraints(value, base, schema.constraints, subject);
  if (schema.entry) {
    if (value.kind == VK::kList) {
      for (size_t i = 0; i < value.items.size(); ++i) {
        diag::PathRef item_path(subject.path, i);
        Check(value.items[i], *schema.entry, Subject{subject.kind, subject.name, item_path},
              depth + 1);
      }
    } else if (value.kind == VK::kMap) {
      for (const auto& [key, item] : value.entries) {
        diag::PathRef item_path(subject.path, key);
        Check(item, *schema.entry, Subject{subject.kind, subject.name, item_path}, depth + 1);
      }
    }
  }
}

}  // namespace toscac::sema
