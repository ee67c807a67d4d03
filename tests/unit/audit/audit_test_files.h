// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the audit writer's tests share: a cap on file growth, to make writes fail, and reading the lines back.

#include <QFileInfo>
#include <QString>

#include <csignal>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace writ::audit::test {

/// While it lives, files may not grow past `bytes` (RLIMIT_FSIZE, SIGXFSZ ignored): a write that would
/// grow the audit file fails without writing a byte.
class FileSizeCap
{
public:
    explicit FileSizeCap(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_before);
        m_previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit capped = m_before;
        capped.rlim_cur = bytes;
        m_ok = ::setrlimit(RLIMIT_FSIZE, &capped) == 0;
    }
    ~FileSizeCap()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_before);
        std::signal(SIGXFSZ, m_previousHandler);
    }
    FileSizeCap(const FileSizeCap &) = delete;
    FileSizeCap &operator=(const FileSizeCap &) = delete;
    bool ok() const { return m_ok; }

private:
    rlimit m_before{};
    void (*m_previousHandler)(int) = nullptr;
    bool m_ok = false;
};

inline rlim_t fileSize(const std::string &path) { return static_cast<rlim_t>(QFileInfo(QString::fromStdString(path)).size()); }

inline std::vector<std::string> readLines(const std::string &path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    return lines;
}

} // namespace writ::audit::test
