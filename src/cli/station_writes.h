#pragma once
// Where a change `loaxa` is asked for goes. On a station loaxad is the only writer of the
// database and the library: the change is a request over the control socket, carried out by the
// station operations inside loaxad and recorded in the name of the person asking (their account,
// as the kernel reports it to loaxad, when no --by is given). Only when loaxad is not running,
// and the database is this process's to write (its owner, for maintenance: root, or the loaxa
// user), is the same operation run here; otherwise the change is refused and nothing is written.

#include <vector>

#include "cli/cli_context.h"
#include "station/segment_operations.h"

namespace loaxa {

/// `by` empty means "whoever runs loaxa" in the requests below (approve always names someone).
std::vector<SegmentChange> approve_segments(CliContext& ctx, const ApproveRequest& request);
SegmentChange retire_segment(CliContext& ctx, const RetireRequest& request);
SegmentChange set_segment_validity(CliContext& ctx, const ValidityRequest& request);
SegmentChange edit_segment(CliContext& ctx, const EditRequest& request);

/// Imports the files of `request`. Through loaxad the files are opened here and passed to it
/// (SCM_RIGHTS), so it needs no access to where they are; `progress` is then told of each file
/// once loaxad has done them all.
ImportResult import_segments(CliContext& ctx, const SegmentImportRequest& request,
                             const ImportProgress& progress);

/// The login name of whoever runs this `loaxa`.
std::string current_user();

}  // namespace loaxa
