// One SetUp function per command, each in its own file pair under commands/. A SetUp adds the
// subcommand and its flags to the app and installs a callback that stores its Status in
// Globals; commands hold no orchestration of their own.
#pragma once

#include "cli/app.h"

namespace mini::cli {

void SetUpVersion(CLI::App& app, Globals& globals);
void SetUpStart(CLI::App& app, Globals& globals);
void SetUpStop(CLI::App& app, Globals& globals);
void SetUpDelete(CLI::App& app, Globals& globals);
void SetUpStatus(CLI::App& app, Globals& globals);
void SetUpProfile(CLI::App& app, Globals& globals);
void SetUpConfig(CLI::App& app, Globals& globals);
void SetUpUpdateContext(CLI::App& app, Globals& globals);
void SetUpKubectl(CLI::App& app, Globals& globals);
void SetUpIp(CLI::App& app, Globals& globals);
void SetUpLogs(CLI::App& app, Globals& globals);
void SetUpCompletion(CLI::App& app, Globals& globals);
void SetUpControlPlane(CLI::App& app, Globals& globals);
void SetUpImage(CLI::App& app, Globals& globals);
void SetUpShim(CLI::App& app, Globals& globals);
void SetUpSsh(CLI::App& app, Globals& globals);
void SetUpCp(CLI::App& app, Globals& globals);
void SetUpPause(CLI::App& app, Globals& globals);
void SetUpIso(CLI::App& app, Globals& globals);
void SetUpMount(CLI::App& app, Globals& globals);

/// Runs `mini image ARGS` in the profile's machine when its driver is a VM (loading `files`,
/// copied in first); false when the store is on this host (the native driver).
Result<bool> RunImageCommandInGuest(const Globals& globals, std::vector<std::string> args,
                                    const std::vector<std::string>& files);

/// Runs argv with stdin and stdout from the given descriptors (-1: ours); its exit code.
Result<int> RunRedirected(const std::vector<std::string>& argv, int in_fd, int out_fd);
/// `word` quoted for a POSIX shell.
std::string ShellQuote(const std::string& word);

/// `mini [flags] kubectl [flags] -- ARGS` (or without `--`): removes what belongs to kubectl
/// from `args` and returns it, so mini's parser never sees kubectl's flags.
std::vector<std::string> SplitPassthrough(std::vector<std::string>& args);

}  // namespace mini::cli
