using System.Globalization;

namespace Edge.Online.Http;

/// <summary>The Retry-After header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.</summary>
public static class RetryAfter
{
    /// <summary>The wait the header asks for, measured from <paramref name="now"/>; null when absent or unreadable. A past date is no wait.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2));
        }

        // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is what servers send; the "R" pattern reads it.
        if (DateTimeOffset.TryParseExact(value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var at)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at))
        {
            return at > now ? at - now : TimeSpan.Zero;
        }

        return null;
    }
}
