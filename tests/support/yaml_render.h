// A canonical rendering of parsed YAML documents and their diagnostics, for tests that compare
// two ways of parsing the same text.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "frontend/yaml/yaml_tree.h"

namespace toscac::yaml::testing {

// A canonical rendering of a document reached from its root: one line per node with position,
// kind, style and text, children indented.
inline void Render(const Document& doc, NodeId id, int depth, std::ostringstream& out) {
  const Node& n = doc[id];
  out << std::string(static_cast<size_t>(depth) * 2, ' ') << n.line << ':' << n.col << ' '
      << KindName(n.kind) << (n.plain ? " plain" : "") << (n.flow ? " flow" : "")
      << (n.invalid ? " invalid" : "") << " [" << n.text << "]\n";
  if (n.kind != Kind::kMap && n.kind != Kind::kSeq) return;
  for (NodeId child : doc.Children(id)) Render(doc, child, depth + 1, out);
}

inline auto RenderAll(const std::vector<Document>& docs, const diag::Sink& sink) -> std::string {
  std::ostringstream out;
  for (const Document& doc : docs) {
    out << "--- document\n";
    if (doc.root.valid()) Render(doc, doc.root, 0, out);
  }
  for (const diag::Diagnostic& d : sink.diagnostics()) {
    out << "diag " << static_cast<int>(d.kind) << ' ' << d.loc.line << ':' << d.loc.col << ' '
        << d.message << '\n';
  }
  return out.str();
}

}  // namespace toscac::yaml::testing
