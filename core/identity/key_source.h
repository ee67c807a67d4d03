// SPDX-License-Identifier: Apache-2.0
#pragma once

// A key file (JWKS, JWK or PEM public key) that is read again when it changes on disk, so keys can be
// rotated and revoked by editing or atomically replacing the file — no restart.

#include "identity/jwk.h"
#include "identity/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace writ::identity {

class KeySource
{
public:
    explicit KeySource(std::string path);

    /// First load: an unreadable or invalid file is an error (a trust entry must start with keys).
    Status load();

    /// Re-reads the file when its mtime, size, inode or ctime changed since the last read. A file that
    /// has become unreadable or invalid keeps the last good keys and sets lastError() — a half-written
    /// file must not lock every agent out; a key is removed by writing a valid file without it.
    /// Returns true when new keys were loaded.
    bool refresh();

    std::shared_ptr<const KeySet> keys() const { return m_keys; }
    const std::string &path() const { return m_path; }
    const std::optional<Error> &lastError() const { return m_lastError; }

private:
    struct Stamp
    {
        std::int64_t mtimeNs = 0, ctimeNs = 0, size = -1;
        std::uint64_t inode = 0, device = 0;
        bool operator==(const Stamp &) const = default;
    };
    std::optional<Stamp> stat() const;
    Status readAndParse();

    std::string m_path;
    std::optional<Stamp> m_stamp;
    std::shared_ptr<const KeySet> m_keys = std::make_shared<KeySet>();
    std::optional<Error> m_lastError;
};

} // namespace writ::identity
