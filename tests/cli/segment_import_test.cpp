// `loaxa segment import|list|show`, run as the built executable against a temporary station.

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audio/audio_analysis.h"
#include "fakes/command_runner.h"
#include "fakes/fixtures.h"
#include "store/database.h"
#include "store/segment_repository.h"

namespace loaxa {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::AudioFormat;
using testing::TempDir;

using RunResult = testing::CommandResult;
using testing::loaxa_binary;
using testing::shell_quote;
std::string read_all(const fs::path& file) {
  return testing::read_file(file);
}

/// A station in a temp folder: config, database and library all inside it.
class Station {
 public:
  Station() {
    fs::create_directories(dir_ / "config");
    std::ofstream(config_) << "[station]\n"
                              "name = \"Xã Thử Nghiệm\"\n"
                              "timezone = \"Asia/Ho_Chi_Minh\"\n"
                              "[storage]\n"
                              "database = \"../var/loaxa.db\"\n"
                              "library = \"../var/library\"\n"
                              "[audio]\n"
                              "target_lufs = -16.0\n";
  }

  fs::path library() const { return dir_ / "var/library"; }
  fs::path database() const { return dir_ / "var/loaxa.db"; }
  fs::path input(const std::string& name) const {
    fs::create_directories(dir_ / "in");
    return dir_ / "in" / name;
  }

  /// Writes a 3 s, half-scale 1 kHz tone (mono: -9.03 LUFS, -6.02 dBTP).
  fs::path tone(const std::string& name, AudioFormat format, int rate = 48000, int channels = 1,
                double frequency = 1000) const {
    const fs::path file = input(name);
    testing::write_audio(file, {format, rate, channels, rate * 3},
                         testing::sine(frequency, 0.5, rate));
    return file;
  }

  RunResult run(const std::vector<std::string>& args) const {
    std::string cmd =
        shell_quote(loaxa_binary().string()) + " --config " + shell_quote(config_.string());
    for (const auto& a : args) cmd += " " + shell_quote(a);
    const fs::path out = dir_ / "stdout";
    const fs::path err = dir_ / "stderr";
    cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
    RunResult r;
    const int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_all(out);
    r.err = read_all(err);
    return r;
  }

  std::vector<Segment> rows() const {
    if (!fs::exists(database())) return {};
    auto db = open_database_readonly(database());
    return SegmentRepository(*db).all();
  }

  /// Every entry in the library folder, hidden temporaries included.
  std::vector<std::string> library_files() const {
    std::vector<std::string> names;
    if (!fs::exists(library())) return names;
    for (const auto& e : fs::directory_iterator(library())) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }

 private:
  TempDir dir_;
  fs::path config_ = dir_ / "config/loaxa.toml";
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- every format imports --------------------------------------------------------------------

struct FormatCase {
  AudioFormat format;
  int rate;
  int channels;
  const char* format_name;
  const char* extension;
};

class ImportFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(ImportFormat, RecordsTheSegmentAndCopiesItUnderItsHash) {
  const FormatCase& c = GetParam();
  Station st;
  const fs::path file =
      st.tone("Giới thiệu một cửa." + std::string(testing::extension_of(c.format)), c.format,
              c.rate, c.channels);

