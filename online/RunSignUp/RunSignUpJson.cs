using System.Globalization;
using System.Text;
using System.Text.Json;
using Edge.Online.Http;
using Edge.Online.Results;
using Edge.Online.Roster;

namespace Edge.Online.RunSignUp;

/// <summary>
/// RunSignUp's JSON, both ways, as pure functions (PROTOCOLS.md §4): participant pages and result sets read, full
/// results written. Errors come as <c>{"error": {"error_code": N, "error_msg": "..."}}</c>, with a 4xx or inside a 200.
/// </summary>
public static class RunSignUpJson
{
    /// <summary>
    /// One participants page: an array with one object per event, <c>{"event": {...}, "participants": [...]}</c>. Rows
    /// of other events than <paramref name="eventId"/> are not taken (the call asks for one event).
    /// </summary>
    public static List<RosterEntry> Participants(JsonElement root, long eventId, string what)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"a JSON {Kind(root)} where a list of events with their participants was expected");
        }

        var key = eventId.ToString(CultureInfo.InvariantCulture);
        var entries = new List<RosterEntry>();
        foreach (var group in root.EnumerateArray())
        {
            if (group.ValueKind != JsonValueKind.Object)
            {
                throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"an event that is a JSON {Kind(group)}, not an object");
            }

            var ev = JsonAnswer.Child(group, "event");
            if (ev is { } e && JsonAnswer.Long(e, "event_id") is { } id && id != eventId)
            {
                continue;
            }

            if (!group.TryGetProperty("participants", out var rows) || rows.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (rows.ValueKind != JsonValueKind.Array)
            {
                throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"a JSON {Kind(rows)} where the list of participants was expected");
            }

            var eventName = ev is { } named ? JsonAnswer.Text(named, "name").Trim() : "";
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Object)
                {
                    throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"a participant that is a JSON {Kind(row)}, not an object");
                }

                var user = JsonAnswer.Child(row, "user") ?? default;
                var address = user.ValueKind == JsonValueKind.Object ? JsonAnswer.Child(user, "address") ?? default : default;
                entries.Add(new RosterEntry(
                    SourceId: JsonAnswer.Text(row, "registration_id"),
                    Bib: JsonAnswer.Text(row, "bib_num"),
                    FirstName: JsonAnswer.Text(user, "first_name"),
                    LastName: JsonAnswer.Text(user, "last_name"),
                    Gender: JsonAnswer.Text(user, "gender"),
                    Age: JsonAnswer.Int(row, "age"),
                    BirthDate: JsonAnswer.Date(user, "dob"),
                    City: JsonAnswer.Text(address, "city"),
                    State: JsonAnswer.Text(address, "state"),
                    Team: JsonAnswer.Text(row, "team_name"),
                    Chip: JsonAnswer.Text(row, "chip_num"),
                    RaceKey: key,
                    RaceName: eventName));
            }
        }

        return entries;
    }

    /// <summary>The result sets of an event: <c>{"individual_results_sets": [{"individual_result_set_id", "individual_result_set_name"}]}</c>.</summary>
    public static List<(long Id, string Name)> ResultSets(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"a JSON {Kind(root)} where an object with the result sets was expected");
        }

        if (!root.TryGetProperty("individual_results_sets", out var sets) || sets.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (sets.ValueKind != JsonValueKind.Array)
        {
            throw JsonAnswer.Malformed(RunSignUpClient.Service, what, $"a JSON {Kind(sets)} where the list of result sets was expected");
        }

        return [.. sets.EnumerateArray()
            .Where(s => JsonAnswer.Long(s, "individual_result_set_id") is not null)
            .Select(s => (JsonAnswer.Long(s, "individual_result_set_id")!.Value, JsonAnswer.Text(s, "individual_result_set_name")))];
    }

    /// <summary>The message of an error body, or null when the body is not one.</summary>
    public static string? ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return ErrorText(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? ErrorText(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
        {
            return null;
        }

        if (error.ValueKind == JsonValueKind.String)
        {
            return Printable(error.GetString() ?? "");
        }

        var message = JsonAnswer.Text(error, "error_msg");
        var code = JsonAnswer.Text(error, "error_code");
        return message.Length == 0 && code.Length == 0 ? "an error without a message" : Printable(code.Length > 0 ? $"{message} (error {code})".Trim() : message);
    }

    /// <summary>The <c>request</c> of a full-results post: <c>{"results": [...]}</c>, one object per runner.</summary>
    public static string FullResults(IEnumerable<ResultRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("results");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                // RunSignUp matches a row by bib_num: a number when the bib is one, as RunSignUp stores bibs.
                if (long.TryParse(row.Bib, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    json.WriteNumber("bib_num", number);
                }
                else
                {
                    json.WriteString("bib_num", row.Bib);
                }

                if (row.Place is { } place)
                {
                    json.WriteNumber("place", place);
                }

                if (row.Status == ResultStatus.Finished)
                {
                    json.WriteString("clock_time", Time(row.ClockTime!.Value));
                    if (row.ChipTime is { } chip)
                    {
                        json.WriteString("chip_time", Time(chip));
                    }
                }
                else
                {
                    // "DNF", "DNS", "DQ", "DNQ" are taken as times.
                    json.WriteString("clock_time", Status(row.Status));
                    json.WriteString("chip_time", Status(row.Status));
                }

                foreach (var (id, time) in row.Splits ?? new Dictionary<string, TimeSpan?>())
                {
                    // A split left out stays as RunSignUp has it; "X" clears it (another sender's splits are safe).
                    json.WriteString($"split-{id}", time is { } t ? Time(t) : "X");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The API's spelling of a status.</summary>
    public static string Status(ResultStatus status) => status switch
    {
        ResultStatus.Dnf => "DNF",
        ResultStatus.Dns => "DNS",
        ResultStatus.Dq => "DQ",
        ResultStatus.Dnq => "DNQ",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "a finish has a time, not a status"),
    };

    /// <summary>h:mm:ss.ff, hundredths truncated as timing does (the box's own results show the same).</summary>
    public static string Time(TimeSpan time)
    {
        if (time < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "a result time is never negative");
        }

        var hundredths = time.Ticks / (TimeSpan.TicksPerMillisecond * 10);
        var seconds = hundredths / 100;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}.{hundredths % 100:00}");
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };

    private static string Printable(string text)
    {
        var shown = new string([.. text.Take(200).Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return text.Length > 200 ? shown + "…" : shown;
    }
}
