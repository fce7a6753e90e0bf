// Plain IR values as JSON, for every backend.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "ir/service_template.h"

namespace toscac::backends {

/// A value as JSON: maps keep their order. Functions and invalid values become null: callers
/// that may meet them translate or report them first.
auto PlainJson(const ir::Value& value) -> nlohmann::ordered_json;

}  // namespace toscac::backends
