using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Edge.Appliance.Meet;

/// <summary>
/// Loads and validates a meet folder. Every problem names the file, the line and the field, so a timer editing
/// <c>meet.json</c> on a laptop can find it; the first problem found is reported.
/// </summary>
public static class MeetLoader
{
    public const string MeetFile = "meet.json";
    public const string DefaultParticipantsFile = "participants.csv";

    /// <summary>Largest file the loader reads: a roster of 100,000 runners is far below it.</summary>
    public const long MaxFileBytes = 32 * 1024 * 1024;

    private static readonly string[] RequiredColumns = ["bib", "first_name", "last_name", "gender", "age", "race"];

    public static Meet Load(string meetDir)
    {
        var path = Path.Combine(meetDir, MeetFile);
        var bytes = ReadFile(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new MeetException(path, $"line {e.LineNumber + 1}: {e.Message}");
        }

        using (document)
        {
            var json = new JsonFile(path, bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw json.Error("", "the file must hold one JSON object");
            }

            var meetEvent = ReadEvent(json, root);
            var races = ReadRaces(json, root, meetEvent);
            var ageGroups = ReadAgeGroups(json, root);
            var wifi = ReadWifi(json, root);
            var displays = ReadDisplays(json, root, races);
            var participantsFile = json.OptionalString(root, "participants", "participants") ?? DefaultParticipantsFile;
            var participantsPath = Path.Combine(meetDir, participantsFile);
            IReadOnlyList<Participant> participants = File.Exists(participantsPath) || json.Has(root, "participants")
                ? ReadParticipants(participantsPath, races)
                : [];
            return new Meet(meetEvent, races, ageGroups, participants, wifi, displays);
        }
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                throw new MeetException(path, $"the file is {info.Length:N0} bytes; at most {MaxFileBytes:N0} are read");
            }

