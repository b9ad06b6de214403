#pragma once
// Log lines with priorities for journald. Under systemd loaxad's stdout and stderr are journal
// streams; a line that starts with "<N>" (sd-daemon(3)) is stored with syslog priority N, so
// `journalctl -p warning -u loaxad` shows warnings and errors only. Elsewhere (a terminal,
// `make run`, tests) lines are printed as they are.

#include <string>
#include <string_view>

namespace loaxa {

/// syslog priorities loaxad uses (sd-daemon.h's SD_CRIT .. SD_INFO).
enum class LogPriority { kCrit = 2, kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

/// Whether `fd` is the journal stream systemd connected (JOURNAL_STREAM names its device and
/// inode), rather than a terminal or a file it was redirected to.
bool is_journal_stream(int fd);

/// `text` ready to print: with the journal, every line carries the priority prefix (journald
/// splits a stream at newlines, and an unprefixed line would fall back to info).
std::string with_priority(std::string_view text, LogPriority priority, bool journal);

}  // namespace loaxa
