using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Edge.Appliance.Ingest;

namespace Edge.Appliance.Meet;

/// <summary>
/// Loads and validates a meet folder. Every problem names the file, the line and the field, so a timer editing
/// <c>meet.json</c> on a laptop can find it; the first problem found is reported. The loader is total: whatever
/// the folder holds, <see cref="Load"/> returns a meet or throws a <see cref="MeetException"/>, nothing else.
/// </summary>
public static partial class MeetLoader
{
    public const string MeetFile = "meet.json";
    public const string DefaultParticipantsFile = "participants.csv";

    /// <summary>Largest file the loader reads: a roster of 100,000 runners is far below it.</summary>
    public const long MaxFileBytes = 32 * 1024 * 1024;

    private static readonly string[] RequiredColumns = ["bib", "first_name", "last_name", "gender", "age", "race"];

    // The fields each object of meet.json may hold; any other is an error (a misspelled "timezone" would
    // otherwise place every time hours off). Comments (// and /* */) are the way to annotate the file.
    private static readonly string[] RootFields = ["event", "races", "ageGroups", "participants", "wifi", "displays", "cloud", "console", "orienteering", "network", "time", "runsignup"];
    private static readonly string[] EventFields = ["name", "date", "timeZone", "id"];
    private static readonly string[] RaceFields = ["id", "name", "distanceKm", "rankBy", "gun", "timingPoints", "minimumTime"];
    private static readonly string[] GunFields = ["location", "time"];
    private static readonly string[] TimingPointFields = ["location", "role", "km"];
    private static readonly string[] AgeGroupFields = ["width", "from", "to"];
    private static readonly string[] WifiFields = ["ssid", "password", "security", "resultsUrl"];
    private static readonly string[] DisplayFields = ["id", "kind", "race", "title"];
    private static readonly string[] ConsoleFields = ["passwordHash"];

    /// <summary>
    /// The fields of the <c>cloud</c> section. The appliance does not use them: the sync agent reads them, in
    /// <c>sync-agent/Cloud/CloudConfig.cs</c> (its <c>Keys</c> array, checked in <c>ReadMeetFile</c>); this list must
    /// equal that one (<c>CloudFieldsTests</c> compares them).
    /// </summary>
    public static IReadOnlyList<string> CloudFields { get; } =
        ["broker", "deviceId", "topicPrefix", "caFile", "username", "usernameFile", "passwordFile", "certFile", "keyFile", "protocol"];

    /// <summary>IANA areas: a zone is <c>Area/Location</c> (or UTC), never an abbreviation, alias or Windows name.</summary>
    private static readonly string[] ZoneAreas = ["Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific", "Etc"];

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static Meet Load(string meetDir)
    {
        if (string.IsNullOrWhiteSpace(meetDir) || meetDir.Any(char.IsControl))
        {
            throw new MeetException(Printable(meetDir ?? ""), "the meet folder's path is empty or holds a control character");
        }

        var path = Path.Combine(meetDir, MeetFile);
        var (json, document) = JsonFile.Parse(path, ReadFile(path));
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw json.Error("", "the file must hold one JSON object { \"event\": ... }, not a list or a single value");
            }

