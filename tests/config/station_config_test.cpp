#include "config/station_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace loaxa {
namespace {

namespace fs = std::filesystem;

class StationConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("loaxa-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "etc");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& text) {
    fs::path p = dir_ / "etc" / "loaxa.toml";
    std::ofstream(p) << text;
    return p;
  }
  std::string error_of(const std::string& text) {
    try {
      load_config(write(text));
    } catch (const UserError& e) {
      return e.text().en;
    }
    return "(no error)";
  }
  fs::path dir_;
};

TEST_F(StationConfigTest, ReadsKeysAndResolvesPathsAgainstTheFilesFolder) {
  auto c = load_config(write(R"(
[station]
name = "Đài xã Tân Phú"
timezone = "Asia/Bangkok"
[storage]
database = "../data/loaxa.db"
[audio]
host_api = "JACK"
device = "system"
target_lufs = -18
channels = 1
)"));
  EXPECT_EQ(c.station_name, "Đài xã Tân Phú");
  EXPECT_EQ(c.timezone, "Asia/Bangkok");
  EXPECT_EQ(c.database, dir_ / "data" / "loaxa.db");
  EXPECT_EQ(c.library, dir_ / "etc" / "var" / "library");  // default, beside the file
  EXPECT_EQ(c.schedules_dir, dir_ / "etc" / "schedules");
  EXPECT_EQ(c.host_api, "JACK");
  EXPECT_EQ(c.device, "system");
  EXPECT_DOUBLE_EQ(c.target_lufs, -18);
  EXPECT_EQ(c.channels, 1);
}

TEST_F(StationConfigTest, ReadsWindowZonesApprovalAndAmplifier) {
  auto c = load_config(write(R"(
[station]
name = "X"
require_approval = false
window = "05:30-21:00"
[zones]
thon-dong = { channels = [1] }
thon-tay = { channels = [2] }
[amplifier]
before = "relay on"
after = "relay off"
cancel_on_failure = true
[control]
socket = "/run/loaxa/control.sock"
)"));
  EXPECT_FALSE(c.require_approval);
  ASSERT_TRUE(c.window.has_value());
  EXPECT_EQ(c.window->first, std::chrono::seconds(5 * 3600 + 30 * 60));
  EXPECT_EQ(c.window->second, std::chrono::seconds(21 * 3600));
  ASSERT_EQ(c.zones.size(), 2u);
  EXPECT_EQ(c.zones[0].name, "thon-dong");
  EXPECT_EQ(c.zones[1].channels, std::vector<int>{2});
  EXPECT_EQ(c.amplifier_before, "relay on");
  EXPECT_TRUE(c.amplifier_cancel_on_failure);
  EXPECT_EQ(c.control_socket, fs::path("/run/loaxa/control.sock"));
}

struct ZoneCase {
  const char* zones;  // the [zones] section's lines
  std::vector<StationConfig::Zone> expected;
  std::vector<std::string> devices;  // output_specs(): label and its zones
};

TEST_F(StationConfigTest, ZonesNameTheirDevicesOrDefaultToAudioDevice) {
  using Z = StationConfig::Zone;
  const ZoneCase cases[] = {
      {"a = { channels = [1] }\nb = { channels = [2] }\n",
       {Z{"a", "JACK", "system", {1}, "", ""}, Z{"b", "JACK", "system", {2}, "", ""}},
       {"JACK / system: a b"}},
      {"a = { channels = [1] }\nb = { device = \"zone-b\" }\n",
       {Z{"a", "JACK", "system", {1}, "", ""}, Z{"b", "JACK", "zone-b", {}, "", ""}},
       {"JACK / system: a", "JACK / zone-b: b"}},
      {"a = { device = \"hw:1,0\", host_api = \"ALSA\", channels = [2, 1] }\n"
       "b = { device = \"hw:1,0\", host_api = \"ALSA\", channels = [3] }\n"
       "c = { device = \"x\", channels = [1] }\n",
       {Z{"a", "ALSA", "hw:1,0", {2, 1}, "", ""}, Z{"b", "ALSA", "hw:1,0", {3}, "", ""},
        Z{"c", "JACK", "x", {1}, "", ""}},
       {"ALSA / hw:1,0: a b", "JACK / x: c"}},
      // The same device as [audio]'s, named in full: one device, one stream.
      {"a = { channels = [1] }\nb = { device = \"system\", host_api = \"JACK\", channels = [2] }\n",
       {Z{"a", "JACK", "system", {1}, "", ""}, Z{"b", "JACK", "system", {2}, "", ""}},
       {"JACK / system: a b"}},
      // Every zone on a device of its own: [audio] device is not in use.
      {"a = { device = \"p\" }\nb = { device = \"q\" }\n",
       {Z{"a", "JACK", "p", {}, "", ""}, Z{"b", "JACK", "q", {}, "", ""}},
       {"JACK / p: a", "JACK / q: b"}},
      {"", {}, {"JACK / system:"}},
  };
  for (const auto& zc : cases) {
    const auto c = load_config(write(
        "[station]\nname = \"X\"\n[audio]\nhost_api = \"JACK\"\ndevice = \"system\"\nchannels = "
        "4\n[zones]\n" +
        std::string(zc.zones)));
    ASSERT_EQ(c.zones.size(), zc.expected.size()) << zc.zones;
    for (std::size_t i = 0; i < c.zones.size(); ++i) {
      const auto& got = c.zones[i];
      const auto& want = zc.expected[i];
      EXPECT_EQ(got.name, want.name) << zc.zones;
      EXPECT_EQ(got.device_label(), want.device_label()) << zc.zones;
      EXPECT_EQ(got.channels, want.channels) << zc.zones;
      EXPECT_EQ(got.where, (dir_ / "etc" / "loaxa.toml").string() + ":" + std::to_string(8 + i) +
                               ":" + std::to_string(got.name.size() + 4))
          << zc.zones;
    }
    std::vector<std::string> devices;
    for (const auto& s : output_specs(c)) {
      std::string line = s.label() + ":";
      for (const auto& z : s.zones) line += " " + z;
      devices.push_back(line);
    }
    EXPECT_EQ(devices, zc.devices) << zc.zones;
  }
}

TEST_F(StationConfigTest, ZoneDisplayNamesAreWhatPeopleRead) {
  const auto c = load_config(
      write("[station]\nname = \"X\"\n[zones]\nthon-dong = { name = \"Thôn Đông\", channels = "
            "[1] }\nthon-tay = { channels = [2] }\n"));
  ASSERT_EQ(c.zones.size(), 2u);
  EXPECT_EQ(c.zones[0].display_name, "Thôn Đông");
  EXPECT_EQ(zone_shown(c, "thon-dong"), "Thôn Đông");
  EXPECT_EQ(zone_shown(c, "thon-tay"), "thon-tay");  // no name: its id
  EXPECT_EQ(zone_shown(c, "thon-bac"), "thon-bac");  // gone from the config since
  EXPECT_EQ(zones_shown(c, {"thon-tay", "thon-dong"}, "mọi vùng"), "thon-tay, Thôn Đông");
  EXPECT_EQ(zones_shown(c, {}, "mọi vùng"), "mọi vùng");
  const Text unknown = unknown_zone(c, "thon-bac");
  EXPECT_NE(unknown.vi.find("các vùng của đài: thon-dong (Thôn Đông), thon-tay"), std::string::npos)
      << unknown.vi;
  EXPECT_NE(unknown.en.find("the station's zones: thon-dong (Thôn Đông), thon-tay"),
            std::string::npos)
      << unknown.en;
}

TEST_F(StationConfigTest, DefaultsWhenKeysAreOmitted) {
  auto c = load_config(write("[station]\nname = \"X\"\n"));
  EXPECT_EQ(c.timezone, "Asia/Ho_Chi_Minh");
  EXPECT_DOUBLE_EQ(c.target_lufs, -16);
  EXPECT_EQ(c.channels, 2);
  EXPECT_TRUE(c.require_approval);
  EXPECT_FALSE(c.window.has_value());
  EXPECT_TRUE(c.zones.empty());
  EXPECT_EQ(c.holidays, dir_ / "etc" / "holidays.toml");
  EXPECT_EQ(c.control_socket, dir_ / "etc" / "var" / "loaxad.sock");
}

struct BadCase {
  const char* text;
  const char* expected;  // substring of the English error, including file:line:col
};

TEST_F(StationConfigTest, BadInputNamesFileLineAndKey) {
  const BadCase cases[] = {
      {"[station]\nname = \"X\"\ncolour = \"red\"\n",
       "loaxa.toml:3:1: unknown key \"station.colour\""},
      {"[station]\nname = \"X\"\n[audio]\ntarget_lufs = \"loud\"\n",
       "loaxa.toml:4:15: \"audio.target_lufs\" must be a number"},
      {"[station]\nname = 5\n", "loaxa.toml:2:8: \"station.name\" must be a string"},
      {"[station]\nname = \"X\"\ntimezone = \"Mars/Olympus\"\n",
       "loaxa.toml:3:12: unknown time zone \"Mars/Olympus\""},
      {"[station]\nname = \"X\"\n[audio]\nchannels = 0\n", "\"audio.channels\" must be an integer"},
      {"[station]\nname = \"X\"\n[studio]\n", "unknown key \"studio\""},
      {"[station\nname = \"X\"\n", "loaxa.toml:1:"},
      {"[storage]\ndatabase = \"x.db\"\n", "missing [station] name"},
      {"[station]\nname = \"X\"\nwindow = \"21:00-05:30\"\n",
       "loaxa.toml:3:10: bad \"station.window\" = \"21:00-05:30\""},
      {"[station]\nname = \"X\"\nrequire_approval = \"yes\"\n",
       "\"station.require_approval\" must be true or false"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { channels = [3] }\n",
       "zone \"thon-1\" uses channel 3 but [audio] channels = 2"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = 1\n", "zone \"thon-1\": write it as"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { chanels = [1] }\n",
       "loaxa.toml:4:12: unknown key \"zones.thon-1.chanels\"; known keys: channels, device, "
       "host_api, name"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { name = \" \", channels = [1] }\n",
       "loaxa.toml:4:19: \"zones.thon-1.name\" is empty; write the name people know the zone by"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { name = 1, channels = [1] }\n",
       "loaxa.toml:4:19: \"zones.thon-1.name\" must be a string"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = 5 }\n",
       "loaxa.toml:4:21: \"zones.thon-1.device\" must be a string"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = \"\" }\n",
       "loaxa.toml:4:21: \"zones.thon-1.device\" is empty"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { host_api = \"ALSA\", channels = [1] }\n",
       "loaxa.toml:4:23: \"zones.thon-1.host_api\" goes with a \"device\""},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = \"a\", host_api = \"\" }\n",
       "loaxa.toml:4:37: \"zones.thon-1.host_api\" goes with a \"device\" (and is not empty)"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = {}\n",
       "loaxa.toml:4:10: zone \"thon-1\": write it"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { channels = [] }\n",
       "loaxa.toml:4:23: zone \"thon-1\": write it as"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = \"a\", channels = [0] }\n",
       "loaxa.toml:4:37: zone \"thon-1\": write it as"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = \"a\", channels = [\"1\"] }\n",
       "loaxa.toml:4:37: zone \"thon-1\": write it as"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { device = \"a\", channels = [3] }\n",
       "loaxa.toml:4:37: zone \"thon-1\" uses channel 3 but [audio] channels = 2; raise [audio] "
       "channels or use channels 1 to 2"},
      {"[station]\nname = \"X\"\n[zones]\nthon-1 = { channels = [1, 1] }\n",
       "loaxa.toml:4:23: zone \"thon-1\" lists channel 1 twice; list each channel once"},
      {"[station]\nname = \"X\"\n[audio]\nhost_api = \"JACK\"\ndevice = \"system\"\n[zones]\n"
       "a = { channels = [1] }\nb = { device = \"system\", host_api = \"JACK\", channels = [2, 1] "
       "}\n",
       "loaxa.toml:8:56: zone \"b\": channel 1 of JACK / system is already zone \"a\"'s; each "
       "channel of a device feeds one zone"},
      {"[station]\nname = \"X\"\n[audio]\nhost_api = \"JACK\"\n[zones]\n"
       "a = { device = \"card\" }\nb = { device = \"card\", channels = [2] }\n",
       "loaxa.toml:7:35: zone \"b\": channel 2 of JACK / card is already zone \"a\"'s"},
      {"[station]\nname = \"X\"\n[audio]\nhost_api = \"JACK\"\n[zones]\n"
       "a = { device = \"card\", channels = [1] }\nb = { device = \"card\" }\n",
       "loaxa.toml:7:5: zone \"b\": every channel of JACK / card is already zone \"a\"'s"},
  };
  for (const auto& c : cases) {
    std::string err = error_of(c.text);
    EXPECT_NE(err.find(c.expected), std::string::npos) << "for:\n" << c.text << "got: " << err;
  }
}

TEST_F(StationConfigTest, ReadsComplianceRules) {
  auto c = load_config(write(R"(
[station]
name = "X"
[compliance]
cchc = { per_month = 8, per_week = 1 }
tin-tuc = { per_week = 2 }
)"));
  ASSERT_EQ(c.compliance.size(), 2u);
  EXPECT_EQ(c.compliance[0], (ComplianceRule{"cchc", 8, 1}));
  EXPECT_EQ(c.compliance[1], (ComplianceRule{"tin-tuc", std::nullopt, 2}));
  EXPECT_TRUE(load_config(write("[station]\nname = \"X\"\n")).compliance.empty());
}

TEST_F(StationConfigTest, BadComplianceRulesNameLineAndKey) {
  const BadCase cases[] = {
      {"[station]\nname = \"X\"\n[compliance]\ncchc = 8\n",
       "loaxa.toml:4:8: \"compliance.cchc\": write it as cchc = { per_month = 8, per_week = 1 }"},
      {"[station]\nname = \"X\"\n[compliance]\ncchc = {}\n", "\"compliance.cchc\": write it as"},
      {"[station]\nname = \"X\"\n[compliance]\ncchc = { per_day = 1 }\n",
       "loaxa.toml:4:10: unknown key \"compliance.cchc.per_day\"; known keys: per_month, per_week"},
      {"[station]\nname = \"X\"\n[compliance]\ncchc = { per_month = 0 }\n",
       "loaxa.toml:4:22: \"compliance.cchc.per_month\" must be a whole number from 1 to 1000"},
      {"[station]\nname = \"X\"\n[compliance]\ncchc = { per_week = 1.5 }\n",
       "\"compliance.cchc.per_week\" must be a whole number from 1 to 250"},
      {"compliance = 3\n[station]\nname = \"X\"\n", "\"compliance\" must be a table"},
  };
  for (const auto& c : cases) {
    std::string err = error_of(c.text);
    EXPECT_NE(err.find(c.expected), std::string::npos) << "for:\n" << c.text << "got: " << err;
  }
}

TEST_F(StationConfigTest, MissingFileSaysHowToPointAtOne) {
  try {
    load_config(dir_ / "nope.toml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(e.text().en.find("nope.toml: config file not found"), std::string::npos);
    EXPECT_NE(e.text().vi.find("không tìm thấy"), std::string::npos);
  }
}

}  // namespace
}  // namespace loaxa
