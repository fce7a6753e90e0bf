// Diagnostics as data: every user-facing problem is a Diagnostic value collected in a Sink.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace toscac::diag {

enum class Severity : uint8_t { kNote, kWarning, kError };

/// Every diagnostic kind, from kinds.def.
enum class Kind : uint16_t {
#define TOSCAC_DIAG(name, code, severity, format) k##name,
#include "diag/kinds.def"
#undef TOSCAC_DIAG
};

struct KindInfo {
  std::string_view name;
  std::string_view code;
  Severity severity;
  std::string_view format;
};

/// Registry lookup; valid for every Kind.
auto Info(Kind kind) -> const KindInfo&;
/// All kinds, in declaration order (for docs and tests).
auto AllKinds() -> std::vector<Kind>;

/// Index of a file in the SourceManager. 0 means "no file".
struct FileId {
  uint32_t value = 0;
  friend auto operator==(FileId a, FileId b) -> bool { return a.value == b.value; }
  friend auto operator!=(FileId a, FileId b) -> bool { return a.value != b.value; }
};

/// A 1-based position in a file. line == 0 means "whole file".
struct Loc {
  FileId file;
  uint32_t line = 0;
  uint32_t col = 0;
};

/// Owns the text of every file read, so that diagnostics can show the offending line.
class SourceManager {
 public:
  SourceManager();
  /// Registers a file's display name and contents; returns its id.
  auto Add(std::string display_name, std::string text) -> FileId;
  auto Name(FileId id) const -> const std::string&;
  auto Text(FileId id) const -> const std::string&;
  /// The text of 1-based line `line` without its newline, or empty.
  auto Line(FileId id, uint32_t line) const -> std::string_view;
  auto size() const -> size_t { return files_.size(); }

 private:
  struct File {
    std::string name;
    std::string text;
    mutable std::vector<uint32_t> line_starts;  // computed on first Line() call
  };
  std::vector<File> files_;
};

struct Note {
  Loc loc;
  std::string message;
};

struct Diagnostic {
  Kind kind;
  Severity severity;
  Loc loc;
  std::string yaml_path;  // e.g. node_templates.master.properties.port; may be empty
  std::string message;
  std::vector<Note> notes;
};

/// Collects diagnostics. Stages report everything they find; the driver decides what happens next.
class Sink {
 public:
  template <typename... Args>
  auto Report(Kind kind, Loc loc, std::string yaml_path, const Args&... args) -> Diagnostic& {
    return Add(kind, loc, std::move(yaml_path),
               fmt::format(fmt::runtime(Info(kind).format), args...));
  }
  auto Add(Kind kind, Loc loc, std::string yaml_path, std::string message) -> Diagnostic&;
  /// Adds a note to the most recent diagnostic.
  void AddNote(Loc loc, std::string message);

  auto diagnostics() const -> const std::vector<Diagnostic>& { return diagnostics_; }
  auto error_count() const -> size_t { return errors_; }
  auto warning_count() const -> size_t { return warnings_; }
  /// Moves every diagnostic of `other` to the end of this sink, in order.
  void Append(Sink&& other);
  /// Sorts by file, line, column, then code, for stable output.
  void SortByLocation();

 private:
  std::vector<Diagnostic> diagnostics_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
};

/// Rendering: pure functions from diagnostics to text; the CLI prints them.
auto RenderText(const std::vector<Diagnostic>& diags, const SourceManager& sources, bool color)
    -> std::string;
auto RenderJson(const std::vector<Diagnostic>& diags, const SourceManager& sources) -> std::string;
auto RenderSarif(const std::vector<Diagnostic>& diags, const SourceManager& sources,
                 std::string_view tool_version) -> std::string;

/// Levenshtein-based suggestion: the closest candidate within a small distance, or empty.
auto ClosestName(std::string_view name, const std::vector<std::string_view>& candidates)
    -> std::string_view;

}  // namespace toscac::diag
