// loaxad facing a device that does not exist: it must say which one, list what does exist, and
// stop, rather than wait for the first broadcast to fail silently.

#include <gtest/gtest.h>

#include "test_signals.h"
#include "test_support.h"

namespace loaxa::it {
namespace {

TEST(DaemonDevices, UnknownDeviceListsDevicesAndFails) {
  TempDir dir("loaxa-devices-");
  StationOptions options;
  options.device = "no-such-device";
  fs::path config = write_station_config(dir.path(), options);
  // A valid station apart from the device: a segment and a schedule that names it, so that
  // nothing but the device can be the reason to stop.
  fs::path wav = dir.path() / "fixture.wav";
  write_wav_pcm16(wav, 48000, chirp_pcm16(48000, 0.5));
  RunResult imported = run({bin_path("loaxa").string(), "--config", config.string(), "segment",
                            "import", wav.string(), "--tag", "t"},
                           dir.path());
  ASSERT_TRUE(imported.ok()) << imported.describe();
  write_schedule(dir.path(), "test", "t", {"03:00:00"});

  Process daemon({{bin_path("loaxad").string(), "--config", config.string()}, {}, dir.path(), ""});
  auto status = daemon.wait_for(10s);
  ASSERT_TRUE(status) << "loaxad still runs 10 s after start with an unknown device\n"
                      << daemon.transcript();
  EXPECT_TRUE(status->exited && status->code != 0)
      << "expected a non-zero exit, got " << status->describe() << "\n"
      << daemon.transcript();
  std::string err = daemon.stderr_text();
  EXPECT_NE(err.find("no-such-device"), std::string::npos) << "stderr does not name the device\n"
                                                           << daemon.transcript();
  // The test server's only output device, as PortAudio names it with its host API.
  EXPECT_NE(err.find("JACK / system"), std::string::npos)
      << "stderr does not list the existing devices\n"
      << daemon.transcript();
}

}  // namespace
}  // namespace loaxa::it
