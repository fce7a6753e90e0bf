// JSON values as YAML documents, for the files backends write.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace toscac::backends {

/// One value as a YAML document (yaml-cpp's emitter), keys in their order. Strings that YAML 1.1
/// or 1.2 would read back as another type (`'3000'`, `'on'`, `''`, `'2018-08-31'`) are quoted,
/// so that kubectl, PyYAML and Heat see exactly the JSON types of `value`.
auto ToYaml(const nlohmann::ordered_json& value) -> std::string;

}  // namespace toscac::backends
