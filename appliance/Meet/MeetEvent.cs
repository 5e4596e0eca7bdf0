using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Appliance.Meet;

/// <summary>
/// The event a box is timing, from the meet folder's <c>meet.json</c> (<c>event</c> section), or the embedded
/// default when no meet folder is configured.
/// </summary>
public sealed record MeetEvent(string Name, DateOnly? Date, TimeZoneInfo TimeZone)
{
    /// <summary>The key of the embedded default meet (no meet folder); no folder may take it as its <c>event.id</c>.</summary>
    public const string DefaultKey = "default";

    /// <summary>Longest key, given (<c>event.id</c>) or derived.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>Used when no meet folder is set: UTC and no date, so only dated times (iso, unix) are placed exactly.</summary>
    public static MeetEvent Default { get; } = new("edge", null, TimeZoneInfo.Utc) { Id = DefaultKey };

    /// <summary><c>event.id</c>, when given: 1-64 letters, digits, '-' and '_' (<see cref="IsValidId"/>).</summary>
    public string? Id { get; init; }

    /// <summary>
    /// The key that keeps this meet's data apart from other meets' in the store: <c>event.id</c> when the folder
    /// gives one, else derived from the date and the name (<see cref="DeriveKey"/>); "default" for the embedded
    /// default. Without an id, a new name or date is a new meet.
    /// </summary>
    public string Key => Id ?? DeriveKey(Name, Date);

    public static bool IsValidId(string id) =>
        id.Length is >= 1 and <= MaxKeyLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// <c>{date or "undated"}-{slug of the name}</c>: lowercase ASCII letters, digits and '-', accents folded
    /// ("São João" → "sao-joao"), apostrophes dropped, at most 64 characters. A name too long is cut and ends in a
    /// short hash of the whole name, and a name with no Latin letters or digits at all becomes "meet-" and that
    /// hash, so different names keep different keys.
    /// </summary>
    public static string DeriveKey(string name, DateOnly? date)
    {
        var prefix = date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "undated";
        var room = MaxKeyLength - prefix.Length - 1;
        var slug = Slug(name);
        if (slug.Length == 0)
        {
            slug = "meet-" + Hash(name);
        }
        else if (slug.Length > room)
        {
            slug = slug[..(room - 9)].TrimEnd('-') + "-" + Hash(name);
        }

        return $"{prefix}-{slug}";
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder(name.Length);
        var gap = false;
        foreach (var c in name.Normalize(NormalizationForm.FormKD))
        {
            var folded = c switch
            {
                _ when char.IsAsciiLetterOrDigit(c) => char.ToLowerInvariant(c).ToString(),
                'ß' => "ss",
                'æ' or 'Æ' => "ae",
                'œ' or 'Œ' => "oe",
                'ø' or 'Ø' => "o",
                'ł' or 'Ł' => "l",
                'đ' or 'Đ' or 'ð' or 'Ð' => "d",
                'þ' or 'Þ' => "th",
                'ı' => "i",
                'ħ' or 'Ħ' => "h",
                _ => null,
            };
            if (folded is not null)
            {
                if (gap && slug.Length > 0)
                {
                    slug.Append('-');
                }

                slug.Append(folded);
                gap = false;
            }
            else if (c is not ('\'' or '’' or 'ʼ' or '`')
                && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                // Anything else separates words: spaces, punctuation, letters with no Latin spelling.
                gap = true;
            }
        }

        return slug.ToString();
    }

    private static string Hash(string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name.Normalize(NormalizationForm.FormC))))[..8];
}

/// <summary>A meet folder problem, naming the file and what is wrong in it.</summary>
public sealed class MeetException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