            json.CheckFields(root, "", RootFields);
            var meetEvent = ReadEvent(json, root);
            var races = ReadRaces(json, root, meetEvent);
            var ageGroups = ReadAgeGroups(json, root);
            var wifi = ReadWifi(json, root);
            var displays = ReadDisplays(json, root, races);
            var syncs = json.Object(root, "cloud", "cloud", CloudFields) is not null;
            var participants = ReadRoster(json, root, meetDir, races);
            return new Meet(meetEvent, races, ageGroups, participants, wifi, displays)
            {
                Console = ReadConsole(json, root),
                Orienteering = ReadOrienteering(json, root),
                Network = ReadNetwork(json, root, wifi),
                Time = ReadClocks(json, root),
                RunSignUp = ReadRunSignUp(json, root, meetDir, races),
                SyncsToCloud = syncs,
            };
        }
    }

    /// <summary>M, F or X for the usual spellings of a gender (any case, spaces around), else null.</summary>
    public static string? NormalizeGender(string text) => text.Length == 1
        ? text[0] switch { 'M' or 'm' => "M", 'F' or 'f' => "F", 'X' or 'x' => "X", _ => null }
        : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant() switch
        {
            "m" or "male" or "man" or "men" => "M",
            "f" or "female" or "woman" or "women" => "F",
            "x" or "nb" or "non-binary" or "nonbinary" or "non binary" => "X",
            _ => null,
        };

    /// <summary>Text as a message may show it: control characters written as <c>\u0000</c>, at most 80 characters.</summary>
    internal static string Printable(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 80 ? text[..80] : text)
        {
            if (char.IsControl(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return text.Length > 80 ? shown.Append('…').ToString() : shown.ToString();
    }

    /// <summary>1-based line and column (in characters) of a byte offset in UTF-8 text.</summary>
    internal static (int Line, int Column) Position(ReadOnlySpan<byte> text, long offset)
    {
        var at = (int)Math.Clamp(offset, 0, text.Length);
        var before = text[..at];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (1 + before.Count((byte)'\n'), 1 + Encoding.UTF8.GetCharCount(before[lineStart..]));
    }

    /// <summary>Byte offset of the first byte that is not UTF-8, or -1.</summary>
    private static int FirstNonUtf8(ReadOnlySpan<byte> text)
    {
        if (Utf8.IsValid(text))
        {
            return -1;
        }

        var at = 0;
        while (at < text.Length && Rune.DecodeFromUtf8(text[at..], out _, out var length) == OperationStatus.Done)
        {
            at += length;
        }

        return at;
    }

    private static ReadOnlySpan<byte> WithoutBom(byte[] bytes) =>
        bytes.AsSpan(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0);

    /// <summary>
    /// Why a file name from meet.json cannot be used, or null: it must name a file in the meet folder itself. The
    /// box watches only the folder's own files, so a roster elsewhere would never reload; and nothing outside the
    /// folder (a rooted path, '..') is read.
    /// </summary>
    private static string? FileNameProblem(string name) => name switch
    {
        "" => "must name a file in the meet folder, like participants.csv",
        _ when name.Any(char.IsControl) => $"'{Printable(name)}' holds a control character",
        "." or ".." => $"'{name}' must be the name of a file in the meet folder",
        _ when name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) =>
            $"'{Printable(name)}' must be the name of a file in the meet folder, like participants.csv (no folders, no '..')",
        _ when name.Length > 255 => "a file name has at most 255 characters",
        _ => null,
    };

    /// <summary>A file of the meet folder, at most <see cref="MaxFileBytes"/>; a missing or unreadable one is a <see cref="MeetException"/>.</summary>
    public static byte[] ReadFile(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw new MeetException(path, "is a folder, not a file");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                var folder = Path.GetDirectoryName(path);
                throw new MeetException(path, string.IsNullOrEmpty(folder) || Directory.Exists(folder) ? "not found" : $"not found: there is no folder {folder}");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new MeetException(path, $"the file is {info.Length:N0} bytes; at most {MaxFileBytes:N0} are read");
            }

            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            // Removed between the look and the read.
            throw new MeetException(path, "not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new MeetException(path, "not found: its folder is gone");
        }
        catch (IOException e)
        {
            throw new MeetException(path, $"cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MeetException(path, $"cannot be read: {e.Message}");
        }
    }

    private static MeetEvent ReadEvent(JsonFile json, JsonElement root)
    {
        var ev = json.Object(root, "event", "event", EventFields) ?? throw json.Error("event", "is required and must be an object");
        var name = json.RequiredString(ev, "name", "event.name");
        DateOnly? date = null;
        if (json.OptionalString(ev, "date", "event.date") is { } d)
        {
            if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                throw json.Error("event.date", $"'{d}' is not a date like 2026-05-02");
            }

            var (earliest, latest) = (DateOnly.FromDateTime(ReadTime.Earliest), DateOnly.FromDateTime(ReadTime.Latest).AddDays(-1));
            if (parsed < earliest || parsed > latest)
            {
                throw json.Error("event.date", $"'{d}' is outside {earliest:yyyy-MM-dd} to {latest:yyyy-MM-dd}, the dates the box takes reads for");
            }

            date = parsed;
        }

        var zone = TimeZoneInfo.Utc;
        if (json.OptionalString(ev, "timeZone", "event.timeZone") is { } z)
        {
            zone = FindZone(z, out var resolves)
                ?? throw json.Error("event.timeZone", resolves
                    ? $"'{z}' is an abbreviation or alias, not an IANA time zone name (use one like America/Los_Angeles or Europe/Berlin: a fixed offset such as EST places summer times an hour off)"
                    : $"unknown time zone '{z}' (use an IANA name like America/Los_Angeles)");
        }

        string? id = null;
        if (json.OptionalString(ev, "id", "event.id") is { } i)
        {
            if (!MeetEvent.IsValidId(i))
            {
                throw json.Error("event.id", $"'{i}' must be 1 to {MeetEvent.MaxKeyLength} letters, digits, '-' or '_'");
            }

            if (string.Equals(i, MeetEvent.DefaultKey, StringComparison.OrdinalIgnoreCase))
            {
                throw json.Error("event.id", $"'{i}' is the key of the box's embedded meet (no meet folder); choose another");
            }

            id = i;
        }

        return new MeetEvent(name, date, zone) { Id = id };
    }

    /// <summary>
    /// An IANA zone by its <c>Area/Location</c> name (or UTC). Abbreviations and aliases tzdata still carries (EST,
    /// CET, PST8PDT, US/Pacific, posix/..., localtime) and Windows names also resolve on Linux, but are refused:
    /// <paramref name="resolves"/> then says the name was found, so the message can say why it is not taken.
    /// </summary>
    private static TimeZoneInfo? FindZone(string name, out bool resolves)
    {
        resolves = TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var iana = string.Equals(name, "UTC", StringComparison.OrdinalIgnoreCase)
            || (slash > 0 && ZoneAreas.Contains(name[..slash], StringComparer.OrdinalIgnoreCase) && !name.Contains("..", StringComparison.Ordinal)
                && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'));
        return resolves && iana && zone!.HasIanaId ? zone : null;
    }

    private static List<Race> ReadRaces(JsonFile json, JsonElement root, MeetEvent meetEvent)
    {
        var races = new List<Race>();
        foreach (var (r, at) in json.List(root, "races", "races", "a list of races"))
        {
            _ = json.Object(r, at, RaceFields);
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
            var distance = json.OptionalNumber(r, "distanceKm", $"{at}.distanceKm", 0, 1000) ?? 0;
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
        foreach (var (p, pat) in json.List(race, "timingPoints", $"{at}.timingPoints", "a list of timing points"))
        {
            _ = json.Object(p, pat, TimingPointFields);
            var location = json.RequiredString(p, "location", $"{pat}.location");
            var role = json.RequiredString(p, "role", $"{pat}.role") switch
            {
                "start" => TimingRole.Start,
                "split" => TimingRole.Split,
                "finish" => TimingRole.Finish,
                var other => throw json.Error($"{pat}.role", $"'{other}' must be \"start\", \"split\" or \"finish\""),
            };
            var km = json.OptionalNumber(p, "km", $"{pat}.km", 0, 1000);
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
        if (json.Object(race, "gun", $"{at}.gun", GunFields) is not { } gun)
        {
            return new GunSource(null, null);
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

            // event.date is within 2000-2099, so the instant is too, whatever the zone's offset.
            var local = date.ToDateTime(t);
            atMs = new DateTimeOffset(local, meetEvent.TimeZone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
        }

        return new GunSource(location, atMs);
    }

    private static AgeGroups ReadAgeGroups(JsonFile json, JsonElement root)
    {
        if (json.Object(root, "ageGroups", "ageGroups", AgeGroupFields) is not { } groups)
        {
            return AgeGroups.Default;
        }

        var width = json.OptionalInteger(groups, "width", "ageGroups.width", 1, 150) ?? 10;
        var from = json.OptionalInteger(groups, "from", "ageGroups.from", 0, 149) ?? 0;
        var to = json.OptionalInteger(groups, "to", "ageGroups.to", 1, 150) ?? 70;
        if (to <= from)
        {
            throw json.Error("ageGroups", "needs width ≥ 1 and 0 ≤ from < to ≤ 150");
        }

        return new AgeGroups(width, from, to);
    }

    private static WifiSettings? ReadWifi(JsonFile json, JsonElement root)
    {
        if (json.Object(root, "wifi", "wifi", WifiFields) is not { } wifi)
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

        // Without one, the sign and the captive portal use the box's own address and the port it serves.
        var url = json.OptionalString(wifi, "resultsUrl", "wifi.resultsUrl");
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw json.Error("wifi.resultsUrl", $"'{url}' is not an http address");
        }

        return new WifiSettings(ssid, password, security, url);
    }

    private static ConsoleSettings ReadConsole(JsonFile json, JsonElement root)
    {
        if (json.Object(root, "console", "console", ConsoleFields) is not { } console)
        {
            return ConsoleSettings.None;
        }

        var hash = json.OptionalString(console, "passwordHash", "console.passwordHash");
        if (hash is not null && !ConsoleSettings.IsPasswordHash(hash))
        {
            throw json.Error("console.passwordHash",
                "is not a password hash: write it with edge-provision (or `dotnet run --project appliance -- --hash-password`), never the password itself");
        }

        return new ConsoleSettings(hash);
    }

    private static List<DisplaySettings> ReadDisplays(JsonFile json, JsonElement root, List<Race> races)
    {
        var displays = new List<DisplaySettings>();
        foreach (var (d, at) in json.List(root, "displays", "displays", "a list of displays"))
        {
            _ = json.Object(d, at, DisplayFields);
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
                "orienteering" => DisplayKind.Orienteering,
                "radio" => DisplayKind.Radio,
                var other => throw json.Error($"{at}.kind", $"'{other}' must be \"finish\", \"leaderboard\", \"onCourse\", \"announcer\", \"orienteering\" or \"radio\""),
            };
            var race = json.OptionalString(d, "race", $"{at}.race");
            if (race is not null && kind is DisplayKind.Orienteering or DisplayKind.Radio)
            {
                throw json.Error($"{at}.race", "an orienteering screen shows every class; a display template (displays.json or the console's Screens page) picks classes");
            }

            if (race is not null && !races.Any(r => string.Equals(r.Id, race, StringComparison.OrdinalIgnoreCase)))
            {
                throw json.Error($"{at}.race", $"no race has id '{race}'");
            }

            var title = json.OptionalString(d, "title", $"{at}.title") ?? kind.ToString();
            displays.Add(new DisplaySettings(id, kind, race, title));
        }

        return displays;
    }

    /// <summary>The roster meet.json names (which must then be there), else participants.csv when there is one.</summary>
    private static List<Participant> ReadRoster(JsonFile json, JsonElement root, string meetDir, List<Race> races)
    {
        if (json.OptionalString(root, "participants", "participants") is not { } named)
        {
            var path = Path.Combine(meetDir, DefaultParticipantsFile);
            return File.Exists(path) || Directory.Exists(path) ? ReadParticipants(path, races) : [];
        }

        if (FileNameProblem(named) is { } problem)
        {
            throw json.Error("participants", problem);
        }

        var file = Path.Combine(meetDir, named);
        if (Directory.Exists(file))
        {
            throw json.Error("participants", $"'{named}' is a folder, not a file");
        }

        if (!File.Exists(file))
        {
            throw json.Error("participants", $"file '{named}' is not in the meet folder");
        }

        return ReadParticipants(file, races);
    }

    private static List<Participant> ReadParticipants(string path, List<Race> races)
    {
        var bytes = ReadFile(path);
        var body = WithoutBom(bytes);
        if (FirstNonUtf8(body) is var bad and >= 0)
        {
            var (line, column) = Position(body, bad);
            throw new MeetException(path, $"line {line}, column {column}: the file is not UTF-8 text (save it as UTF-8; in Excel: \"CSV UTF-8\")");
        }

        List<string>? header = null;
        int bib = 0, first = 0, last = 0, gender = 0, age = 0, race = 0, chip = 0, city = 0, state = 0, team = 0, note = 0;
        var participants = new List<Participant>();
        var bibs = new HashSet<string>(StringComparer.Ordinal);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var raceById = new Dictionary<string, Race>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in races)
        {
            raceById.TryAdd(r.Id, r);
        }

        // Row by row as the file is read: a big roster's rows are not all kept until the last is read.
        Csv.ForEachRow(Encoding.UTF8.GetString(body), path, (line, fields) =>
        {
            if (header is null)
            {
                header = ReadHeader(path, fields);
                int Column(string name) => header.IndexOf(name);
                (bib, first, last, gender, age, race) = (Column("bib"), Column("first_name"), Column("last_name"), Column("gender"), Column("age"), Column("race"));
                (chip, city, state, team, note) = (Column("chip"), Column("city"), Column("state"), Column("team"), Column("note"));
                return;
            }

            if (fields.TrueForAll(string.IsNullOrWhiteSpace))
            {
                return;
            }

            if (fields.Count > header.Count && fields.Skip(header.Count).Any(f => !string.IsNullOrWhiteSpace(f)))
            {
                throw new MeetException(path, $"line {line}: {fields.Count} fields, but the header names {header.Count} columns (a comma inside a field needs the field in double quotes)");
            }

            string Field(int index) => index >= 0 && index < fields.Count ? fields[index].Trim() : "";
            MeetException Bad(string field, string problem) => new(path, $"line {line}, field '{field}': {problem}");

            var b = Field(bib);
            if (b.Length == 0 || b.Length > 32)
            {
                throw Bad("bib", "a bib is 1 to 32 characters");
            }

            if (!bibs.Add(b))
            {
                throw Bad("bib", $"bib {Printable(b)} appears twice");
            }

            var genderText = Field(gender);
            if (genderText.Length == 0)
            {
                throw Bad("gender", "required (M, F or X)");
            }

            var g = NormalizeGender(genderText)
                ?? throw Bad("gender", $"'{Printable(genderText)}' is not a gender (use M, F or X; male, female, non-binary are accepted)");

            int? a = null;
            var ageText = Field(age);
            if (ageText.Length > 0)
            {
                if (!int.TryParse(ageText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > 130)
                {
                    throw Bad("age", $"'{Printable(ageText)}' is not an age in years");
                }

                a = parsed;
            }

            var raceId = Field(race);
            var matched = raceById.GetValueOrDefault(raceId)
                ?? throw Bad("race", $"no race has id '{Printable(raceId)}' (races: {string.Join(", ", races.Select(r => r.Id))})");
            var tag = Field(chip) is { Length: > 0 } c ? c : b;
            if (tags.TryGetValue(tag, out var owner))
            {
                throw Bad("chip", $"tag {Printable(tag)} is already bib {Printable(owner)}'s");
            }

            tags[tag] = b;
            participants.Add(new Participant(b, Field(first), Field(last), g, a, matched.Id, tag, Field(city), Field(state), Field(team)) { Note = Field(note) });
        });

        if (header is null)
        {
            throw new MeetException(path, "line 1: the header row is missing");
        }

        return participants;
    }

    /// <summary>The roster's column names (trimmed, lower case), every required one there and none twice.</summary>
    private static List<string> ReadHeader(string path, List<string> fields)
    {
        var header = fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var column in RequiredColumns)
        {
            if (!header.Contains(column))
            {
                throw new MeetException(path, $"line 1: column '{column}' is missing (required: {string.Join(", ", RequiredColumns)})");
            }
        }

        if (header.Where(h => h.Length > 0).GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new MeetException(path, $"line 1: column '{Printable(twice.Key)}' appears twice");
        }

        return header;
    }

    /// <summary>
    /// meet.json with where each field is, so errors can name the line. Public for the cloud's event files, which
    /// sit beside a meet.json and are checked by the same rules (unknown fields, lines, plain words).
    /// </summary>
    public sealed class JsonFile
    {
        private readonly string _path;
        private readonly byte[] _bytes;
        private readonly Dictionary<string, List<long>> _offsets;

        private JsonFile(string path, byte[] bytes, Dictionary<string, List<long>> offsets) => (_path, _bytes, _offsets) = (path, bytes, offsets);

        /// <summary>
        /// Parses the file (a BOM is skipped); a file that is not UTF-8, not JSON, or holds an escape that is not a
        /// character is refused with its line and column.
        /// </summary>
        public static (JsonFile Json, JsonDocument Document) Parse(string path, byte[] raw)
        {
            var bytes = WithoutBom(raw).ToArray();
            if (FirstNonUtf8(bytes) is var bad and >= 0)
            {
                throw At(path, bytes, bad, "the file is not UTF-8 text (save it as UTF-8)");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(bytes, JsonOptions);
            }
            catch (JsonException e)
            {
                var words = JsonWords.Plain(e.Message);
                if (e.LineNumber is not { } line)
                {
                    throw new MeetException(path, words);
                }

                var lineStart = 0;
                for (var n = 0L; n < line && lineStart < bytes.Length; n++)
                {
                    var next = bytes.AsSpan(lineStart).IndexOf((byte)'\n');
                    lineStart = next < 0 ? bytes.Length : lineStart + next + 1;
                }

                throw At(path, bytes, lineStart + (e.BytePositionInLine ?? 0), words);
            }

            try
            {
                return (new JsonFile(path, bytes, MapOffsets(path, bytes)), document);
            }
            catch
            {
                document.Dispose();
                throw;
            }
        }

        private static MeetException At(string path, byte[] bytes, long offset, string problem)
        {
            var (line, column) = Position(bytes, offset);
            return new MeetException(path, $"line {line}, column {column}: {problem}");
        }

        /// <summary>"line L, field 'F': problem" (the line of the field's <paramref name="occurrence"/>-th appearance).</summary>
        public MeetException Error(string field, string problem, int occurrence = 0)
        {
            var line = Line(field, occurrence);
            var where = (line, field.Length) switch
            {
                (null, 0) => "",
                (null, _) => $"field '{field}': ",
                (_, 0) => $"line {line}: ",
                _ => $"line {line}, field '{field}': ",
            };
            return new MeetException(_path, where + problem);
        }

        private int? Line(string field, int occurrence) =>
            _offsets.TryGetValue(field, out var at) && at.Count > 0 ? Position(_bytes, at[Math.Min(occurrence, at.Count - 1)]).Line : null;

        /// <summary>Checks that an object holds only known fields, each once.</summary>
        public void CheckFields(JsonElement obj, string field, IReadOnlyList<string> known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in obj.EnumerateObject())
            {
                var path = Join(field, property.Name);
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    var unknown = $"unknown field '{Printable(path)}'";
                    var problem = Nearest(property.Name, known) is { } near
                        ? $"{unknown}; did you mean '{near}'?"
                        : $"{unknown} (known: {string.Join(", ", known)})";
                    var line = Line(path, 0);
                    throw new MeetException(_path, line is null ? problem : $"line {line}: {problem}");
                }

                if (!seen.Add(property.Name))
                {
                    throw Error(path, "appears twice; keep one", occurrence: 1);
                }
            }
        }

        /// <summary>The known name a misspelling most likely meant: the same name in another case, else the closest by edit distance.</summary>
        public static string? Nearest(string name, IReadOnlyList<string> known)
        {
            if (known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) is { } sameLetters)
            {
                return sameLetters;
            }

            var lower = name.ToLowerInvariant();
            return known
                .Select(k => (Name: k, Distance: EditDistance(lower, k.ToLowerInvariant())))
                .Where(k => k.Distance <= Math.Max(1, k.Name.Length / 3))
                .OrderBy(k => k.Distance)
                .Select(k => k.Name)
                .FirstOrDefault();
        }

        /// <summary>Edits (insert, delete, replace, swap two neighbours) turning one name into the other.</summary>
        private static int EditDistance(string a, string b)
        {
            if (Math.Abs(a.Length - b.Length) > 8)
            {
                return int.MaxValue;
            }

            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[a.Length, b.Length];
        }

        /// <summary>The named object (its fields checked), or null when absent or null.</summary>
        public JsonElement? Object(JsonElement parent, string name, string field, IReadOnlyList<string> known) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? Object(value, field, known) : null;

        public JsonElement Object(JsonElement value, string field, IReadOnlyList<string> known)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Error(field, "must be an object { ... }");
            }

            CheckFields(value, field, known);
            return value;
        }

        /// <summary>The elements of the named list with their paths (<c>races[0]</c>); none when absent or null.</summary>
        public IEnumerable<(JsonElement Element, string Field)> List(JsonElement parent, string name, string field, string what)
        {
            if (!parent.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            return array.ValueKind == JsonValueKind.Array
                ? array.EnumerateArray().Select((e, i) => (e, $"{field}[{i}]"))
                : throw Error(field, $"must be {what} [ ... ]");
        }

        public string RequiredString(JsonElement parent, string name, string field) =>
            OptionalString(parent, name, field) is { Length: > 0 } s ? s : throw Error(field, "is required");

        public string? OptionalString(JsonElement parent, string name, string field)
        {
            if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                throw Error(field, "must be a string in quotes");
            }

            var text = v.GetString()!;
            foreach (var c in text)
            {
                if (char.IsControl(c))
                {
                    throw Error(field, $"holds a control character (U+{(int)c:X4}): '{Printable(text)}'");
                }
            }

            return text.Trim();
        }

        public double? OptionalNumber(JsonElement parent, string name, string field, double min, double max)
        {
            if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) && d >= min && d <= max
                ? d
                : throw Error(field, FormattableString.Invariant($"must be a number from {min} to {max}"));
        }

        public int? OptionalInteger(JsonElement parent, string name, string field, int min, int max)
        {
            if (!parent.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d >= min && d <= max && d == Math.Floor(d)
                ? (int)d
                : throw Error(field, FormattableString.Invariant($"must be a whole number from {min} to {max}"));
        }

        private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

        /// <summary>
        /// Walks the tokens once, recording where each field (its name) and each list element (its value) starts
        /// under its dotted path, and reading every string, so one that cannot be text is refused here with its position.
        /// </summary>
        private static Dictionary<string, List<long>> MapOffsets(string path, byte[] json)
        {
            var offsets = new Dictionary<string, List<long>>(StringComparer.Ordinal);
            void Add(string field, long offset)
            {
                if (!offsets.TryGetValue(field, out var list))
                {
                    offsets[field] = list = [];
                }

                list.Add(offset);
            }

            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var containers = new Stack<(string Path, int Next)>();
            string? property = null;
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            property = Join(containers.Peek().Path, reader.GetString()!);
                            Add(property, reader.TokenStartIndex);
                            continue;
                        case JsonTokenType.EndObject or JsonTokenType.EndArray:
                            containers.Pop();
                            continue;
                    }

                    string at;
                    if (property is not null)
                    {
                        at = property;
                    }
                    else if (containers.TryPop(out var array))
                    {
                        containers.Push((array.Path, array.Next + 1));
                        at = $"{array.Path}[{array.Next}]";
                        Add(at, reader.TokenStartIndex);
                    }
                    else
                    {
                        at = "";
                        Add(at, reader.TokenStartIndex);
                    }

                    property = null;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        containers.Push((at, 0));
                    }
                    else if (reader.TokenType == JsonTokenType.String)
                    {
                        reader.GetString();
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // GetString: an escape such as \uD800 that is half of a surrogate pair is not a character.
                throw At(path, json, reader.TokenStartIndex, "a \\u escape in this text is not a whole character (half of a surrogate pair)");
            }

            return offsets;
        }
    }

    /// <summary>System.Text.Json's syntax messages in a timer's words, without its own position suffix.</summary>
    private static class JsonWords
    {
        public static string Plain(string message)
        {
            var cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
            var path = message.IndexOf(" Path: ", StringComparison.Ordinal);
            if (path >= 0 && (cut < 0 || path < cut))
            {
                cut = path;
            }

            var m = (cut >= 0 ? message[..cut] : message).Trim();
            var token = m.StartsWith('\'') && m.IndexOf('\'', 1) is var end and > 0 ? m[..(end + 1)] : "";
            bool Has(string words) => m.Contains(words, StringComparison.Ordinal);

            return m switch
            {
                _ when Has("does not contain any JSON tokens") =>
                    "the file holds no JSON (it is empty or only comments); it must hold one JSON object like { \"event\": { \"name\": \"Lakeside 10K\" } }",
                _ when Has("Expected depth to be zero") => "the file ends inside an object or a list: a '}' or ']' is never closed",
                _ when Has("maximum configured depth") => "objects and lists are nested more than 64 deep",
                _ when Has("reached end of data") => "the file ends where a value should follow",
                _ when Has("is an invalid start of a value") =>
                    $"{token} cannot start a value (text goes in double quotes; numbers, true, false and null go without)",
                _ when Has("is invalid after a value") => $"expected a ',' (or a closing '}}' or ']') before {token}",
                _ when Has("is invalid after a property name") => $"expected ':' after the field name, found {token}",
                _ when Has("is an invalid start of a property name") => $"a field name goes in double quotes; found {token}",
                _ when Has("is invalid after a single JSON value") => $"{token} after the end of the JSON object: the file must hold exactly one JSON object",
                _ when Has("is an invalid JSON literal") => $"{token} is not a value: true, false and null are written in full, in lowercase",
                _ when Has("is invalid within a JSON string") && token is "'0x0A'" or "'0x0D'" =>
                    "a text in quotes runs past the end of its line: a closing '\"' is missing",
                _ when Has("is invalid within a JSON string") => $"a text in quotes holds the control character {token}; write it as an escape like \\t",
                _ when Has("following '\\u'") || Has("is not a valid escapable character") =>
                    "a backslash in text starts an escape: write \\\\ for a backslash itself (\"C:\\\\race\")",
                _ when Has("is an invalid end of a number") => $"a number ends in {token}: write numbers like 10 or 42.195, without units",
                _ when Has("leading zero") => "a number cannot start with 0 (write 5, not 05)",
                _ => m,
            };
        }
    }
}
