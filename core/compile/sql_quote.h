// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one quoting module: every identifier and literal Writ writes into SQL passes through here.

#include <string>
#include <string_view>

namespace writ::compile {

/// "name" with embedded double quotes doubled. Always quoted, so case and keywords are safe.
std::string quoteIdent(std::string_view name);

/// "schema"."name"
std::string quoteQualified(std::string_view schema, std::string_view name);

/// 'text' with embedded single quotes doubled (standard_conforming_strings is on since PostgreSQL 9.1).
/// NUL bytes cannot appear in PostgreSQL text and are refused by the callers' validation.
std::string quoteLiteral(std::string_view text);

} // namespace writ::compile
