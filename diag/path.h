// A YAML path (`topology_template.node_templates.web.properties.port`) built only when a
// diagnostic needs it: segments live on the caller's stack and point at their parent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace toscac::diag {

/// `parent` (and every string viewed) must outlive the PathRef; keep them on the stack.
class PathRef {
 public:
  /// The root; `base` may be empty or a dotted prefix such as `topology_template`.
  explicit PathRef(std::string_view base = {}) : key_(base) {}
  PathRef(const PathRef& parent, std::string_view key) : parent_(&parent), key_(key) {}
  PathRef(const PathRef& parent, size_t index)
      : parent_(&parent), index_(static_cast<int64_t>(index)) {}

  auto Str() const -> std::string {
    std::string out = parent_ != nullptr ? parent_->Str() : std::string();
    if (index_ >= 0) return out + "[" + std::to_string(index_) + "]";
    if (key_.empty()) return out;
    if (!out.empty()) out += '.';
    out += key_;
    return out;
  }

 private:
  const PathRef* parent_ = nullptr;
  std::string_view key_;
  int64_t index_ = -1;
};

}  // namespace toscac::diag
