namespace Edge.Appliance.Meet;

/// <summary>
/// The event a box is timing, from the meet folder's <c>meet.json</c> (<c>event</c> section), or the embedded
/// default when no meet folder is configured.
/// </summary>
public sealed record MeetEvent(string Name, DateOnly? Date, TimeZoneInfo TimeZone)
{
    /// <summary>
    /// The key that keeps this meet's data apart from other meets' in the store: <c>event.id</c> when the folder
    /// gives one, else the date and a slug of the name; "default" for the embedded default.
    /// </summary>
    public string Key => Id ?? $"{Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "undated"}-{Slug(Name)}";

    /// <summary><c>event.id</c>, when given.</summary>
    public string? Id { get; init; }

    private static string Slug(string name)
    {
        var slug = new System.Text.StringBuilder();
        foreach (var c in name.Normalize(System.Text.NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark
                && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().Trim('-');
        return text.Length > 64 ? text[..64].TrimEnd('-') : text;
    }

    /// <summary>Used when no meet folder is set: UTC and no date, so only dated times (iso, unix) are placed exactly.</summary>
    public static MeetEvent Default { get; } = new("edge", null, TimeZoneInfo.Utc) { Id = "default" };
}

/// <summary>A meet folder problem, naming the file and what is wrong in it.</summary>
public sealed class MeetException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
