// The OpenStack Heat backend: a checked blueprint into one HOT template (2018-08-31).
//
// Inputs become parameters, outputs outputs; Cloudify OpenStack plugin nodes and TOSCA normative
// Compute/BlockStorage/network nodes become OS::Nova/Neutron/Cinder resources; scripts of the
// software on a server become OS::Heat::SoftwareConfig + SoftwareDeployment pairs chained in the
// planner's order. Mapping and limits: docs/backends.md. The front end must have kept inputs as
// get_input calls (frontend::DeploymentOptions::keep_inputs), so they become get_param.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::heat {

/// A file the template reads with get_file: where it goes next to stack.yaml, and where it is.
struct File {
  std::string name;    // relative to the output folder, as get_file names it
  std::string source;  // path on disk; empty when it was not found (a warning said so)
};

/// A template the main one uses as a resource type (what an AutoScalingGroup scales).
struct Nested {
  std::string name;  // next to stack.yaml, as the resource type names it
  nlohmann::ordered_json hot;
};

struct Stack {
  nlohmann::ordered_json hot;  // the template, keys in HOT's conventional order
  std::vector<File> files;
  std::vector<Nested> nested;
};

/// `sources` names the files nodes were declared in (scripts are relative to them).
auto Emit(const ir::ServiceTemplate& st, const diag::SourceManager& sources, diag::Sink& sink)
    -> Stack;

}  // namespace toscac::heat
