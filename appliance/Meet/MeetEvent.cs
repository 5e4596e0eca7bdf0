using System.Text.Json;

namespace Edge.Appliance.Meet;

/// <summary>
/// The event a box is timing, from the meet folder's <c>meet.json</c> (<c>event</c> section), or the embedded
/// default when no meet folder is configured.
/// </summary>
public sealed record MeetEvent(string Name, DateOnly? Date, TimeZoneInfo TimeZone)
{
    public const string FileName = "meet.json";

    /// <summary>Used when no meet folder is set: UTC and no date, so only dated times (iso, unix) are placed exactly.</summary>
    public static MeetEvent Default { get; } = new("edge", null, TimeZoneInfo.Utc);

    /// <summary>Loads the <c>event</c> section of <c>meet.json</c>; errors name the file and the field.</summary>
    public static MeetEvent Load(string meetDir)
    {
        var path = Path.Combine(meetDir, FileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new MeetException(path, $"line {e.LineNumber + 1}: {e.Message}");
        }
        catch (IOException e)
        {
            throw new MeetException(path, e.Message);
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.Object)
            {
                throw new MeetException(path, "field 'event' is missing or not an object");
            }

            var name = ev.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new MeetException(path, "field 'event.name' is required");
            }

            DateOnly? date = null;
            if (ev.TryGetProperty("date", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (d.ValueKind != JsonValueKind.String || !DateOnly.TryParseExact(d.GetString(), "yyyy-MM-dd", out var parsed))
                {
                    throw new MeetException(path, "field 'event.date' must be a date like 2026-05-02");
                }

                date = parsed;
            }

            var zone = TimeZoneInfo.Utc;
            if (ev.TryGetProperty("timeZone", out var z) && z.ValueKind != JsonValueKind.Null)
            {
                if (z.ValueKind != JsonValueKind.String || !TimeZoneInfo.TryFindSystemTimeZoneById(z.GetString()!, out zone))
                {
                    throw new MeetException(path, $"field 'event.timeZone': unknown time zone {z}");
                }
            }

            return new MeetEvent(name, date, zone);
        }
    }
}

/// <summary>A meet folder problem, naming the file and what is wrong in it.</summary>
public sealed class MeetException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
