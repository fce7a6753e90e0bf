// JSON values as YAML text (for every backend) through yaml-cpp's emitter, with quoting decided
// here: kubectl reads YAML 1.1 (`on`, `yes`, `0777`, `1:20` are not strings there), so only strings
// that cannot be mistaken for anything else stay plain.
#include "backends/common/yaml_out.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace toscac::backends {
namespace {

using Json = nlohmann::ordered_json;

// Words YAML 1.1 or 1.2 resolve to booleans or null, in any of their spellings.
auto IsReservedWord(std::string_view s) -> bool {
  static constexpr std::string_view kWords[] = {"y",     "yes", "n",   "no",   "true",
                                                "false", "on",  "off", "null", "~"};
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

// Plain only when it starts with a letter, uses name-like characters and is no reserved word:
// this excludes every number, timestamp, sexagesimal and indicator form of both YAML versions.
auto NeedsQuotes(std::string_view s) -> bool {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return true;
  for (char c : s) {
    bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return true;
  }
  return IsReservedWord(s);
}

void EmitString(YAML::Emitter& out, const std::string& s) {
  if (s.find('\n') != std::string::npos) {
    out << YAML::Literal << s;
  } else if (NeedsQuotes(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;
  }
}

void EmitValue(YAML::Emitter& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& [key, item] : v.items()) {
        out << YAML::Key;
        EmitString(out, key);
        out << YAML::Value;
        EmitValue(out, item);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const Json& item : v) EmitValue(out, item);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string:
      EmitString(out, v.get<std::string>());
      break;
    case Json::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      break;
    case Json::value_t::number_integer:
      out << fmt::format("{}", v.get<int64_t>());
      break;
    case Json::value_t::number_unsigned:
      out << fmt::format("{}", v.get<uint64_t>());
      break;
    case Json::value_t::number_float:
      out << fmt::format("{}", v.get<double>());
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

auto ToYaml(const Json& body) -> std::string {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  EmitValue(out, body);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace toscac::backends
