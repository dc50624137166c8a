#include "steps/support/metadata_block.h"

#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"

namespace zerobuffer::steps {

absl::Status ExpectNoMetadataBlock(const Reader& reader) {
  const OIEB oieb = reader.oieb_snapshot();
  if (oieb.metadata_size == 0 && oieb.metadata_written_bytes == 0 &&
      reader.metadata().empty()) {
    return absl::OkStatus();
  }
  return Failed(absl::StrCat("expected no metadata block in ", reader.name(),
                             ": the OIEB has a ", oieb.metadata_size,
                             "-byte block with ", oieb.metadata_written_bytes,
                             " bytes written, and the reader sees ",
                             reader.metadata().size(), " bytes"));
}

}  // namespace zerobuffer::steps
