// Diagnostic registry, sink and source manager.
#include "diag/diagnostic.h"

#include <algorithm>

namespace toscac::diag {
namespace {

constexpr KindInfo kKinds[] = {
#define TOSCAC_DIAG(name, code, severity, format) {#name, code, Severity::k##severity, format},
#include "diag/kinds.def"
#undef TOSCAC_DIAG
};

}  // namespace

auto Info(Kind kind) -> const KindInfo& { return kKinds[static_cast<size_t>(kind)]; }

auto AllKinds() -> std::vector<Kind> {
  std::vector<Kind> kinds;
  for (size_t i = 0; i < std::size(kKinds); ++i) kinds.push_back(static_cast<Kind>(i));
  return kinds;
}

SourceManager::SourceManager() { files_.push_back(File{"<none>", "", {}}); }

auto SourceManager::Add(std::string display_name, std::string text) -> FileId {
  files_.push_back(File{std::move(display_name), std::move(text), {}});
  return FileId{static_cast<uint32_t>(files_.size() - 1)};
}

auto SourceManager::Name(FileId id) const -> const std::string& { return files_[id.value].name; }
auto SourceManager::Text(FileId id) const -> const std::string& { return files_[id.value].text; }

auto SourceManager::Line(FileId id, uint32_t line) const -> std::string_view {
  if (id.value >= files_.size() || line == 0) return {};
  const File& file = files_[id.value];
  if (file.line_starts.empty()) {
    file.line_starts.push_back(0);
    for (uint32_t i = 0; i < file.text.size(); ++i) {
      if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
    }
  }
  if (line > file.line_starts.size()) return {};
  uint32_t begin = file.line_starts[line - 1];
  uint32_t end = line < file.line_starts.size() ? file.line_starts[line] - 1 : file.text.size();
  std::string_view text(file.text);
  auto result = text.substr(begin, end - begin);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

auto Sink::Add(Kind kind, Loc loc, std::string yaml_path, std::string message) -> Diagnostic& {
  Severity severity = Info(kind).severity;
  if (severity == Severity::kError) ++errors_;
  if (severity == Severity::kWarning) ++warnings_;
  diagnostics_.push_back(
      Diagnostic{kind, severity, loc, std::move(yaml_path), std::move(message), {}});
  return diagnostics_.back();
}

void Sink::AddNote(Loc loc, std::string message) {
  if (!diagnostics_.empty()) diagnostics_.back().notes.push_back(Note{loc, std::move(message)});
}

void Sink::Append(Sink&& other) {
  for (Diagnostic& d : other.diagnostics_) diagnostics_.push_back(std::move(d));
  errors_ += other.errors_;
  warnings_ += other.warnings_;
  other = Sink();
}

void Sink::SortByLocation() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     auto key = [](const Diagnostic& d) {
                       return std::make_tuple(d.loc.file.value, d.loc.line, d.loc.col);
                     };
                     return key(a) < key(b);
                   });
}

auto ClosestName(std::string_view name, const std::vector<std::string_view>& candidates)
    -> std::string_view {
  std::string_view best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  std::vector<size_t> row;
  for (std::string_view candidate : candidates) {
    row.resize(candidate.size() + 1);
    for (size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= name.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= candidate.size(); ++j) {
        size_t above = row[j];
        size_t cost = name[i - 1] == candidate[j - 1] ? 0 : 1;
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
        diagonal = above;
      }
    }
    if (row[candidate.size()] < best_distance) {
      best_distance = row[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

}  // namespace toscac::diag
