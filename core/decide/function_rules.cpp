// SPDX-License-Identifier: Apache-2.0
#include "decide/function_rules.h"

#include <array>
#include <utility>

namespace writ::decide {

namespace {

constexpr DangerousFunction kServerFile{"server file", "it reads or lists files on the database server"};
constexpr DangerousFunction kLargeObject{"large object", "large objects live outside every relation and its row filters"};
constexpr DangerousFunction kDblink{"dblink", "it opens connections to other servers, past the gateway"};
constexpr DangerousFunction kDynamicSql{"dynamic SQL", "it runs SQL text the gateway never sees as a statement"};
constexpr DangerousFunction kSessions{"other sessions", "it acts on other sessions or backends"};
constexpr DangerousFunction kServerAdmin{"server administration", "it changes the server, its logs, WAL or replication"};
constexpr DangerousFunction kAdvisoryLock{"advisory lock", "advisory locks can block deployments and other tasks beyond this task's scope"};

// Exact names; prefixes below catch the families.
constexpr std::array<std::pair<std::string_view, const DangerousFunction *>, 37> kExact{{
    {"pg_read_file", &kServerFile}, {"pg_read_binary_file", &kServerFile}, {"pg_stat_file", &kServerFile},
    {"pg_ls_dir", &kServerFile}, {"pg_file_write", &kServerFile}, {"pg_file_rename", &kServerFile},
    {"pg_file_unlink", &kServerFile}, {"pg_file_sync", &kServerFile}, {"pg_logdir_ls", &kServerFile},
    {"loread", &kLargeObject}, {"lowrite", &kLargeObject},
    {"query_to_xml", &kDynamicSql}, {"query_to_xmlschema", &kDynamicSql}, {"query_to_xml_and_xmlschema", &kDynamicSql},
    {"cursor_to_xml", &kDynamicSql}, {"cursor_to_xmlschema", &kDynamicSql},
    {"pg_terminate_backend", &kSessions}, {"pg_cancel_backend", &kSessions}, {"pg_signal_backend", &kSessions},
    {"pg_log_backend_memory_contexts", &kSessions},
    {"pg_reload_conf", &kServerAdmin}, {"pg_rotate_logfile", &kServerAdmin}, {"pg_promote", &kServerAdmin},
    {"pg_switch_wal", &kServerAdmin}, {"pg_create_restore_point", &kServerAdmin}, {"pg_backup_start", &kServerAdmin},
    {"pg_backup_stop", &kServerAdmin}, {"pg_start_backup", &kServerAdmin}, {"pg_stop_backup", &kServerAdmin},
    {"pg_wal_replay_pause", &kServerAdmin}, {"pg_wal_replay_resume", &kServerAdmin}, {"pg_import_system_collations", &kServerAdmin},
    {"pg_stat_reset", &kServerAdmin}, {"pg_stat_reset_shared", &kServerAdmin}, {"pg_stat_reset_single_table_counters", &kServerAdmin},
    {"pg_stat_reset_single_function_counters", &kServerAdmin}, {"pg_stat_reset_slru", &kServerAdmin},
}};

constexpr std::array<std::pair<std::string_view, const DangerousFunction *>, 12> kPrefixes{{
    {"pg_ls_", &kServerFile},        // pg_ls_logdir, pg_ls_waldir, pg_ls_tmpdir, pg_ls_archive_statusdir
    {"lo_", &kLargeObject},          // lo_import, lo_export, lo_open, lo_get, lo_put, lo_from_bytea, ...
    {"dblink", &kDblink},            // dblink, dblink_exec, dblink_connect, ...
    {"table_to_xml", &kDynamicSql},  // table_to_xml[schema][_and_xmlschema]: reads a relation by name
    {"schema_to_xml", &kDynamicSql},
    {"database_to_xml", &kDynamicSql},
    {"pg_advisory_", &kAdvisoryLock}, // pg_advisory_lock, pg_advisory_xact_lock, ...
    {"pg_try_advisory_", &kAdvisoryLock},
    {"pg_replication_", &kServerAdmin},
    {"pg_create_", &kServerAdmin},   // replication slots and restore points
    {"pg_drop_replication", &kServerAdmin},
    {"pg_logical_", &kServerAdmin},
}};

} // namespace

std::optional<DangerousFunction> classifyDangerousFunction(std::string_view schema, std::string_view name)
{
    // dblink and adminpack install into any schema; file, object and dynamic-SQL functions are pg_catalog's.
    if (name.starts_with("dblink"))
        return kDblink;
    if (schema != "pg_catalog" && !schema.empty())
        return std::nullopt;
    for (const auto &[exact, kind] : kExact)
        if (name == exact)
            return *kind;
    for (const auto &[prefix, kind] : kPrefixes)
        if (name.starts_with(prefix))
            return *kind;
    return std::nullopt;
}

bool isWritRuntimeFunction(std::string_view schema, std::string_view name)
{
    return schema == "writ" && (name == "ctx" || name.starts_with("mask_") || name == "redact");
}

} // namespace writ::decide
