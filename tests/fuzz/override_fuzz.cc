// libFuzzer target for the override parser (clang only; see tests/fuzz/CMakeLists.txt).
// Properties: every input gets exactly a statement or an error; an error points inside the
// statement; a statement printed canonically parses back to the same canonical text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "grammar/override.h"

namespace {

auto CodePoints(std::string_view text) -> uint32_t {
  uint32_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

auto HasBackslash(const toscac::grammar::Statement& st) -> bool {
  for (const auto& piece : st.value.pieces) {
    if (piece.text.find('\\') != std::string::npos) return true;
  }
  for (const auto& sub : st.path) {
    if (sub.key.find('\\') != std::string::npos) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = toscac::grammar::ParseOverride(text);
  if (result.statement.has_value() == result.error.has_value()) std::abort();
  if (result.error && result.error->offset > CodePoints(text)) std::abort();
  // Text that kept a backslash (`\d`) may print as an escape sequence; skip the round trip there.
  if (result.statement && !HasBackslash(*result.statement)) {
    std::string canonical = toscac::grammar::ToString(*result.statement);
    auto again = toscac::grammar::ParseOverride(canonical);
    if (!again.statement || toscac::grammar::ToString(*again.statement) != canonical) std::abort();
  }
  return 0;
}
