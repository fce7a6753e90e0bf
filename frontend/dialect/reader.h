// Reads one YAML document of a blueprint or type file into the dialect-neutral syntax model.
#pragma once

#include <optional>

#include "diag/diagnostic.h"
#include "frontend/syntax.h"
#include "frontend/yaml/yaml_tree.h"

namespace toscac::dialect {

/// Parses a `tosca_definitions_version` value; nullopt when unknown.
auto ParseVersion(std::string_view text) -> std::optional<syntax::Version>;

/// Reads `doc` as a file of `version` (the file's own version, or its importer's when the file
/// declares none, as Cloudify plugin files do). Every keyname problem goes to `sink`.
/// `doc` must outlive the returned File: values are references into it.
auto ReadFile(const yaml::Document& doc, syntax::Version version, diag::Sink& sink) -> syntax::File;

}  // namespace toscac::dialect
