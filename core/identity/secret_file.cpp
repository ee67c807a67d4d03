// SPDX-License-Identifier: Apache-2.0
#include "identity/secret_file.h"

#include "common/file_io.h"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace writ::identity {

namespace {

std::string directoryOf(const std::string &path)
{
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Error ioError(const std::string &what)
{
    return makeError(Reason::Io, what + ": " + std::strerror(errno));
}

} // namespace

Status writeSecretFile(const std::string &path, std::string_view content)
{
    const std::string dir = directoryOf(path);
    std::string pattern = dir + "/.writ-secret-XXXXXX";
    std::vector<char> tmpl(pattern.begin(), pattern.end());
    tmpl.push_back('\0');
    const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC); // created 0600
    if (fd < 0)
        return ioError("cannot create a file in " + dir);
    const std::string tmp(tmpl.data());
    const auto fail = [&](const std::string &what) {
        const Error e = ioError(what);
        ::close(fd);
        ::unlink(tmp.c_str());
        return e;
    };
    if (::fchmod(fd, 0600) != 0)
        return fail("cannot set mode 0600 on " + tmp);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail("cannot write " + tmp);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
        return fail("cannot sync " + tmp);
    if (::close(fd) != 0) {
        const Error e = ioError("cannot close " + tmp);
        ::unlink(tmp.c_str());
        return e;
    }
    // link() fails with EEXIST instead of replacing: an existing key is never overwritten.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const Error e = errno == EEXIST ? makeError(Reason::Io, path + " already exists; refusing to overwrite a key file")
                                        : ioError("cannot create " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    ::unlink(tmp.c_str());
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return Ok {};
}

std::string secretFileModeProblem(const std::string &path)
{
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0)
        return {};
    if (!S_ISREG(st.st_mode))
        return path + " is not a regular file";
    if (st.st_mode & 077) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
        return path + " has mode " + mode + "; a private key should be readable by its owner only (chmod 600)";
    }
    return {};
}

SecretRead readSecretFile(const std::string &path, std::size_t minBytes, bool refuseLooseMode, std::size_t maxBytes)
{
    SecretRead out;
    std::string readError;
    std::optional<std::string> text = readTextFile(path, readError, maxBytes);
    if (!text) {
        out.error = "cannot read " + path + ": " + readError;
        return out;
    }
    const auto refuse = [&](std::string message) {
        OPENSSL_cleanse(text->data(), text->size());
        out.error = std::move(message);
        return out;
    };
    if (std::string problem = secretFileModeProblem(path); !problem.empty()) {
        if (refuseLooseMode)
            return refuse("refusing " + path + ": " + problem);
        out.warning = std::move(problem);
    }
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r'))
        text->pop_back();
    if (text->size() < std::max<std::size_t>(minBytes, 1))
        return refuse(path + " holds " + std::to_string(text->size()) + " bytes; it needs at least "
                      + std::to_string(std::max<std::size_t>(minBytes, 1)) + " (e.g. (umask 077; openssl rand -base64 48 > " + path + "))");
    out.secret = std::move(text);
    return out;
}

} // namespace writ::identity
