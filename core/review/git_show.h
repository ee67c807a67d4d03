// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading a policy as it was at a git revision: `git:REV:path` on the command line becomes
// `git show REV:path`, run without a shell in the current or a given directory, with REV and path checked
// first so neither can be taken for an option or smuggle anything else to git.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace writ::review {

/// git could not be started, failed, or printed something that is not a file.
class GitError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

struct GitSource
{
    std::string revision; ///< "HEAD~1", "main", "v1.2", a commit id
    std::string path; ///< relative to the repository root ("./x" for the current directory)

    std::string label() const { return "git:" + revision + ":" + path; }
};

/// True when `argument` names a git source (starts with "git:").
bool isGitSource(std::string_view argument);

/// Splits "git:REV:path" at the first ':' after the prefix. nullopt with `error` set when REV or
/// path is empty or unsafe: a REV starting with '-', holding "..", spaces, control characters or
/// anything outside letters, digits and `._/~^@{}+-`; a path starting with '-' or '/', or holding
/// control characters.
std::optional<GitSource> parseGitSource(std::string_view argument, std::string &error);

/// The file's content at that revision (`git --no-pager show --no-textconv --end-of-options REV:path`),
/// run in `workingDirectory` (the current directory when empty), where a "./" path resolves.
/// Throws GitError with git's own message when it fails, or when the output is larger than
/// `maxBytes` or is a directory listing.
std::string gitShow(const GitSource &source, std::size_t maxBytes, const std::string &workingDirectory = {});

} // namespace writ::review
