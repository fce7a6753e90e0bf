// Plain IR values as JSON, for every backend.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "ir/service_template.h"

namespace toscac::backends {

/// A value as JSON: maps keep their order. Functions and invalid values become null: callers
/// that may meet them translate or report them first.
auto PlainJson(const ir::Value& value) -> nlohmann::ordered_json;

/// A duration in whole seconds: a number of seconds, or a TOSCA scalar-unit.time (`60 s`,
/// `2 m`, `500 ms`); nullopt for anything else.
auto DurationSeconds(const ir::Value& value) -> std::optional<int64_t>;

}  // namespace toscac::backends
