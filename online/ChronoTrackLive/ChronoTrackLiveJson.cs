using System.Text.Json;
using Edge.Online.Http;
using Edge.Online.Roster;

namespace Edge.Online.ChronoTrackLive;

/// <summary>ChronoTrack Live's entry pages as pure functions: <c>{"event_entry": [ {entry_id, entry_bib, ...} ]}</c>.</summary>
public static class ChronoTrackLiveJson
{
    public static List<RosterEntry> Entries(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonAnswer.Malformed(ChronoTrackLiveClient.Service, what, "not a JSON object with the event's entries");
        }

        if (!root.TryGetProperty("event_entry", out var rows) || rows.ValueKind == JsonValueKind.Null)
        {
            // An event without entries answers without the list.
            return [];
        }

        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw JsonAnswer.Malformed(ChronoTrackLiveClient.Service, what, "an event_entry that is not a list");
        }

        var entries = new List<RosterEntry>(rows.GetArrayLength());
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object)
            {
                throw JsonAnswer.Malformed(ChronoTrackLiveClient.Service, what, "an entry that is not a JSON object");
            }

            var race = JsonAnswer.Text(row, "race_name").Trim();
            entries.Add(new RosterEntry(
                SourceId: JsonAnswer.Text(row, "entry_id"),
                Bib: JsonAnswer.Text(row, "entry_bib"),
                FirstName: JsonAnswer.Text(row, "athlete_first_name"),
                LastName: JsonAnswer.Text(row, "athlete_last_name"),
                Gender: JsonAnswer.Text(row, "athlete_sex"),
                Age: JsonAnswer.Int(row, "entry_race_age") ?? JsonAnswer.Int(row, "athlete_age"),
                BirthDate: null,
                City: JsonAnswer.Text(row, "location_city"),
                State: JsonAnswer.Text(row, "location_region"),
                Team: JsonAnswer.Text(row, "team_name"),
                Chip: "",
                RaceKey: race,
                RaceName: race));
        }

        return entries;
    }

    /// <summary>The message of an error body (<c>{"error": "..."}</c>, <c>{"error": {"message": ...}}</c>, <c>{"message": ...}</c>), else null.</summary>
    public static string? ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var error = JsonAnswer.Child(root, "error") is { } inner ? JsonAnswer.Text(inner, "message") : JsonAnswer.Text(root, "error");
            var text = error.Length > 0 ? error : JsonAnswer.Text(root, "message") is { Length: > 0 } m ? m : JsonAnswer.Text(root, "error_description");
            return text.Length == 0 ? null : new string([.. text.Take(200).Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
