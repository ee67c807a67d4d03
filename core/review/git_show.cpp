// SPDX-License-Identifier: Apache-2.0
#include "review/git_show.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <vector>

extern char **environ;

namespace writ::review {

namespace {

constexpr std::size_t kMaxRevision = 255;
constexpr std::size_t kMaxPath = 4096;
constexpr std::size_t kMaxStderr = 16 * 1024;

bool revisionChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || std::strchr("._/~^@{}+-", c) != nullptr;
}

std::string firstLine(const std::string &s)
{
    std::string line = s.substr(0, s.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    return line;
}

/// Pipe ends closed on scope exit, so no error path leaks a descriptor.
struct Fd
{
    int fd = -1;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

struct Output
{
    std::string out, err;
    bool tooLarge = false;
};

/// Reads both pipes until git closes them; stops taking stdout past `maxBytes`.
Output drain(Fd &out, Fd &err, std::size_t maxBytes)
{
    Output o;
    std::array<char, 8192> buf {};
    while (out.fd >= 0 || err.fd >= 0) {
        std::array<pollfd, 2> fds {{{out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (std::size_t i = 0; i < 2; ++i) {
            Fd &f = i == 0 ? out : err;
            if (f.fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const ssize_t n = ::read(f.fd, buf.data(), buf.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                f.reset();
                continue;
            }
            std::string &target = i == 0 ? o.out : o.err;
            const std::size_t limit = i == 0 ? maxBytes : kMaxStderr;
            if (target.size() + static_cast<std::size_t>(n) > limit) {
                if (i == 0) {
                    o.tooLarge = true;
                    f.reset(); // git gets SIGPIPE and stops
                    continue;
                }
                target.append(buf.data(), limit - target.size());
                continue;
            }
            target.append(buf.data(), static_cast<std::size_t>(n));
        }
    }
    return o;
}

} // namespace

bool isGitSource(std::string_view argument)
{
    return argument.substr(0, 4) == "git:";
}

std::optional<GitSource> parseGitSource(std::string_view argument, std::string &error)
{
    if (!isGitSource(argument)) {
        error = "expected git:REV:path";
        return std::nullopt;
    }
    const std::string_view rest = argument.substr(4);
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {
        error = "'" + std::string(argument) + "' names no file: write git:REV:path, e.g. git:HEAD~1:policy.writ.yaml";
        return std::nullopt;
    }
    GitSource s {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
    if (s.revision.empty() || s.revision.size() > kMaxRevision) {
        error = "the revision in '" + std::string(argument) + "' is empty or too long: write e.g. git:HEAD~1:policy.writ.yaml";
        return std::nullopt;
    }
    if (s.revision.front() == '-') {
        error = "the revision '" + s.revision + "' starts with '-', which git would read as an option";
        return std::nullopt;
    }
    if (s.revision.find("..") != std::string::npos || !std::all_of(s.revision.begin(), s.revision.end(), revisionChar)) {
        error = "the revision '" + s.revision
            + "' is not a plain revision: use a branch, tag or commit id, optionally with ~N or ^ (letters, digits and "
              "._/~^@{}+-)";
        return std::nullopt;
    }
    if (s.path.empty() || s.path.size() > kMaxPath) {
        error = "the path in '" + std::string(argument) + "' is empty or too long";
        return std::nullopt;
    }
    if (s.path.front() == '-' || s.path.front() == '/') {
        error = "the path '" + s.path + "' must be relative to the repository root (or start with ./) and not start with '-'";
        return std::nullopt;
    }
    if (std::any_of(s.path.begin(), s.path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
        error = "the path in '" + std::string(argument) + "' holds control characters";
        return std::nullopt;
    }
    return s;
}

std::string gitShow(const GitSource &source, std::size_t maxBytes, const std::string &workingDirectory)
{
    const std::string object = source.revision + ":" + source.path;
    std::vector<std::string> args {"git", "--no-pager", "show", "--no-textconv", "--end-of-options", object};
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0)
        throw GitError(std::string("cannot run git: ") + std::strerror(errno));
    Fd outRead {outPipe[0]}, outWrite {outPipe[1]};
    if (::pipe2(errPipe, O_CLOEXEC) != 0)
        throw GitError(std::string("cannot run git: ") + std::strerror(errno));
    Fd errRead {errPipe[0]}, errWrite {errPipe[1]};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outWrite.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errWrite.fd, STDERR_FILENO);
    if (!workingDirectory.empty())
        posix_spawn_file_actions_addchdir_np(&actions, workingDirectory.c_str());
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        if (!workingDirectory.empty() && ::access(workingDirectory.c_str(), X_OK) != 0)
            throw GitError("cannot run git in " + workingDirectory + ": " + std::strerror(errno));
        throw GitError(spawned == ENOENT ? std::string("cannot run git: it is not installed or not on PATH")
                                         : std::string("cannot run git: ") + std::strerror(spawned));
    }
    outWrite.reset();
    errWrite.reset();

    const Output o = drain(outRead, errRead, maxBytes);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }

    const std::string command = "git show " + object;
    if (o.tooLarge)
        throw GitError(command + ": the file is larger than " + std::to_string(maxBytes) + " bytes");
    if (WIFSIGNALED(status))
        throw GitError(command + " was ended by signal " + std::to_string(WTERMSIG(status)));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const std::string why = firstLine(o.err);
        throw GitError(command + " failed" + (why.empty() ? std::string() : ": " + why)
            + " (check the revision and that the path is relative to the repository root)");
    }
    if (o.out.rfind("tree " + object + "\n", 0) == 0)
        throw GitError(command + " is a directory, not a policy file");
    return o.out;
}

} // namespace writ::review
