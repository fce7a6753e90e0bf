// Scaling groups and instance counts, checked once the template's values are final.
#pragma once

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::sema {

/// Scaling groups from groups and their scaling policies (cloudify.policies.scaling,
/// tosca.policies.Scaling), each node's innermost scaling group, and the errors a user can make
/// with them: a node in two unrelated groups, groups containing each other, a group whose members
/// live on different hosts, a group scaled by two policies. Needs relationships and groups built.
void BuildScalingGroups(ir::ServiceTemplate& st, diag::Sink& sink);

/// Instance counts from the scalable capabilities and scaling policies, read after evaluation
/// (so `default_instances: {get_input: n}` counts), each checked against its bounds.
void ReadInstanceCounts(ir::ServiceTemplate& st, diag::Sink& sink);

}  // namespace toscac::sema
