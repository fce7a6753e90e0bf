// Values: YAML nodes into located ir::Value (functions recognised), and checks of values against
// TOSCA/Cloudify types and constraint clauses.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "diag/diagnostic.h"
#include "diag/path.h"
#include "frontend/syntax.h"
#include "ir/service_template.h"

namespace toscac::sema {

/// Converts a written value; `{get_input: x}` and friends become Function values.
auto ToValue(const syntax::ValueRef& ref, syntax::Family family) -> ir::Value;

/// Converts data without functions (a Kubernetes descriptor): every map stays a map.
auto ToPlainValue(const yaml::Document& doc, yaml::NodeId id) -> ir::Value;

/// True for the intrinsic function names of the dialect.
auto IsFunctionName(std::string_view name, syntax::Family family) -> bool;

enum class ScalarUnitKind { kSize, kTime, kFrequency, kBitrate };
/// Parses `10 GB` into base units (bytes, seconds, Hz, bits/s); nullopt when malformed.
auto ParseScalarUnit(std::string_view text, ScalarUnitKind kind) -> std::optional<double>;
auto ScalarUnitNames(ScalarUnitKind kind) -> std::string;

/// Looks up data types for the checker.
struct DataTypeLookup {
  std::function<const ir::Type*(std::string_view)> find;
  /// The primitive a data type ultimately derives from, or empty.
  std::function<std::string(const ir::Type&)> primitive_base;
};

/// What a checked value is, for messages: kind `property`, name `port`, and where it stands.
/// Strings are made only when a diagnostic is reported.
struct Subject {
  std::string_view kind;
  std::string_view name;
  const diag::PathRef& path;
  auto What() const -> std::string;
};

/// Checks values against schemas; reports with the given YAML path.
class ValueChecker {
 public:
  ValueChecker(DataTypeLookup lookup, diag::Sink& sink) : lookup_(std::move(lookup)), sink_(sink) {}

  /// Checks `value` against `schema`.
  void Check(const ir::Value& value, const ir::Schema& schema, const Subject& subject,
             int depth = 0);
  /// Validates a schema's constraint clauses themselves (operators and argument shapes).
  void CheckConstraintClauses(const ir::Schema& schema, const std::string& path);
  /// Whether a type name is a known primitive.
  static auto IsPrimitive(std::string_view type) -> bool;

 private:
  auto CheckPrimitive(const ir::Value& value, std::string_view type, const Subject& subject)
      -> bool;
  void CheckConstraints(const ir::Value& value, std::string_view base_type,
                        const std::vector<ir::Value>& constraints, const Subject& subject);
  void CheckDataType(const ir::Value& value, const ir::Type& type, const Subject& subject,
                     int depth);

  DataTypeLookup lookup_;
  diag::Sink& sink_;
};

/// True when the value contains a function anywhere (its content is only known later).
auto ContainsFunction(const ir::Value& value) -> bool;

}  // namespace toscac::sema
