#include "backends/common/json_value.h"

#include <cstdlib>
#include <map>
#include <string>

namespace toscac::backends {

auto PlainJson(const ir::Value& v) -> nlohmann::ordered_json {
  using Json = nlohmann::ordered_json;
  using VK = ir::Value::Kind;
  switch (v.kind) {
    case VK::kBool:
      return v.b;
    case VK::kInt:
      return v.i;
    case VK::kFloat:
      return v.f;
    case VK::kString:
      return v.s;
    case VK::kList: {
      Json out = Json::array();
      for (const ir::Value& item : v.items) out.push_back(PlainJson(item));
      return out;
    }
    case VK::kMap: {
      Json out = Json::object();
      for (const auto& [key, item] : v.entries) out[key] = PlainJson(item);
      return out;
    }
    default:
      return nullptr;
  }
}

auto DurationSeconds(const ir::Value& v) -> std::optional<int64_t> {
  using VK = ir::Value::Kind;
  if (v.kind == VK::kInt) return v.i;
  if (v.kind == VK::kFloat) return static_cast<int64_t>(v.f);
  if (v.kind != VK::kString) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(v.s.c_str(), &end);
  std::string unit(end);
  unit.erase(0, unit.find_first_not_of(' '));
  static const std::map<std::string, double> kUnits = {
      {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}, {"ms", 0.001}, {"us", 1e-6}, {"ns", 1e-9}};
  auto it = kUnits.find(unit);
  if (end == v.s.c_str() || it == kUnits.end()) return std::nullopt;
  return static_cast<int64_t>(number * it->second);
}

}  // namespace toscac::backends
