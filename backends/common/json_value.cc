#include "backends/common/json_value.h"

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

}  // namespace toscac::backends
