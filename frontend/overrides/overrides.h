// Kubernetes descriptors and their override statements: the front end's last stage, after sema.
// For each node of a type derived from cloudify.kubernetes.Microservice, every `config_files`
// entry names a descriptor (read relative to the file that declares the node) and a list of
// overrides; each override is parsed (grammar/override.h) and checked: its path against the
// descriptor, its `@{node,key,...}` against the blueprint's nodes, its `%{field}` against the
// documented deployment fields. Nothing is executed.
#pragma once

#include <string_view>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::overrides {

struct Options {
  bool allow_outside = false;  // descriptors may lie outside the blueprint's folder
};

/// Returns `st` with each node's ConfigFile entries and implicit dependencies (nodes whose
/// runtime properties its overrides read) filled in. Descriptor texts are added to `sources`.
auto Check(ir::ServiceTemplate st, const Options& options, diag::SourceManager& sources,
           diag::Sink& sink) -> ir::ServiceTemplate;

/// The fields `%{...}` may name, in documentation order.
auto DeploymentFields() -> const std::vector<std::string_view>&;

/// The file position of code point `offset` of a scalar's value, for a scalar that starts at
/// `start` (its opening quote, if quoted) and stays on one line; otherwise `start` itself.
auto LocInScalar(const diag::SourceManager& sources, diag::Loc start, uint32_t offset) -> diag::Loc;

}  // namespace toscac::overrides
