// Journal priorities: prefixes only when stdout really is the journal stream systemd connected.

#include "daemon/log_priority.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace loaxa {
namespace {

struct PriorityCase {
  const char* text;
  LogPriority priority;
  bool journal;
  const char* expected;
};

class WithPriority : public ::testing::TestWithParam<PriorityCase> {};

TEST_P(WithPriority, PrefixesEveryLineOnlyForTheJournal) {
  const auto& c = GetParam();
  EXPECT_EQ(with_priority(c.text, c.priority, c.journal), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, WithPriority,
    ::testing::Values(
        PriorityCase{"loaxad: started", LogPriority::kInfo, true, "<6>loaxad: started"},
        PriorityCase{"loaxad: device lost", LogPriority::kErr, true, "<3>loaxad: device lost"},
        PriorityCase{"errors:\n  a.toml:1:1: x\n  b.toml:2:3: y", LogPriority::kWarning, true,
                     "<4>errors:\n<4>  a.toml:1:1: x\n<4>  b.toml:2:3: y"},
        PriorityCase{"ends with a newline\n", LogPriority::kNotice, true,
                     "<5>ends with a newline\n<5>"},
        PriorityCase{"", LogPriority::kInfo, true, "<6>"},
        PriorityCase{"terminal\nline two", LogPriority::kErr, false, "terminal\nline two"}));

class JournalStream : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = std::getenv("JOURNAL_STREAM")) saved_ = old;
    file_ = std::tmpfile();
    ASSERT_NE(file_, nullptr);
  }
  void TearDown() override {
    if (saved_) {
      setenv("JOURNAL_STREAM", saved_->c_str(), 1);
    } else {
      unsetenv("JOURNAL_STREAM");
    }
    std::fclose(file_);
  }
  std::string id_of(int fd) {
    struct stat st {};
    EXPECT_EQ(fstat(fd, &st), 0);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  std::optional<std::string> saved_;
  std::FILE* file_ = nullptr;
};

TEST_F(JournalStream, MatchesOnlyTheStreamJournalStreamNames) {
  const int fd = fileno(file_);
  setenv("JOURNAL_STREAM", id_of(fd).c_str(), 1);
  EXPECT_TRUE(is_journal_stream(fd));

  // Redirected elsewhere (e.g. `loaxad > file` inside a unit): that is not the journal.
  std::FILE* other = std::tmpfile();
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(is_journal_stream(fileno(other)));
  std::fclose(other);

  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(is_journal_stream(fd));
  setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(is_journal_stream(fd));
}

}  // namespace
}  // namespace loaxa
