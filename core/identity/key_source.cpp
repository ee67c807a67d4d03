// SPDX-License-Identifier: Apache-2.0
#include "identity/key_source.h"

#include "common/file_io.h"

#include <sys/stat.h>

namespace writ::identity {

KeySource::KeySource(std::string path)
    : m_path(std::move(path))
{ }

std::optional<KeySource::Stamp> KeySource::stat() const
{
    struct stat st
    {
    };
    if (::stat(m_path.c_str(), &st) != 0)
        return std::nullopt;
    Stamp s;
    s.mtimeNs = std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    s.ctimeNs = std::int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    s.size = std::int64_t(st.st_size);
    s.inode = std::uint64_t(st.st_ino);
    s.device = std::uint64_t(st.st_dev);
    return s;
}

Status KeySource::readAndParse()
{
    const std::optional<Stamp> before = stat();
    std::string ioError;
    const std::optional<std::string> text = readTextFile(m_path, ioError, kMaxKeyFileBytes);
    if (!text)
        return makeError(Reason::Io, "cannot read key file " + m_path + ": " + ioError);
    Result<KeySet> set = parseKeyFile(*text);
    if (!set)
        return Error {set.error().reason, m_path + ": " + set.error().message};
    m_keys = std::make_shared<const KeySet>(std::move(set).value());
    m_stamp = before;
    m_lastError.reset();
    return Ok {};
}

Status KeySource::load()
{
    Status st = readAndParse();
    if (!st)
        m_lastError = st.error();
    return st;
}

bool KeySource::refresh()
{
    const std::optional<Stamp> now = stat();
    if (now && m_stamp && *now == *m_stamp)
        return false;
    if (!now) {
        m_lastError = makeError(Reason::Io, "key file " + m_path + " has disappeared; keeping the keys loaded before");
        return false;
    }
    Status st = readAndParse();
    if (!st) {
        m_lastError = Error {st.error().reason, st.error().message + " (keeping the keys loaded before)"};
        m_stamp = now; // do not re-parse the same broken file on every token
        return false;
    }
    return true;
}

} // namespace writ::identity