  const RunResult r = st.run({"--lang", "en", "segment", "import", file.string(), "--tag", "cchc"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto rows = st.rows();
  ASSERT_EQ(rows.size(), 1u);
  const Segment& s = rows.front();
  const std::string sha = *sha256_of_file(file);
  EXPECT_EQ(s.sha256, sha);
  EXPECT_EQ(s.id, sha.substr(0, 12));
  EXPECT_TRUE(contains(r.out, s.id)) << r.out;
  EXPECT_EQ(s.title, "Giới thiệu một cửa");
  EXPECT_EQ(s.tag, "cchc");
  EXPECT_EQ(s.original_name, file.filename().string());
  EXPECT_EQ(s.format, c.format_name);
  EXPECT_EQ(s.sample_rate, c.rate);
  EXPECT_EQ(s.channels, c.channels);
  if (testing::is_lossless(c.format)) {
    EXPECT_EQ(s.frames, c.rate * 3);
  } else {
    EXPECT_EQ(s.frames, testing::decode_frame_count(file));
  }
  const double expected_lufs = -9.03 + 10 * std::log10(c.channels);
  EXPECT_NEAR(s.loudness_lufs, expected_lufs, testing::is_lossless(c.format) ? 0.1 : 0.5);
  EXPECT_DOUBLE_EQ(s.gain_db, gain_to_target(s.loudness_lufs, s.true_peak_dbtp, -16.0, -1.0));

  EXPECT_EQ(s.library_path, sha + "." + c.extension);
  EXPECT_EQ(st.library_files(), std::vector<std::string>{s.library_path});
  EXPECT_EQ(sha256_of_file(st.library() / s.library_path), sha);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ImportFormat,
    ::testing::Values(FormatCase{AudioFormat::kWav16, 44100, 1, "WAV", "wav"},
                      FormatCase{AudioFormat::kWavFloat, 48000, 2, "WAV", "wav"},
                      FormatCase{AudioFormat::kFlac16, 22050, 2, "FLAC", "flac"},
                      FormatCase{AudioFormat::kVorbis, 22050, 1, "OGG/VORBIS", "ogg"},
                      FormatCase{AudioFormat::kOpus, 48000, 2, "OGG/OPUS", "opus"},
                      FormatCase{AudioFormat::kMp3, 44100, 2, "MP3", "mp3"}),
    [](const auto& info) { return std::string(testing::name_of(info.param.format)); });

// --- bad files leave nothing behind ----------------------------------------------------------

struct BadCase {
  const char* name;
  fs::path (*make)(const Station&);
  const char* says;  ///< words of the English message
};

fs::path cut_copy(const Station& st, AudioFormat format, const std::string& name) {
  const fs::path good = st.tone("whole." + std::string(testing::extension_of(format)), format);
  const fs::path bad = st.input(name);
  testing::write_truncated_copy(good, bad, fs::file_size(good) / 2);
  fs::remove(good);
  return bad;
}

const BadCase kBadFiles[] = {
    {"missing", [](const Station& st) { return st.input("không-có.wav"); }, "file not found"},
    {"zero_bytes",
     [](const Station& st) {
       testing::write_bytes(st.input("rỗng.wav"), "");
       return st.input("rỗng.wav");
     },
     "empty (0 bytes)"},
    {"random_bytes_named_wav",
     [](const Station& st) {
       testing::write_bytes(st.input("noise.wav"), testing::random_bytes(64000));
       return st.input("noise.wav");
     },
     "Format not recognised"},
    {"aac_m4a",
     [](const Station& st) {
       testing::write_bytes(st.input("thong-bao.m4a"),
                            std::string("\0\0\0\x20"
                                        "ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0",
                                        32) +
                                testing::random_bytes(20000));
       return st.input("thong-bao.m4a");
     },
     "convert AAC/M4A"},
    {"zero_frames",
     [](const Station& st) {
       // A header and no data: FLAC would be 0 bytes, since libsndfile writes its header lazily.
       testing::write_audio(st.input("zero.wav"), {AudioFormat::kWav16, 44100, 1, 0},
                            testing::silence());
       return st.input("zero.wav");
     },
     "no audio (0 frames)"},
    {"truncated_wav",
     [](const Station& st) { return cut_copy(st, AudioFormat::kWav16, "cut.wav"); }, "cut short"},
    {"truncated_flac",
     [](const Station& st) { return cut_copy(st, AudioFormat::kFlac16, "cut.flac"); }, "cut short"},
    {"truncated_mp3", [](const Station& st) { return cut_copy(st, AudioFormat::kMp3, "cut.mp3"); },
     "cut short"},
    {"silent",
     [](const Station& st) {
       testing::write_audio(st.input("lặng.wav"), {AudioFormat::kWav16, 44100, 2, 44100 * 4},
                            testing::silence());
       return st.input("lặng.wav");
     },
     "silent"},
};

class ImportRefuses : public ::testing::TestWithParam<BadCase> {};

TEST_P(ImportRefuses, NamingTheFileAndLeavingNoRowAndNoCopy) {
  Station st;
  const fs::path file = GetParam().make(st);
  const RunResult r = st.run({"--lang", "en", "segment", "import", file.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, file.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "not imported")) << r.err;
  EXPECT_TRUE(contains(r.err, GetParam().says)) << r.err;
  EXPECT_TRUE(st.rows().empty());
  EXPECT_TRUE(st.library_files().empty());
  // Refusing everything must not even create the database.
  EXPECT_FALSE(fs::exists(st.database()));
}

INSTANTIATE_TEST_SUITE_P(BadFiles, ImportRefuses, ::testing::ValuesIn(kBadFiles),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SegmentImport, RefusalIsInVietnameseByDefault) {
  Station st;
  testing::write_bytes(st.input("hỏng.wav"), testing::random_bytes(5000));
  const RunResult r = st.run({"segment", "import", st.input("hỏng.wav").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "hỏng.wav: không nhập: không nhận dạng được định dạng âm thanh"))
      << r.err;
}

// --- duplicates, batches, titles ------------------------------------------------------------

TEST(SegmentImport, IdenticalContentIsImportedOnce) {
  Station st;
  const fs::path first = st.tone("mot-cua.flac", AudioFormat::kFlac16);
  ASSERT_EQ(st.run({"segment", "import", first.string(), "--title", "Bộ phận một cửa"}).exit_code,
            0);
  const fs::path same = st.input("ban-sao.flac");
  fs::copy_file(first, same);

  const RunResult r = st.run({"--lang", "en", "segment", "import", same.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto rows = st.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(contains(r.out, "already imported " + rows[0].id)) << r.out;
  EXPECT_TRUE(contains(r.out, "\"Bộ phận một cửa\"")) << r.out;
  EXPECT_EQ(st.library_files().size(), 1u);
}

// A title defaults to the file name without its extension, with its Vietnamese letters, in
// Unicode NFC whether the name was precomposed or decomposed (as a Mac writes names).
TEST(SegmentImport, DefaultTitleKeepsTheVietnameseLettersOfTheFileName) {
  Station st;
  const fs::path nfc = st.tone("Thông báo thuế đất.wav", AudioFormat::kWav16, 44100, 1, 1000);
  const fs::path nfd = st.tone("Tho\xcc\x82ng ba\xcc\x81o tie\xcc\x82m chu\xcc\x89ng.wav",
                               AudioFormat::kWav16, 44100, 1, 500);
  RunResult r = st.run({"segment", "import", nfc.string(), nfd.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "→ \"Thông báo thuế đất\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "→ \"Thông báo tiêm chủng\"")) << r.out;
  const json j = json::parse(st.run({"segment", "list", "--json"}).out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["title"], "Thông báo thuế đất");
  EXPECT_EQ(j[1]["title"], "Thông báo tiêm chủng");
  EXPECT_EQ(j[0]["original_name"], "Thông báo thuế đất.wav");
  r = st.run({"segment", "list"});
  EXPECT_TRUE(contains(r.out, "Thông báo tiêm chủng")) << r.out;
}

TEST(SegmentImport, AFileNameInAnOldCodePageIsRefusedAndTheJsonStillPrints) {
  Station st;
  // "Thông báo" in Latin-1 bytes: not UTF-8.
  const fs::path file = st.tone("Th\xf4ng b\xe1o.wav", AudioFormat::kWav16);
  RunResult r = st.run({"--lang", "en", "segment", "import", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "not imported: the file name is not UTF-8 text")) << r.err;
  EXPECT_TRUE(contains(r.err, "rename the file")) << r.err;
  r = st.run({"segment", "import", "--json", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.out);
  EXPECT_EQ(j[0]["status"], "refused");
  EXPECT_EQ(j[0]["reason"], "name_not_utf8");
  EXPECT_FALSE(fs::exists(st.database()));
}

TEST(SegmentImport, BatchImportsTheGoodFilesAndFailsForTheBadOne) {
  Station st;
  const fs::path a = st.tone("a.wav", AudioFormat::kWav16, 44100, 1, 1000);
  const fs::path b = st.tone("b.ogg", AudioFormat::kVorbis, 44100, 1, 500);
  testing::write_bytes(st.input("c.wav"), "RIFF");
  const RunResult r = st.run({"--lang", "en", "segment", "import", a.string(),
                              st.input("c.wav").string(), b.string(), a.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(st.rows().size(), 2u);
  EXPECT_EQ(st.library_files().size(), 2u);
  EXPECT_TRUE(contains(r.err, "c.wav: not imported")) << r.err;
  EXPECT_TRUE(contains(r.out, "4 files: 2 imported, 1 already there, 1 refused")) << r.out;
}

TEST(SegmentImport, JsonReportsEveryFile) {
  Station st;
  const fs::path good = st.tone("tra-cuu.opus", AudioFormat::kOpus);
  testing::write_bytes(st.input("empty.mp3"), "");
  const RunResult r =
      st.run({"--lang", "en", "segment", "import", "--json", "--tag", "cchc", "--title",
              "Tra cứu hồ sơ", good.string(), st.input("empty.mp3").string(), good.string()});
  EXPECT_EQ(r.exit_code, 1);
  const json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 3u);

  const json& imported = j[0];
  EXPECT_EQ(imported["file"], good.string());
  EXPECT_EQ(imported["status"], "imported");
  EXPECT_EQ(imported["title"], "Tra cứu hồ sơ");
  EXPECT_EQ(imported["tag"], "cchc");
  EXPECT_EQ(imported["format"], "OGG/OPUS");
  EXPECT_EQ(imported["sample_rate"], 48000);
  EXPECT_EQ(imported["channels"], 1);
  EXPECT_EQ(imported["frames"], testing::decode_frame_count(good));
  EXPECT_NEAR(imported["duration_seconds"].get<double>(), 3.0, 0.05);
  EXPECT_NEAR(imported["loudness_lufs"].get<double>(), -9.03, 0.5);
  EXPECT_NEAR(imported["gain_db"].get<double>(), -16.0 + 9.03, 0.5);
  EXPECT_TRUE(imported["error"].is_null());
  EXPECT_EQ(imported["sha256"].get<std::string>().substr(0, 12), imported["id"]);
  for (const char* key : {"true_peak_dbtp", "sha256", "id"}) {
    EXPECT_TRUE(imported.contains(key)) << key;
  }

  EXPECT_EQ(j[1]["status"], "refused");
  EXPECT_TRUE(j[1]["id"].is_null());
  EXPECT_TRUE(contains(j[1]["error"].get<std::string>(), "empty")) << j[1];
  EXPECT_EQ(j[2]["status"], "duplicate");
  EXPECT_EQ(j[2]["id"], imported["id"]);
}

TEST(SegmentImport, FailedDatabaseInsertRemovesTheCopy) {
  Station st;
  {
    // A database that refuses the row, as a full disk or a locked file would.
    auto db = open_database(st.database());
    db->exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON segments BEGIN SELECT RAISE(ABORT, 'disk I/O'); "
        "END");
  }
  const fs::path file = st.tone("x.wav", AudioFormat::kWav16);
  const RunResult r = st.run({"--lang", "en", "segment", "import", file.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "x.wav: not imported")) << r.err;
  EXPECT_TRUE(st.rows().empty());
  EXPECT_TRUE(st.library_files().empty());
}

// --- list and show ---------------------------------------------------------------------------

TEST(SegmentList, WithoutADatabaseSaysNothingWasImported) {
  Station st;
  const RunResult r = st.run({"--lang", "en", "segment", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "no segment imported")) << r.out;
  EXPECT_FALSE(fs::exists(st.database()));
  EXPECT_EQ(json::parse(st.run({"segment", "list", "--json"}).out), json::array());
}

TEST(SegmentList, ShowsEverySegmentInImportOrder) {
  Station st;
  st.run({"segment", "import", st.tone("b.wav", AudioFormat::kWav16, 44100, 1, 300).string(),
          "--title", "Dịch vụ công trực tuyến", "--tag", "cchc"});
  st.run({"segment", "import", st.tone("a.wav", AudioFormat::kWav16, 44100, 1, 700).string()});
  const auto rows = st.rows();
  ASSERT_EQ(rows.size(), 2u);

  const RunResult r = st.run({"segment", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "TIÊU ĐỀ")) << r.out;
  const auto first = r.out.find(rows[0].id);
  const auto second = r.out.find(rows[1].id);
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_TRUE(contains(r.out, "Dịch vụ công trực tuyến")) << r.out;
  EXPECT_TRUE(contains(r.out, "0:03")) << r.out;

  const json j = json::parse(st.run({"segment", "list", "--json"}).out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], rows[0].id);
  EXPECT_EQ(j[0]["tag"], "cchc");
  EXPECT_EQ(j[1]["title"], "a");
}

TEST(SegmentShow, PrintsEveryField) {
  Station st;
  st.run({"segment", "import", st.tone("mot-cua.wav", AudioFormat::kWav16).string()});
  const Segment s = st.rows().at(0);
  const RunResult r = st.run({"--lang", "en", "segment", "show", s.id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const std::string& want :
       {s.id, s.sha256, std::string("mot-cua"), std::string("WAV"), std::string("48000 Hz"),
        std::to_string(s.frames), std::string("LUFS"), std::string("dBTP"), s.library_path}) {
    EXPECT_TRUE(contains(r.out, want)) << want << "\n" << r.out;
  }
  EXPECT_EQ(json::parse(st.run({"segment", "show", s.id, "--json"}).out)["sha256"], s.sha256);
}

TEST(SegmentShow, UnknownIdIsAnError) {
  Station st;
  st.run({"segment", "import", st.tone("mot-cua.wav", AudioFormat::kWav16).string()});
  const RunResult r = st.run({"--lang", "en", "segment", "show", "0123456789ab"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "no segment with id \"0123456789ab\"")) << r.err;
  EXPECT_TRUE(contains(r.err, "loaxa segment list")) << r.err;
}

}  // namespace
}  // namespace loaxa
