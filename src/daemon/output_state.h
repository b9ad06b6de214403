#pragma once
// The life of loaxad's audio output as one state, so the daemon asks "may I let PortAudio go?"
// or "may I re-initialise it?" instead of reading a lost-device set, a restart flag, the
// PortAudio handle and the current broadcast together. Pure: StationDaemon owns PortAudio and
// the streams and calls a transition next to each change it makes to them; a refused
// transition means the daemon must not make that change.

#include <set>
#include <string>

namespace loaxa {

/// What the output is doing.
enum class OutputPhase {
  kIdle,             ///< PortAudio not held (on JACK: no client, no shared memory), nothing lost
  kHeld,             ///< PortAudio held, nothing playing, every device there
  kPlaying,          ///< a broadcast is on air (devices lost before it stay lost)
  kLost,             ///< a device is lost and being retried; PortAudio held or not between tries
  kRestartRequired,  ///< a close or Pa_Terminate hung: only a fresh process gets the output back
};

const char* to_string(OutputPhase phase) noexcept;

/// The output's phase, whether PortAudio is held, and which devices are lost.
class OutputState {
 public:
  OutputPhase phase() const noexcept { return phase_; }
  /// PortAudio is initialised (in kPlaying: not for a rehearsal, which needs none).
  bool holds() const noexcept { return held_; }
  const std::set<std::string>& lost() const noexcept { return lost_; }
  bool is_lost(const std::string& device) const { return lost_.contains(device); }
  /// take() would be accepted: asked before initialising PortAudio at all.
  bool can_take() const noexcept;

  // Transitions. Each returns false, and changes nothing, when it is not one the output can
  // make from where it is.

  /// PortAudio was initialised: kIdle -> kHeld; in kLost, held for the next try. Refused when
  /// held already, while playing (a broadcast opens its streams before it starts) and after
  /// kRestartRequired.
  bool take();
  /// PortAudio was terminated: kHeld -> kIdle; in kLost, let go before a re-initialisation.
  /// Refused while playing: the broadcast's streams would die with it.
  bool let_go();
  /// A broadcast went on air: from kIdle, kHeld or kLost. Refused while one plays, and after
  /// kRestartRequired.
  bool start_playing();
  /// The broadcast on air ended: to kLost if a device is lost, else kHeld or kIdle.
  bool stop_playing();
  /// `device` went away: kIdle/kHeld -> kLost; in kLost or kPlaying it joins the lost ones.
  /// Refused for a device already lost, and after kRestartRequired.
  bool lose(const std::string& device);
  /// `device` is back after a re-initialisation: kLost, and when it was the last lost one, to
  /// kHeld or kIdle. Refused while playing (the re-initialisation would cut the broadcast) and
  /// for a device not lost.
  bool recover(const std::string& device);
  /// The output cannot be recovered in this process. From every phase; there is no way back.
  void require_restart() noexcept { phase_ = OutputPhase::kRestartRequired; }

 private:
  /// The phase when nothing plays.
  OutputPhase resting() const noexcept;

  OutputPhase phase_ = OutputPhase::kIdle;
  bool held_ = false;
  std::set<std::string> lost_;
};

}  // namespace loaxa