            return File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new MeetException(path, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MeetException(path, e.Message);
        }
    }

    private static MeetEvent ReadEvent(JsonFile json, JsonElement root)
    {
        var ev = json.RequiredObject(root, "event", "event");
        var name = json.RequiredString(ev, "name", "event.name");
        DateOnly? date = null;
        if (json.OptionalString(ev, "date", "event.date") is { } d)
        {
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                throw json.Error("event.date", $"'{d}' is not a date like 2026-05-02");
            }

            date = parsed;
        }

        var zone = TimeZoneInfo.Utc;
        if (json.OptionalString(ev, "timeZone", "event.timeZone") is { } z && !TimeZoneInfo.TryFindSystemTimeZoneById(z, out zone))
        {
            throw json.Error("event.timeZone", $"unknown time zone '{z}' (use an IANA name like America/Los_Angeles)");
        }

        return new MeetEvent(name, date, zone ?? TimeZoneInfo.Utc);
    }

    private static List<Race> ReadRaces(JsonFile json, JsonElement root, MeetEvent meetEvent)
    {
        var races = new List<Race>();
        if (!root.TryGetProperty("races", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return races;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw json.Error("races", "must be a list of races");
        }

        var i = 0;
        foreach (var r in array.EnumerateArray())
        {
            var at = $"races[{i++}]";
            if (r.ValueKind != JsonValueKind.Object)
            {
                throw json.Error(at, "must be an object");
            }

            var id = json.RequiredString(r, "id", $"{at}.id");
            if (id.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_'))
            {
                throw json.Error($"{at}.id", $"'{id}' may hold only letters, digits, '-' and '_' (it appears in URLs and topics)");
            }

            if (races.Any(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                throw json.Error($"{at}.id", $"race id '{id}' is used twice");
            }

            var name = json.OptionalString(r, "name", $"{at}.name") ?? id;
            var distance = json.OptionalNumber(r, "distanceKm", $"{at}.distanceKm") ?? 0;
            if (distance < 0 || distance > 1000)
            {
                throw json.Error($"{at}.distanceKm", "must be between 0 and 1000");
            }

            var rankBy = (json.OptionalString(r, "rankBy", $"{at}.rankBy") ?? "gun") switch
            {
                "gun" => RankBy.Gun,
                "chip" => RankBy.Chip,
                var other => throw json.Error($"{at}.rankBy", $"'{other}' must be \"gun\" or \"chip\""),
            };
            var points = ReadTimingPoints(json, r, at);
            var gun = ReadGun(json, r, at, meetEvent);
            var minimum = TimeSpan.Zero;
            if (json.OptionalString(r, "minimumTime", $"{at}.minimumTime") is { } m
                && !TimeSpan.TryParseExact(m, [@"hh\:mm\:ss", @"h\:mm\:ss", @"hh\:mm\:ss\.FFF"], CultureInfo.InvariantCulture, out minimum))
            {
                throw json.Error($"{at}.minimumTime", $"'{m}' is not a duration like 00:20:00");
            }

            races.Add(new Race(id, name, distance, rankBy, gun, points, minimum));
        }

        return races;
    }

    private static List<TimingPoint> ReadTimingPoints(JsonFile json, JsonElement race, string at)
    {
        if (!race.TryGetProperty("timingPoints", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            throw json.Error($"{at}.timingPoints", "a race needs a list of timing points with at least a finish");
        }

        var points = new List<TimingPoint>();
        var i = 0;
        foreach (var p in array.EnumerateArray())
        {
            var pat = $"{at}.timingPoints[{i++}]";
            var location = json.RequiredString(p, "location", $"{pat}.location");
            var role = json.RequiredString(p, "role", $"{pat}.role") switch
            {
                "start" => TimingRole.Start,
                "split" => TimingRole.Split,
                "finish" => TimingRole.Finish,
                var other => throw json.Error($"{pat}.role", $"'{other}' must be \"start\", \"split\" or \"finish\""),
            };
            var km = json.OptionalNumber(p, "km", $"{pat}.km");
            if (points.Any(x => x.Location == location))
            {
                throw json.Error($"{pat}.location", $"location '{location}' is listed twice in this race");
            }

            points.Add(new TimingPoint(location, role, km));
        }

        if (points.Count(p => p.Role == TimingRole.Finish) != 1)
        {
            throw json.Error($"{at}.timingPoints", "a race needs exactly one timing point with role \"finish\"");
        }

        if (points.Count(p => p.Role == TimingRole.Start) > 1)
        {
            throw json.Error($"{at}.timingPoints", "a race has at most one timing point with role \"start\"");
        }

        return points;
    }

    private static GunSource ReadGun(JsonFile json, JsonElement race, string at, MeetEvent meetEvent)
    {
        if (!race.TryGetProperty("gun", out var gun) || gun.ValueKind == JsonValueKind.Null)
        {
            return new GunSource(null, null);
        }

        if (gun.ValueKind != JsonValueKind.Object)
        {
            throw json.Error($"{at}.gun", "must be an object with \"location\" or \"time\"");
        }

        var location = json.OptionalString(gun, "location", $"{at}.gun.location");
        long? atMs = null;
        if (json.OptionalString(gun, "time", $"{at}.gun.time") is { } time)
        {
            if (!TimeOnly.TryParseExact(time, ["HH:mm:ss", "H:mm:ss", "HH:mm:ss.FFF", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                throw json.Error($"{at}.gun.time", $"'{time}' is not a time of day like 08:15:00");
            }

            if (meetEvent.Date is not { } date)
            {
                throw json.Error($"{at}.gun.time", "a gun time of day needs event.date");
            }

            var local = date.ToDateTime(t);
            atMs = new DateTimeOffset(local, meetEvent.TimeZone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
        }

        return new GunSource(location, atMs);
    }

    private static AgeGroups ReadAgeGroups(JsonFile json, JsonElement root)
    {
        if (!root.TryGetProperty("ageGroups", out var groups) || groups.ValueKind == JsonValueKind.Null)
        {
            return AgeGroups.Default;
        }

        var width = (int)(json.OptionalNumber(groups, "width", "ageGroups.width") ?? 10);
        var from = (int)(json.OptionalNumber(groups, "from", "ageGroups.from") ?? 0);
        var to = (int)(json.OptionalNumber(groups, "to", "ageGroups.to") ?? 70);
        if (width < 1 || from < 0 || to <= from || to > 150)
        {
            throw json.Error("ageGroups", "needs width ≥ 1 and 0 ≤ from < to ≤ 150");
        }

        return new AgeGroups(width, from, to);
    }

    private static WifiSettings? ReadWifi(JsonFile json, JsonElement root)
    {
        if (!root.TryGetProperty("wifi", out var wifi) || wifi.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var ssid = json.RequiredString(wifi, "ssid", "wifi.ssid");
        var password = json.OptionalString(wifi, "password", "wifi.password") ?? "";
        var security = json.OptionalString(wifi, "security", "wifi.security") ?? (password.Length == 0 ? "nopass" : "WPA");
        if (security is not ("WPA" or "WEP" or "nopass"))
        {
            throw json.Error("wifi.security", $"'{security}' must be \"WPA\", \"WEP\" or \"nopass\"");
        }

        if (security == "WPA" && password.Length is < 8 or > 63)
        {
            throw json.Error("wifi.password", "a WPA password has 8 to 63 characters");
        }

        var url = json.OptionalString(wifi, "resultsUrl", "wifi.resultsUrl") ?? "http://10.42.0.1/";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw json.Error("wifi.resultsUrl", $"'{url}' is not an http address");
        }

        return new WifiSettings(ssid, password, security, url);
    }

    private static List<DisplaySettings> ReadDisplays(JsonFile json, JsonElement root, List<Race> races)
    {
        var displays = new List<DisplaySettings>();
        if (!root.TryGetProperty("displays", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return displays;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw json.Error("displays", "must be a list of displays");
        }

        var i = 0;
        foreach (var d in array.EnumerateArray())
        {
            var at = $"displays[{i++}]";
            var id = json.RequiredString(d, "id", $"{at}.id");
            if (id.Length < 8 || id.Any(c => !char.IsAsciiLetterOrDigit(c)))
            {
                throw json.Error($"{at}.id", "a display id is at least 8 random letters and digits (it is the screen's only key); `edge-provision` makes them");
            }

            if (displays.Any(x => x.Id == id))
            {
                throw json.Error($"{at}.id", $"display id '{id}' is used twice");
            }

            var kind = json.RequiredString(d, "kind", $"{at}.kind") switch
            {
                "finish" => DisplayKind.Finish,
                "leaderboard" => DisplayKind.Leaderboard,
                "onCourse" => DisplayKind.OnCourse,
                "announcer" => DisplayKind.Announcer,
                var other => throw json.Error($"{at}.kind", $"'{other}' must be \"finish\", \"leaderboard\", \"onCourse\" or \"announcer\""),
            };
            var race = json.OptionalString(d, "race", $"{at}.race");
            if (race is not null && !races.Any(r => string.Equals(r.Id, race, StringComparison.OrdinalIgnoreCase)))
            {
                throw json.Error($"{at}.race", $"no race has id '{race}'");
            }

            var title = json.OptionalString(d, "title", $"{at}.title") ?? kind.ToString();
            displays.Add(new DisplaySettings(id, kind, race, title));
        }

        return displays;
    }

    private static List<Participant> ReadParticipants(string path, List<Race> races)
    {
        var text = Encoding.UTF8.GetString(ReadFile(path));
        var rows = Csv.Parse(text, path);
        if (rows.Count == 0)
        {
            throw new MeetException(path, "line 1: the header row is missing");
        }

        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var column in RequiredColumns)
        {
            if (!header.Contains(column))
            {
                throw new MeetException(path, $"line 1: column '{column}' is missing (required: {string.Join(", ", RequiredColumns)})");
            }
        }

        int Column(string name) => header.IndexOf(name);
        var (bib, first, last, gender, age, race) = (Column("bib"), Column("first_name"), Column("last_name"), Column("gender"), Column("age"), Column("race"));
        var (chip, city, state, team) = (Column("chip"), Column("city"), Column("state"), Column("team"));
        var participants = new List<Participant>(rows.Count);
        var bibs = new HashSet<string>(StringComparer.Ordinal);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            string Field(int index) => index >= 0 && index < row.Fields.Count ? row.Fields[index].Trim() : "";
            MeetException Bad(string field, string problem) => new(path, $"line {row.Line}, field '{field}': {problem}");

            var b = Field(bib);
            if (b.Length == 0 || b.Length > 32)
            {
                throw Bad("bib", "a bib is 1 to 32 characters");
            }

            if (!bibs.Add(b))
            {
                throw Bad("bib", $"bib {b} appears twice");
            }

            var g = Field(gender).ToUpperInvariant();
            if (g.Length is 0 or > 8)
            {
                throw Bad("gender", "required (M, F, X, ...)");
            }

            int? a = null;
            var ageText = Field(age);
            if (ageText.Length > 0)
            {
                if (!int.TryParse(ageText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 130)
                {
                    throw Bad("age", $"'{ageText}' is not an age in years");
                }

                a = parsed;
            }

            var raceId = Field(race);
            var matched = races.FirstOrDefault(r => string.Equals(r.Id, raceId, StringComparison.OrdinalIgnoreCase))
                ?? throw Bad("race", $"no race has id '{raceId}' (races: {string.Join(", ", races.Select(r => r.Id))})");
            var tag = Field(chip) is { Length: > 0 } c ? c : b;
            if (tags.TryGetValue(tag, out var owner))
            {
                throw Bad("chip", $"tag {tag} is already bib {owner}'s");
            }

            tags[tag] = b;
            participants.Add(new Participant(b, Field(first), Field(last), g, a, matched.Id, tag, Field(city), Field(state), Field(team)));
        }

        return participants;
    }

    /// <summary>meet.json with the byte offset of each field, so errors can name the line.</summary>
    private sealed class JsonFile(string path, byte[] bytes)
    {
        private Dictionary<string, long>? _offsets;

        public MeetException Error(string field, string problem)
        {
            _offsets ??= MapOffsets(bytes);
            var line = _offsets.TryGetValue(field, out var offset) ? 1 + bytes.AsSpan(0, (int)offset).Count((byte)'\n') : (int?)null;
            var where = (line, field.Length) switch
            {
                (null, 0) => "",
                (null, _) => $"field '{field}': ",
                (_, 0) => $"line {line}: ",
                _ => $"line {line}, field '{field}': ",
            };
            return new MeetException(path, where + problem);
        }

        public bool Has(JsonElement parent, string name) => parent.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

        public JsonElement RequiredObject(JsonElement parent, string name, string field) =>
            parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw Error(field, "is required and must be an object");

        public string RequiredString(JsonElement parent, string name, string field) =>
            OptionalString(parent, name, field) is { Length: > 0 } s ? s : throw Error(field, "is required");

        public string? OptionalString(JsonElement parent, string name, string field)
        {
            if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : throw Error(field, "must be a string in quotes");
        }

        public double? OptionalNumber(JsonElement parent, string name, string field)
        {
            if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error(field, "must be a number");
        }

        /// <summary>Walks the tokens once, recording where each field's value starts under its dotted path.</summary>
        private static Dictionary<string, long> MapOffsets(byte[] json)
        {
            var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var path = new List<string>();
            var indexes = new Stack<int>();
            string? property = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        offsets.TryAdd(Join(path, property), reader.TokenStartIndex);
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var segment = property is not null ? "." + property : indexes.Count > 0 ? ElementSegment(indexes) : null;
                        if (segment is not null)
                        {
                            path.Add(segment);
                            offsets.TryAdd(string.Concat(path).TrimStart('.'), reader.TokenStartIndex);
                        }
                        else
                        {
                            path.Add("");
                        }

                        indexes.Push(reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        indexes.Pop();
                        path.RemoveAt(path.Count - 1);
                        if (indexes.Count > 0 && indexes.Peek() >= 0)
                        {
                            indexes.Push(indexes.Pop() + 1);
                        }

                        break;
                    default:
                        if (property is null && indexes.Count > 0 && indexes.Peek() >= 0)
                        {
                            indexes.Push(indexes.Pop() + 1);
                        }

                        break;
                }

                property = null;
            }

            return offsets;
        }

        private static string? ElementSegment(Stack<int> indexes) => indexes.Peek() >= 0 ? $"[{indexes.Peek()}]" : null;

        private static string Join(List<string> path, string property) => (string.Concat(path) + "." + property).TrimStart('.');
    }
}
