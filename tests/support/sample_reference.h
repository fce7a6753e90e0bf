// The reference for trace lines (planner/policies/samples): what nlohmann's JSON parser makes of
// a line under the trace's rules. Shared by the unit test and the differential fuzz target.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "planner/policies/engine.h"

namespace toscac::policies {

// What a JSON parser makes of the line, under the trace's rules; nullopt when it must be
// refused. Keys read twice are left out of the comparison (a JSON parser keeps the last).
inline auto SampleReference(const std::string& line) -> std::optional<Sample> {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto number = [&](const char* key, double& out, double limit) {
    if (!j.contains(key)) return false;
    if (!j[key].is_number()) return false;
    out = j[key].get<double>();
    return std::isfinite(out) && std::abs(out) <= limit;
  };
  Sample s;  // ttl -1: absent
  if (!number("ts", s.ts, 9e15) || !number("value", s.value, 1e300)) return std::nullopt;
  if (j.contains("ttl") && (!number("ttl", s.ttl, 9e15) || s.ttl < 0)) return std::nullopt;
  if (!j.contains("source") || !j["source"].is_string()) return std::nullopt;
  if (!j.contains("name") || !j["name"].is_string()) return std::nullopt;
  s.source = j["source"].get<std::string>();
  s.name = j["name"].get<std::string>();
  return s;
}

inline auto RepeatsAKey(const std::string& line) -> bool {
  for (const char* key : {"\"ts\"", "\"source\"", "\"name\"", "\"value\"", "\"ttl\""}) {
    size_t first = line.find(key);
    if (first != std::string::npos && line.find(key, first + 1) != std::string::npos) return true;
  }
  return false;
}

}  // namespace toscac::policies
