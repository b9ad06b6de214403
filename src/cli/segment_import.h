#pragma once
// The import path of `loaxa segment import`, for other commands that accept a file where a
// segment is meant (`loaxa play FILE`).

#include <filesystem>
#include <optional>

#include "cli/cli_context.h"
#include "core/segment.h"

namespace loaxa {

/// A file taken into the library by import_file().
struct ImportedFile {
  Segment segment;         ///< the new segment, or the one with the same content already there
  bool duplicate = false;  ///< the content had been imported before; nothing was added
};

/// Decodes, measures and records `file` exactly as `loaxa segment import FILE` does (no title,
/// tag, approval or validity options). A refused file has its reason printed to stderr and gives
/// none; nothing is printed otherwise, so the caller decides what to say.
std::optional<ImportedFile> import_file(CliContext& ctx, const std::filesystem::path& file);

}  // namespace loaxa
