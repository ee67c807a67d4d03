// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace writ::catalog {

/// The one exception type of the catalog layer: introspection and snapshot I/O failures.
/// what() is a complete sentence a person can act on ("could not connect to 127.0.0.1:5999: ...").
/// kind() lets a face react without parsing text (e.g. ask for a password again).
class CatalogError : public std::runtime_error
{
public:
    enum class Kind {
        Unreachable, ///< no server answered at host:port (or it timed out)
        Authentication, ///< the server refused the credentials
        DatabaseMissing, ///< the named database does not exist
        PermissionDenied, ///< connected, but a catalog could not be read
        Unsupported, ///< server version too old
        Query, ///< any other server-side error while introspecting
        Malformed, ///< a catalog snapshot that is not valid JSON or has the wrong shape
        Io, ///< a snapshot file could not be read or written
        Other,
    };

    explicit CatalogError(const std::string &message, Kind kind = Kind::Other)
        : std::runtime_error(message)
        , m_kind(kind)
    { }

    Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

} // namespace writ::catalog
