#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace loaxa {

/// [compliance] PROGRAMME = { per_month = 8, per_week = 1 }: the fewest completed broadcasts of
/// a programme that a calendar month and an ISO week (Monday to Sunday) must have.
struct ComplianceRule {
  std::string programme;
  std::optional<int> per_month;
  std::optional<int> per_week;
  bool operator==(const ComplianceRule&) const = default;
};

/// config/loaxa.toml. Relative paths in the file are resolved against the file's folder.
struct StationConfig {
  std::filesystem::path file;  ///< the config file itself, absolute
  // [station]
  std::string station_name;
  std::string timezone = "Asia/Ho_Chi_Minh";
  /// Only approved, valid segments air (commune leadership approves what its station airs).
  bool require_approval = true;
  /// The permitted broadcast window, local time, seconds since midnight; none = any hour.
  /// Normal and priority slots must fall inside it; emergencies may play at any hour.
  std::optional<std::pair<std::chrono::seconds, std::chrono::seconds>> window;
  // [storage]
  std::filesystem::path database;  ///< default: <config dir>/var/loaxa.db
  std::filesystem::path library;   ///< default: <config dir>/var/library
  /// The station's Ed25519 key pair (audit checkpoints); default: keys/ beside the database.
  std::filesystem::path keys;
  // [schedules]
  std::filesystem::path schedules_dir;  ///< default: <config dir>/schedules
  std::filesystem::path holidays;       ///< default: <config dir>/holidays.toml
  // [audio]
  std::string host_api;  ///< PortAudio host API name: "ALSA", "JACK", ...
  std::string device;    ///< device name as `loaxa devices` prints it
  double target_lufs = -16.0;
  double max_true_peak_dbtp = -1.0;  ///< gain is limited so the true peak stays below this
  int channels = 2;
  double open_ahead_seconds = 2.0;      ///< the output is opened this long before a broadcast
  std::filesystem::path rehearsal_dir;  ///< default: <config dir>/var/rehearsal
  /// A broadcast whose output level stays below this for dead_air_seconds is flagged.
  double dead_air_dbfs = -50.0;
  double dead_air_seconds = 10.0;

  /// A zone (village, cluster), the output device and the channels (1-based) that feed it.
  struct Zone {
    std::string name;           ///< the zone's id: the key under [zones], as schedules name it
    std::string host_api;       ///< the zone's own, else [audio] host_api
    std::string device;         ///< the zone's own, else [audio] device
    std::vector<int> channels;  ///< empty: every channel of its device's stream
    std::string where;          ///< "file:line:col" of the zone's entry, for later messages
    std::string display_name;   ///< `name = "Thôn Đông"`: what people read; may be empty
    std::string device_label() const { return host_api + " / " + device; }
    /// What people read: the display name, else the id.
    const std::string& shown() const { return display_name.empty() ? name : display_name; }
  };
  // [zones] id = { name = "Thôn Đông", device = "...", host_api = "...", channels = [1] };
  // empty = one zone "all"
  // on every channel of [audio] device
  std::vector<Zone> zones;

  // [control]
  std::filesystem::path control_socket;  ///< default: <config dir>/var/loaxad.sock

  // [amplifier]: optional commands run around each broadcast (relay, GPIO script)
  std::string amplifier_before;  ///< run `amplifier_lead` seconds before; "" = none
  std::string amplifier_after;   ///< run after the broadcast ends; "" = none
  double amplifier_lead_seconds = 5.0;
  double amplifier_timeout_seconds = 10.0;
  bool amplifier_cancel_on_failure = false;  ///< a failed `before` cancels the broadcast

  // [compliance]: what `loaxa audit report` checks each week and month, by programme id
  std::vector<ComplianceRule> compliance;
};

/// One output device the station plays on and the zones it feeds (none: the station has no
/// [zones], so it is every loudspeaker).
struct OutputSpec {
  std::string host_api;
  std::string device;
  std::vector<std::string> zones;
  std::string label() const { return host_api + " / " + device; }
};

/// The devices in use, each once, in the order the zones name them; [audio] device alone when
/// there are no zones. A device that no zone uses is not opened, not even [audio] device.
std::vector<OutputSpec> output_specs(const StationConfig& config);

/// Reads and validates a config file. Throws UserError naming file, line and key for an unknown
/// key, a wrong type or a bad value.
StationConfig load_config(const std::filesystem::path& file);

/// The config of an installed station (the Debian package's conffile).
inline constexpr const char* kInstalledConfigPath = "/etc/loaxa/loaxa.toml";

/// `--config` if given, else $LOAXA_CONFIG, else config/loaxa.toml in the working folder if it
/// exists, else kInstalledConfigPath if that exists, else config/loaxa.toml (for the error).
std::filesystem::path default_config_path(const std::string& flag);

/// The error for a [station] timezone that is not an IANA zone, and how to write one.
Text unknown_time_zone(const std::string& name);

/// What people read for the zone `id`: its display name, else the id itself (a log row may
/// name a zone that a later config no longer has).
std::string zone_shown(const StationConfig& config, std::string_view id);
/// The zones named, as people read them, joined by ", "; `all_text` when `ids` is empty.
std::string zones_shown(const StationConfig& config, const std::vector<std::string>& ids,
                        const std::string& all_text);
/// The error for a zone the config does not have, listing the ones it has.
Text unknown_zone(const StationConfig& config, std::string_view id);

}  // namespace loaxa
