// SPDX-License-Identifier: Apache-2.0
#include "sql/statement_facts.h"

namespace writ::sql {

const char *toString(StatementClass c)
{
    switch (c) {
    case StatementClass::Read: return "read";
    case StatementClass::Write: return "write";
    case StatementClass::Ddl: return "ddl";
    case StatementClass::Export: return "export";
    case StatementClass::Import: return "import";
    case StatementClass::Session: return "session";
    case StatementClass::Transaction: return "transaction";
    case StatementClass::Utility: return "utility";
    case StatementClass::Procedural: return "procedural";
    }
    return "ddl";
}

const char *toString(Access a)
{
    switch (a) {
    case Access::Read: return "read";
    case Access::Insert: return "insert";
    case Access::Update: return "update";
    case Access::Delete: return "delete";
    case Access::Truncate: return "truncate";
    case Access::Lock: return "lock";
    }
    return "read";
}

} // namespace writ::sql
