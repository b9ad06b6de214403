// libFuzzer target: a station config file -> load_config. Bad input must end in a UserError (a
// message naming the file, line and key); any other exception or a crash is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/station_config.h"
#include "core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // load_config reads a file and resolves paths against its folder: one folder per process.
  static const std::filesystem::path kFile = [] {
    auto dir = std::filesystem::temp_directory_path() /
               ("loaxa-config-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / "loaxa.toml";
  }();
  {
    std::ofstream out(kFile, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const loaxa::StationConfig config = loaxa::load_config(kFile);
    (void)config;
  } catch (const loaxa::UserError& e) {
    (void)e.text();
  }
  return 0;
}
