#include "daemon/output_state.h"

namespace loaxa {

const char* to_string(OutputPhase phase) noexcept {
  switch (phase) {
    case OutputPhase::kIdle:
      return "idle";
    case OutputPhase::kHeld:
      return "held";
    case OutputPhase::kPlaying:
      return "playing";
    case OutputPhase::kLost:
      return "lost";
    case OutputPhase::kRestartRequired:
      return "restart_required";
  }
  return "?";
}

OutputPhase OutputState::resting() const noexcept {
  if (!lost_.empty()) return OutputPhase::kLost;
  return held_ ? OutputPhase::kHeld : OutputPhase::kIdle;
}

bool OutputState::can_take() const noexcept {
  return !held_ && (phase_ == OutputPhase::kIdle || phase_ == OutputPhase::kLost);
}

bool OutputState::take() {
  if (!can_take()) return false;
  held_ = true;
  phase_ = resting();
  return true;
}

bool OutputState::let_go() {
  if (!held_) return false;
  if (phase_ != OutputPhase::kHeld && phase_ != OutputPhase::kLost) return false;
  held_ = false;
  phase_ = resting();
  return true;
}

bool OutputState::start_playing() {
  if (phase_ == OutputPhase::kPlaying || phase_ == OutputPhase::kRestartRequired) return false;
  phase_ = OutputPhase::kPlaying;
  return true;
}

bool OutputState::stop_playing() {
  if (phase_ != OutputPhase::kPlaying) return false;
  phase_ = resting();
  return true;
}

bool OutputState::lose(const std::string& device) {
  if (phase_ == OutputPhase::kRestartRequired || lost_.contains(device)) return false;
  lost_.insert(device);
  if (phase_ != OutputPhase::kPlaying) phase_ = OutputPhase::kLost;
  return true;
}

bool OutputState::recover(const std::string& device) {
  if (phase_ != OutputPhase::kLost || !lost_.contains(device)) return false;
  lost_.erase(device);
  phase_ = resting();
  return true;
}

}  // namespace loaxa
