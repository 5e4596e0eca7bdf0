using System.Globalization;
using System.Text;

namespace Edge.SyncAgent;

/// <summary>FNV-1a, 64 bits: tells whether content changed. Not a cryptographic hash, and not used as one.</summary>
internal static class Hash
{
    public static string Of(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash.ToString("X16", CultureInfo.InvariantCulture);
    }

    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));
}
