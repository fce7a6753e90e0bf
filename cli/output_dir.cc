#include "cli/output_dir.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace toscac::cli {
namespace {

namespace fs = std::filesystem;

auto StartsWithMarker(const fs::path& path, std::string_view marker) -> bool {
  std::ifstream in(path, std::ios::binary);
  std::string head(marker.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in.gcount() == static_cast<std::streamsize>(marker.size()) && head == marker;
}

auto SameBytes(const fs::path& path, const std::string& text) -> bool {
  std::ifstream in(path, std::ios::binary);
  std::string existing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return existing == text;
}

auto WriteOne(const fs::path& path, const std::string& text) -> std::string {
  fs::path tmp = path;
  tmp += ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (ok && !ec) return "";
  std::string why = ec ? ec.message() : std::strerror(errno);
  fs::remove(tmp, ec);
  return fmt::format("cannot write {}: {}", path.string(), why);
}

}  // namespace

auto WriteGenerated(const std::string& dir, const std::vector<GeneratedFile>& files,
                    std::string_view marker) -> std::string {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return fmt::format("cannot use {} as the output folder: {}", dir,
                       ec ? ec.message() : "not a folder");
  }
  std::set<std::string> names;
  for (const GeneratedFile& file : files) {
    names.insert(file.name);
    fs::path path = fs::path(dir) / file.name;
    if (!fs::exists(path)) continue;
    if (file.copy && !SameBytes(path, file.text)) {
      return fmt::format(
          "{} exists with other contents; not overwriting it with the blueprint's "
          "copy (move it, or choose another output folder)",
          path.string());
    }
    if (!file.copy && !StartsWithMarker(path, marker)) {
      return fmt::format(
          "{} exists and was not written by toscac; not overwriting it (move it, "
          "or choose another output folder)",
          path.string());
    }
  }
  for (const GeneratedFile& file : files) {
    fs::path path = fs::path(dir) / file.name;
    fs::create_directories(path.parent_path(), ec);
    std::string error = WriteOne(path, file.text);
    if (!error.empty()) return error;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && names.count(name) == 0 && StartsWithMarker(entry, marker)) {
      fs::remove(entry.path(), ec);
    }
  }
  return "";
}

}  // namespace toscac::cli
