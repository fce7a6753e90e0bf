// planner/render: a plan for people (text, the way `terraform plan` reads) and for Graphviz.
#pragma once

#include <string>

#include "planner/plan.h"

namespace toscac::plan {

/// Per wave, each step with its symbol (`+` create, `-` delete, `~` change, `<=` read another
/// deployment), instance, operation, node type, implementation and inputs; then the summary.
auto RenderText(const Plan& plan) -> std::string;

/// `Plan: 7 instances to install, 19 operations in 6 waves.` or `No changes. ...`.
auto SummaryLine(const Plan& plan) -> std::string;

/// A Graphviz digraph: steps as nodes labelled like the text form, one cluster per outermost
/// host instance (with everything contained in it), the plan's edges.
auto RenderDot(const Plan& plan) -> std::string;

}  // namespace toscac::plan
