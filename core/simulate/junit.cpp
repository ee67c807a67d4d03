// SPDX-License-Identifier: Apache-2.0
#include "simulate/junit.h"

#include "common/text.h"

#include <algorithm>
#include <cstdio>

namespace writ::simulate {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

std::string seconds(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", std::max(0.0, s));
    return buf;
}

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 when it is invalid there.
std::size_t sequenceLength(std::string_view s, std::size_t i)
{
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size())
        return 0;
    return findInvalidUtf8(s.substr(i, n)) ? 0 : n;
}

} // namespace

std::size_t JUnitSuite::failures() const
{
    return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const JUnitCase &c) { return c.failure.has_value(); }));
}

std::size_t JUnitSuite::errors() const
{
    return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const JUnitCase &c) { return c.error.has_value(); }));
}

std::string xmlEscape(std::string_view text, bool attribute)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = sequenceLength(text, i);
        if (n == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        if (n > 1) {
            // U+FFFE and U+FFFF are not XML characters either.
            const std::string_view seq = text.substr(i, n);
            out += (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") ? kReplacement : seq;
            i += n;
            continue;
        }
        const char c = text[i++];
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += attribute ? "&quot;" : "\""; break;
        case '\'': out += attribute ? "&apos;" : "'"; break;
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break; // a raw CR would be normalized away by every parser
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += kReplacement; // not allowed in XML 1.0, not even as a character reference
            else
                out += c;
        }
    }
    return out;
}

std::string writeJUnitXml(const JUnitSuite &suite)
{
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string counts = " tests=\"" + std::to_string(suite.cases.size()) + "\" failures=\"" + std::to_string(suite.failures())
                             + "\" errors=\"" + std::to_string(suite.errors()) + "\" time=\"" + seconds(suite.seconds) + "\"";
    x += "<testsuites name=\"" + xmlEscape(suite.name, true) + "\"" + counts + ">\n";
    x += "  <testsuite name=\"" + xmlEscape(suite.name, true) + "\"" + counts + " skipped=\"0\">\n";
    for (const auto &c : suite.cases) {
        x += "    <testcase name=\"" + xmlEscape(c.name, true) + "\" classname=\"" + xmlEscape(c.className, true) + "\" time=\""
           + seconds(c.seconds) + "\"";
        if (!c.failure && !c.error) {
            x += "/>\n";
            continue;
        }
        x += ">\n";
        const char *element = c.failure ? "failure" : "error";
        const std::string &message = c.failure ? *c.failure : *c.error;
        x += std::string("      <") + element + " message=\"" + xmlEscape(message, true) + "\" type=\"" + element + "\">"
           + xmlEscape(c.details) + "</" + element + ">\n";
        x += "    </testcase>\n";
    }
    x += "  </testsuite>\n</testsuites>\n";
    return x;
}

} // namespace writ::simulate
