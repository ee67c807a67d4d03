// SPDX-License-Identifier: Apache-2.0
#include "audit/audit_tail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace writ::audit {

namespace {

bool matches(const std::string &line, const std::map<std::string, std::string> &equals)
{
    if (equals.empty())
        return true;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object())
        return false;
    for (const auto &[field, value] : equals) {
        const auto it = j.find(field);
        if (it == j.end())
            return false;
        const std::string actual = it->is_string() ? it->get<std::string>() : it->dump();
        if (actual != value)
            return false;
    }
    return true;
}

} // namespace

TailResult tailAuditFile(const std::string &path, const TailQuery &query)
{
    TailResult out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error = "cannot open " + path + ": " + std::strerror(errno);
        return out;
    }
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    constexpr std::streamoff kBlock = 64 * 1024;
    std::streamoff pos = size;
    std::string carry; // the start of a line whose beginning lies in an earlier block
    std::vector<std::string> newestFirst;
    const auto take = [&](std::string line) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty() && matches(line, query.equals))
            newestFirst.push_back(std::move(line));
    };
    while (pos > 0 && newestFirst.size() < query.limit && size - pos < static_cast<std::streamoff>(query.maxScanBytes)) {
        const std::streamoff start = std::max<std::streamoff>(0, pos - kBlock);
        std::string block(static_cast<std::size_t>(pos - start), '\0');
        in.seekg(start);
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        if (!in) {
            out.error = "cannot read " + path;
            return out;
        }
        block += carry;
        pos = start;
        std::size_t end = block.size();
        for (;;) {
            const std::size_t nl = end == 0 ? std::string::npos : block.rfind('\n', end - 1);
            if (nl == std::string::npos)
                break;
            take(block.substr(nl + 1, end - nl - 1));
            if (newestFirst.size() >= query.limit)
                break;
            end = nl;
        }
        carry = block.substr(0, end);
    }
    if (pos == 0 && newestFirst.size() < query.limit)
        take(carry);
    out.records.assign(newestFirst.rbegin(), newestFirst.rend());
    return out;
}

} // namespace writ::audit
