#pragma once
// CLI11's help and argument errors in the staff's language: the labels of its help pages, and a
// message per kind of parse error naming the option and where to read more.

#include <CLI/CLI.hpp>
#include <string>

#include "core/text.h"

namespace loaxa {

/// The language of messages before CLI11 has parsed anything: the last valid value of `--lang X`
/// or `--lang=X` anywhere in argv before `--` (an invalid one counts as absent), else the locale.
Lang prescan_lang(int argc, const char* const* argv);

/// Help pages in `lang`: a formatter with translated labels, set on `app` before its
/// subcommands are added (they copy it), and the help flags' descriptions.
void localise_help(CLI::App& app, Lang lang);

/// Names the option groups and subcommand groups of `app` and all its subcommands in `lang`;
/// called once every command has been added.
void localise_groups(CLI::App& app, Lang lang);

/// The deepest subcommand that was being parsed when parsing stopped (`app` itself if none).
const CLI::App& failed_command(const CLI::App& app);

/// "loaxa segment approve": the command line up to `cmd`.
std::string command_path(const CLI::App& cmd);

/// What went wrong with the arguments given to `cmd`, with the option or value named and a
/// pointer to `--help`. Not for CallForHelp/CallForAllHelp, which are not errors.
Text argument_error(const CLI::ParseError& e, const CLI::App& cmd);

}  // namespace loaxa
