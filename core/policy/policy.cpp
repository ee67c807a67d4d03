// SPDX-License-Identifier: Apache-2.0
#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace writ::policy {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, const char *>, N> &table, std::string_view s)
{
    for (const auto &[value, name] : table)
        if (s == name)
            return value;
    return std::nullopt;
}

template <typename E, std::size_t N>
const char *nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, name] : table)
        if (v == value)
            return name;
    return "?";
}

constexpr std::array kOperations{
    std::pair{Operation::Select, "select"}, std::pair{Operation::Insert, "insert"},
    std::pair{Operation::Update, "update"}, std::pair{Operation::Delete, "delete"}};

constexpr std::array kContextTypes{
    std::pair{ContextType::Int, "int"},       std::pair{ContextType::Bigint, "bigint"},
    std::pair{ContextType::Numeric, "numeric"}, std::pair{ContextType::Text, "text"},
    std::pair{ContextType::Uuid, "uuid"},     std::pair{ContextType::Bool, "bool"},
    std::pair{ContextType::Date, "date"},     std::pair{ContextType::Timestamptz, "timestamptz"}};

constexpr std::array kStepUp{
    std::pair{StepUpClass::Export, "export"},   std::pair{StepUpClass::Import, "import"},
    std::pair{StepUpClass::Ddl, "ddl"},         std::pair{StepUpClass::BulkRead, "bulk_read"},
    std::pair{StepUpClass::SensitiveRead, "sensitive_read"}};

constexpr std::array kMasks{
    std::pair{MaskKind::Email, "email"}, std::pair{MaskKind::Partial, "partial"},
    std::pair{MaskKind::Hash, "hash"},   std::pair{MaskKind::Redact, "redact"},
    std::pair{MaskKind::Null, "null"}};

bool isIdentifierChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
        || static_cast<unsigned char>(c) >= 0x80;
}

bool isIdentifier(std::string_view s)
{
    if (s.empty() || (s[0] >= '0' && s[0] <= '9') || s[0] == '$')
        return false;
    return std::all_of(s.begin(), s.end(), isIdentifierChar);
}

} // namespace

const Agent *Policy::findAgent(std::string_view id) const
{
    for (const auto &a : agents)
        if (a.id == id)
            return &a;
    return nullptr;
}

const TaskType *Policy::findTask(std::string_view agent, std::string_view task) const
{
    if (const Agent *a = findAgent(agent))
        for (const auto &t : a->tasks)
            if (t.id == task)
                return &t;
    return nullptr;
}

const ContextKey *Policy::findContextKey(std::string_view name) const
{
    for (const auto &k : context)
        if (k.name == name)
            return &k;
    return nullptr;
}

const char *toString(Operation op) { return nameOf(kOperations, op); }
const char *toString(ContextType t) { return nameOf(kContextTypes, t); }
const char *toString(StepUpClass c) { return nameOf(kStepUp, c); }
const char *toString(MaskKind k) { return nameOf(kMasks, k); }

const char *postgresType(ContextType t)
{
    switch (t) {
    case ContextType::Int: return "integer";
    case ContextType::Bigint: return "bigint";
    case ContextType::Numeric: return "numeric";
    case ContextType::Text: return "text";
    case ContextType::Uuid: return "uuid";
    case ContextType::Bool: return "boolean";
    case ContextType::Date: return "date";
    case ContextType::Timestamptz: return "timestamp with time zone";
    }
    return "text";
}

std::optional<Operation> parseOperation(std::string_view s) { return lookup(kOperations, s); }
std::optional<ContextType> parseContextType(std::string_view s) { return lookup(kContextTypes, s); }
std::optional<StepUpClass> parseStepUpClass(std::string_view s) { return lookup(kStepUp, s); }

std::optional<Mask> parseMask(std::string_view s)
{
    const auto open = s.find('(');
    const std::string_view head = s.substr(0, open);
    const auto kind = lookup(kMasks, head);
    if (!kind)
        return std::nullopt;
    Mask m{*kind};
    if (open == std::string_view::npos)
        return m;
    // Only partial takes arguments: partial(keep_start, keep_end).
    if (*kind != MaskKind::Partial || s.back() != ')')
        return std::nullopt;
    std::string_view args = s.substr(open + 1, s.size() - open - 2);
    const auto comma = args.find(',');
    if (comma == std::string_view::npos)
        return std::nullopt;
    auto parseInt = [](std::string_view t, int &out) {
        while (!t.empty() && t.front() == ' ')
            t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ')
            t.remove_suffix(1);
        const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
        return ec == std::errc() && p == t.data() + t.size() && out >= 0 && out <= 64;
    };
    if (!parseInt(args.substr(0, comma), m.keepStart) || !parseInt(args.substr(comma + 1), m.keepEnd))
        return std::nullopt;
    return m;
}

std::string formatMask(const Mask &m)
{
    std::string out = toString(m.kind);
    if (m.kind == MaskKind::Partial && (m.keepStart != 0 || m.keepEnd != 4))
        out += "(" + std::to_string(m.keepStart) + "," + std::to_string(m.keepEnd) + ")";
    return out;
}

std::optional<Duration> parseDuration(std::string_view s)
{
    if (s.empty() || s.size() > 32)
        return std::nullopt;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        std::int64_t value = 0;
        const auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), value);
        if (ec != std::errc() || p == s.data() + i || value < 0)
            return std::nullopt;
        i = static_cast<std::size_t>(p - s.data());
        if (i >= s.size())
            return std::nullopt; // a bare number is ambiguous: say "30s"
        std::int64_t unit = 0;
        switch (s[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return std::nullopt;
        }
        ++i;
        if (value > 366 * 86400 / unit)
            return std::nullopt; // over a year is certainly a mistake for a task credential
        total += value * unit;
    }
    if (total <= 0 || total > 366 * 86400)
        return std::nullopt;
    return Duration(total);
}

std::string formatDuration(Duration d)
{
    std::int64_t s = d.count();
    if (s <= 0)
        return "0s";
    std::string out;
    const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    for (const auto &[size, suffix] : units) {
        if (s >= size) {
            out += std::to_string(s / size);
            out += suffix;
            s %= size;
        }
    }
    return out;
}

std::optional<QualifiedName> parseQualifiedName(std::string_view s)
{
    const auto dot = s.find('.');
    if (dot == std::string_view::npos)
        return isIdentifier(s) ? std::optional<QualifiedName>({"public", std::string(s)}) : std::nullopt;
    const std::string_view schema = s.substr(0, dot);
    const std::string_view name = s.substr(dot + 1);
    if (!isIdentifier(schema) || !isIdentifier(name))
        return std::nullopt;
    return QualifiedName{std::string(schema), std::string(name)};
}

Duration effectiveTtl(const Policy &p, const TaskType &t)
{
    return t.ttl.value_or(p.defaults.ttl);
}

Duration effectiveMaxTtl(const Policy &p, const TaskType &t)
{
    return t.maxTtl.value_or(p.defaults.maxTtl);
}

std::set<StepUpClass> effectiveStepUp(const Policy &p, const TaskType &t)
{
    return t.stepUp.value_or(p.defaults.stepUp);
}

} // namespace writ::policy
