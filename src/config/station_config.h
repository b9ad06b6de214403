#pragma once

#include <filesystem>
#include <string>

#include "core/text.h"

namespace loaxa {

/// config/loaxa.toml. Relative paths in the file are resolved against the file's folder.
struct StationConfig {
  std::filesystem::path file;  ///< the config file itself, absolute
  // [station]
  std::string station_name;
  std::string timezone = "Asia/Ho_Chi_Minh";
  // [storage]
  std::filesystem::path database;  ///< default: <config dir>/var/loaxa.db
  std::filesystem::path library;   ///< default: <config dir>/var/library
  // [schedules]
  std::filesystem::path schedules_dir;  ///< default: <config dir>/schedules
  // [audio]
  std::string host_api;  ///< PortAudio host API name: "ALSA", "JACK", ...
  std::string device;    ///< device name as `loaxa devices` prints it
  double target_lufs = -16.0;
  double max_true_peak_dbtp = -1.0;  ///< gain is limited so the true peak stays below this
  int channels = 2;
  double open_ahead_seconds = 2.0;  ///< the output is opened this long before a broadcast
  std::filesystem::path rehearsal_dir;  ///< default: <config dir>/var/rehearsal
};

/// Reads and validates a config file. Throws UserError naming file, line and key for an unknown
/// key, a wrong type or a bad value.
StationConfig load_config(const std::filesystem::path& file);

/// `--config` if given, else $LOAXA_CONFIG, else config/loaxa.toml.
std::filesystem::path default_config_path(const std::string& flag);

}  // namespace loaxa
