using System.Globalization;

namespace Edge.Online.Http;

/// <summary>The Retry-After header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.</summary>
public static class RetryAfter
{
    private static readonly string[] HttpDates = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy", "ddd MMM  d HH:mm:ss yyyy"];

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

        // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), and the two obsolete forms a recipient must still read.
        if (DateTimeOffset.TryParseExact(value, HttpDates, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return at > now ? at - now : TimeSpan.Zero;
        }

        return null;
    }
}
