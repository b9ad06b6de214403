#pragma once
// The inspection team's register of station keys (`loaxa audit verify|report|merge --keys
// FILE`): which key fingerprint each commune handed over (`loaxa audit key`). A log signed
// with a key the register does not give its commune is a finding by name.
//
//   # keys.toml
//   [communes]
//   "Xã Tân Phú" = "3FA2-91C0-7D4E-B812"
//   "Xã Hòa Bình" = ["1C0B-77D2-9E41-0A5F", "B7E0-1D2C-4F9A-33E8"]   # a replaced station PC

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_source.h"
#include "core/text.h"

namespace loaxa {

/// One registered commune: its station name as its config has it, and the fingerprints (or
/// whole public keys) registered for it, with where the register says so.
struct RegisteredCommune {
  std::string station;
  std::vector<std::string> keys;
  int line = 0;
};

struct KeyRegister {
  std::string file;  ///< as given, for messages
  std::map<std::string, RegisteredCommune> communes;
};

/// Reads the register. Throws UserError naming file:line:column and the fix for a file that
/// is missing, not TOML, or not of the shape above (an unknown key, a value that is not a
/// fingerprint, a commune listed twice).
KeyRegister read_key_register(const std::filesystem::path& file);

/// Compares the key that signed `source` with the one the register gives its station, sets
/// `source.key_check` and, for an unregistered commune or key, a commune under another key, or
/// a log signed by no key, adds the finding (tied to no event: nothing of such a log is
/// verified) to its verification.
void check_registered_key(AuditSource& source, const KeyRegister& keys);

/// Sets `source.key_check` for a --key pin, or for no comparison at all.
void note_key_check(AuditSource& source, const std::optional<std::string>& pin);

/// "KEY NOT COMPARED: ...": what every output says in its first lines when neither --key nor
/// --keys was given.
Text key_not_compared_text();
/// The key check of a source in words: matched, or the finding, or not compared.
Text key_check_text(const AuditSource& source);

}  // namespace loaxa
