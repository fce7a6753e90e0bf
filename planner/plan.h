// plan::Plan: what a workflow will execute, as plain data. Produced by planner/workflows, printed
// by planner/render, saved as JSON (`toscac plan --out`) for a later `toscac apply`.
//
// A plan is self-contained: names instead of ids into the IR, so a saved plan can be read back
// without the blueprint. ToJson(FromJson(text)) == text for every plan ToJson wrote.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace toscac::plan {

constexpr int kFormatVersion = 1;

/// What a step does to the deployment, for the reader: `+`, `-`, `~`, `<=`.
enum class Action : uint8_t {
  kCreate,  // installs something new (create/configure/start, their relationship operations)
  kDelete,  // removes something (stop/unlink/delete)
  kChange,  // changes something that stays (a relationship to a new instance, replicas)
  kRead,    // reads another deployment (a deployment proxy's operations)
};

/// An operation input: a plain value (as JSON text), or a value only known at deploy time.
struct StepInput {
  std::string name;
  std::string json;        // the value as compact JSON; empty when known only after apply
  std::string expression;  // a runtime value: the function that will give it
  bool sensitive = false;  // shown as (sensitive); the value is kept for apply
};

struct Step {
  std::string instance;  // where the operation runs
  std::string node;      // that instance's node template
  std::string node_type;
  std::string interface;
  std::string operation;
  std::string implementation;
  std::string relationship;  // a relationship operation: the relationship's type
  std::string source;        // ... its source instance
  std::string target;        // ... its target instance
  Action action = Action::kCreate;
  std::vector<StepInput> inputs;
};

/// What happens to an instance as a whole.
enum class Change : uint8_t { kInstall, kUninstall, kReinstall, kChange };

struct PlannedInstance {
  std::string id;
  std::string node;
  std::string host;  // the instance it is contained in; empty when none
  Change change = Change::kInstall;
};

struct Plan {
  std::string workflow;  // install, uninstall, scale, heal, kube_scale
  std::string blueprint;
  std::vector<std::pair<std::string, std::string>> parameters;  // the workflow's, as given
  std::vector<PlannedInstance> instances;                       // the ones the plan touches
  std::vector<Step> steps;
  std::vector<std::pair<uint32_t, uint32_t>> edges;  // (before, after), indexes into steps
  std::vector<std::vector<uint32_t>> waves;          // steps that may run together, in order

  /// Nothing to run and no instance to add, remove or change.
  auto empty() const -> bool { return steps.empty() && instances.empty(); }
};

/// Layers the steps by their edges: a step's wave is one after its latest predecessor's, so a
/// wave holds steps whose predecessors have all finished. Steps keep their order within a wave.
/// Returns false (and leaves waves empty) when the edges have a cycle.
auto ComputeWaves(Plan& plan) -> bool;

auto ActionSymbol(Action action) -> std::string_view;
auto ActionName(Action action) -> std::string_view;
auto ChangeName(Change change) -> std::string_view;

/// The versioned JSON form (`format_version`), pretty-printed with two spaces.
auto ToJson(const Plan& plan) -> std::string;
/// Reads a plan ToJson wrote. On failure returns nullopt and says why in `error`; for text that
/// is not JSON, `error_offset` is the 1-based byte offset where reading stopped (0 otherwise).
auto FromJson(const std::string& text, std::string& error, size_t* error_offset = nullptr)
    -> std::optional<Plan>;

}  // namespace toscac::plan
