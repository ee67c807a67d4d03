// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private to core/tasks: one connection per call, with libpqxx's exceptions turned into TaskError
// (a lost or refused connection and SQL errors are Environment; TaskErrors pass through).

#include "catalog/introspector.h"
#include "tasks/task_manager.h"

#include <pqxx/pqxx>

#include <string>

namespace writ::tasks::detail {

template <typename Fn>
auto withConnection(const std::string &uri, Fn fn)
{
    try {
        pqxx::connection c(catalog::withConnectTimeout(uri));
        return fn(c);
    } catch (const TaskError &) {
        throw;
    } catch (const pqxx::broken_connection &e) {
        throw TaskError(std::string("could not connect: ") + e.what(), TaskError::Kind::Environment);
    } catch (const pqxx::sql_error &e) {
        throw TaskError(std::string("database error: ") + e.what(), TaskError::Kind::Environment);
    } catch (const std::exception &e) {
        throw TaskError(e.what(), TaskError::Kind::Environment);
    }
}

/// SQL rendering a timestamptz column as ISO 8601 UTC text ('' when NULL).
inline std::string isoUtc(const std::string &column)
{
    return "coalesce(to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

} // namespace writ::tasks::detail
