#include "store/log_journal.h"

#include <sqlite3.h>

namespace loaxa {
namespace {

bool worth_retrying(const SQLite::Exception& e) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_READONLY:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool LogJournal::attempt(const Write& write) {
  try {
    write(db_);
    return true;
  } catch (const SQLite::Exception& e) {
    if (!worth_retrying(e)) throw;
    error_ = e.what();
    return false;
  }
}

void LogJournal::write(Write write) {
  if (waiting_.empty() && attempt(write)) return;
  waiting_.push_back(std::move(write));
  if (waiting_.size() == 1 && on_waiting_) on_waiting_();
}

bool LogJournal::write_or_drop(const Write& write) {
  return waiting_.empty() && attempt(write);
}

bool LogJournal::flush() {
  while (!waiting_.empty()) {
    if (!attempt(waiting_.front())) return false;
    waiting_.pop_front();
  }
  error_.clear();
  return true;
}

}  // namespace loaxa
