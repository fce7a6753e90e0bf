// sema's door.
#include "frontend/sema/sema.h"

#include "frontend/sema/analyzer.h"

namespace toscac::sema {

auto Analyze(const imports::LoadedSet& loaded, const diag::SourceManager& sources, diag::Sink& sink)
    -> ir::ServiceTemplate {
  (void)sources;
  Analyzer analyzer(loaded, sink);
  ir::ServiceTemplate st = analyzer.Run();
  for (const imports::LoadedFile& f : loaded.files) st.files.push_back(f.origin);
  if (!loaded.files.empty() && loaded.files[0].doc) st.root_file = loaded.files[0].doc->file;
  return st;
}

}  // namespace toscac::sema
