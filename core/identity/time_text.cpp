// SPDX-License-Identifier: Apache-2.0
#include "identity/time_text.h"

#include <ctime>

namespace writ::identity {

std::string humanDuration(long long seconds)
{
    if (seconds < 0)
        seconds = -seconds;
    const long long d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
    std::string out;
    if (d)
        out += std::to_string(d) + "d ";
    if (d || h)
        out += std::to_string(h) + "h ";
    if (d || h || m)
        out += std::to_string(m) + "m ";
    out += std::to_string(s) + "s";
    return out;
}

std::string formatUtc(long long unixSeconds)
{
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm {};
    if (unixSeconds < 0 || unixSeconds > 253402300799LL || !gmtime_r(&t, &tm))
        return std::to_string(unixSeconds);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace writ::identity
