// Static evaluation: the front end's last stage. Everything computable before deployment is
// folded into plain values (get_input with a value or default, get_property of static
// properties, concat/join/token/merge of static values, get_nodes_of_type, deployment fields the
// context knows, and outputs of other deployments read through deployment proxies). What only
// exists once something is deployed stays a function marked `runtime` ("known after apply");
// whatever a secret flows into is marked `sensitive`.
#pragma once

#include <string>
#include <string_view>

#include "diag/diagnostic.h"
#include "ir/service_template.h"

namespace toscac::evaluate {

/// Other deployments' outputs by deployment id: files given on the command line now, the
/// runtime's state store later.
class OutputsSource {
 public:
  virtual ~OutputsSource() = default;
  /// The outputs of deployment `id` as a map value, or nullptr when they are not known.
  virtual auto Outputs(std::string_view deployment_id) const -> const ir::Value* = 0;
};

/// What the deployment being evaluated knows about itself.
struct Context {
  std::string deployment_id;  // `%{deployment.id}`; empty: not known
  std::string blueprint_id;   // `%{blueprint.id}`
  std::string management_ip;  // `%{management_ip}`; empty: not known
  const OutputsSource* outputs = nullptr;
  bool require_inputs = false;  // plan, emit: every required input needs a value
  bool keep_inputs = false;     // get_input is not folded (it becomes a template parameter)
};

/// Folds every value of `st`; reports circular get_property chains, bad arguments and paths,
/// missing outputs and (with require_inputs) missing inputs.
auto Evaluate(ir::ServiceTemplate st, const Context& context, diag::Sink& sink)
    -> ir::ServiceTemplate;

}  // namespace toscac::evaluate
