#pragma once
// Writes to the log that must never be lost. When the disk is full (or the file cannot be
// written for another I/O reason) a write waits in memory, in order behind any earlier one,
// and is retried; playback never waits for it. Used by the daemon; the CLI writes directly.

#include <SQLiteCpp/Database.h>

#include <deque>
#include <functional>
#include <string>

namespace loaxa {

class LogJournal {
 public:
  using Write = std::function<void(SQLite::Database&)>;

  /// `on_waiting` is called when a write starts waiting (so the owner can arm a retry).
  explicit LogJournal(SQLite::Database& db, std::function<void()> on_waiting = {})
      : db_(db), on_waiting_(std::move(on_waiting)) {}

  /// Runs `write` now; if earlier writes are waiting, or it fails for want of space or I/O,
  /// queues it instead. Other failures (a bug: a constraint) are thrown.
  void write(Write write);
  /// For data only useful now (progress checkpoints of a broadcast under way): written if it
  /// can be, else dropped — never queued, never thrown for want of space. False when dropped.
  bool write_or_drop(const Write& write);
  /// Retries the waiting writes in order; true when none remain.
  bool flush();
  std::size_t backlog() const noexcept { return waiting_.size(); }
  /// SQLite's message for the failure that made writes wait; empty when none wait.
  const std::string& error() const noexcept { return error_; }

 private:
  /// Runs one write; false (and error_ set) when it failed for a reason worth retrying.
  bool attempt(const Write& write);

  SQLite::Database& db_;
  std::function<void()> on_waiting_;
  std::deque<Write> waiting_;
  std::string error_;
};

}  // namespace loaxa
