using Edge.Appliance.Orienteering;

namespace Edge.Appliance.Meet;

/// <summary>
/// Everything that changes per meet, as loaded from the meet folder (<c>meet.json</c> + <c>participants.csv</c>).
/// Immutable: a reload builds a new one and swaps it in whole.
/// </summary>
public sealed record Meet(
    MeetEvent Event,
    IReadOnlyList<Race> Races,
    AgeGroups AgeGroups,
    IReadOnlyList<Participant> Participants,
    WifiSettings? Wifi,
    IReadOnlyList<DisplaySettings> Displays)
{
    /// <summary>No meet folder: the event default, no races, no roster. Reads are still stored and listed as unknown tags.</summary>
    public static Meet Empty { get; } = new(MeetEvent.Default, [], AgeGroups.Default, [], null, []);

    /// <summary>The key that keeps this meet's data apart from other meets' (<see cref="MeetEvent.Key"/>).</summary>
    public string Key => Event.Key;

    /// <summary>The timer's console (meet.json <c>console</c>).</summary>
    public ConsoleSettings Console { get; init; } = ConsoleSettings.None;

    /// <summary>How orienteering results are scored (meet.json <c>orienteering</c>).</summary>
    public OrienteeringSettings Orienteering { get; init; } = OrienteeringSettings.None;

    /// <summary>What the image makes of the box's ports (meet.json <c>network</c>).</summary>
    public NetworkSettings Network { get; init; } = NetworkSettings.Default;

    /// <summary>Clock modules and GPS (meet.json <c>time</c>).</summary>
    public TimeSettings Time { get; init; } = TimeSettings.Default;

    /// <summary>Results posted to RunSignUp by the box itself (meet.json <c>runsignup</c>), or null.</summary>
    public RunSignUpPosting? RunSignUp { get; init; }

    /// <summary>meet.json has a <c>cloud</c> section: the sync agent sends everything to the cloud, which posts results itself.</summary>
    public bool SyncsToCloud { get; init; }

    public Race? FindRace(string id) => Races.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}

public enum RankBy
{
    /// <summary>Places by gun time, as USATF rules do (the default).</summary>
    Gun,
    /// <summary>Places by chip (net) time.</summary>
    Chip,
}

public enum TimingRole
{
    Start,
    Split,
    Finish,
}

/// <summary>A timing point of a race: a CTP01 location name and what it means for this race.</summary>
public sealed record TimingPoint(string Location, TimingRole Role, double? Km);

/// <summary>
/// How a race's gun time is known: the first <c>guntime</c> read at <see cref="Location"/>, or a fixed
/// <see cref="AtMs"/> (meet.json <c>gun.time</c>, the event's local time of day on the event date).
/// </summary>
public sealed record GunSource(string? Location, long? AtMs);

public sealed record Race(
    string Id,
    string Name,
    double DistanceKm,
    RankBy RankBy,
    GunSource Gun,
    IReadOnlyList<TimingPoint> TimingPoints,
    TimeSpan MinimumTime)
{
    public TimingPoint? Start => TimingPoints.FirstOrDefault(p => p.Role == TimingRole.Start);
    public TimingPoint Finish => TimingPoints.First(p => p.Role == TimingRole.Finish);
    public IEnumerable<TimingPoint> Splits => TimingPoints.Where(p => p.Role == TimingRole.Split);
}

/// <summary>Age groups from <c>from</c> in steps of <c>width</c>; the group starting at <c>to</c> is open-ended ("F 70+").</summary>
public sealed record AgeGroups(int Width, int From, int To)
{
    public static AgeGroups Default { get; } = new(10, 0, 70);

    /// <summary>The division name for a gender and age, e.g. "F 30-39", "M 70+", "F 0-9"; null without an age.</summary>
    public string? Division(string gender, int? age)
    {
        if (age is not { } a)
        {
            return null;
        }

        if (a >= To)
        {
            return $"{gender} {To}+";
        }

        var low = a < From ? From : From + (a - From) / Width * Width;
        return $"{gender} {low}-{Math.Min(low + Width, To) - 1}";
    }
}

/// <summary>One row of <c>participants.csv</c>.</summary>
public sealed record Participant(
    string Bib,
    string FirstName,
    string LastName,
    string Gender,
    int? Age,
    string RaceId,
    string Tag,
    string City,
    string State,
    string Team)
{
    public string Name => $"{FirstName} {LastName}".Trim();

    /// <summary>"Seattle, WA", "Seattle", "WA" or empty.</summary>
    public string Hometown => string.Join(", ", new[] { City, State }.Where(s => s.Length > 0));

    /// <summary>What the announcer may say about the runner (birthday, first race, team): the roster's optional <c>note</c> column.</summary>
    public string Note { get; init; } = "";
}

/// <summary>
/// The hotspot the Wi-Fi sign lets phones join (meet.json <c>wifi</c>). <see cref="ResultsUrl"/> is the results address
/// phones open; null when meet.json gives none (the box's own address is used).
/// </summary>
public sealed record WifiSettings(string Ssid, string Password, string Security, string? ResultsUrl);

public enum DisplayKind
{
    /// <summary>The last finishers, in huge type.</summary>
    Finish,
    /// <summary>Leaders of a race overall and by division, pages cycling.</summary>
    Leaderboard,
    /// <summary>Who is still out: started minus finished minus DNF, per race.</summary>
    OnCourse,
    /// <summary>Runners approaching the finish and finishers as they cross, with hometown and division place.</summary>
    Announcer,
    /// <summary>An orienteering meet's results, pages cycling through its classes and team classes.</summary>
    Orienteering,
    /// <summary>An orienteering meet's radio controls: the latest passings and the last finishers.</summary>
    Radio,
}

/// <summary>A screen at a shareable, unguessable URL <c>/d/{id}</c>.</summary>
public sealed record DisplaySettings(string Id, DisplayKind Kind, string? RaceId, string Title);

/// <summary>
/// The console's sign-in (meet.json <c>console</c>): <see cref="PasswordHash"/> is the timer's password as ASP.NET Core's
/// password hasher writes it (format 3: PBKDF2 with a salt), never the password. Without one, the box prints a
/// one-time setup code in its log.
/// </summary>
public sealed record ConsoleSettings(string? PasswordHash)
{
    public static ConsoleSettings None { get; } = new((string?)null);

    /// <summary>True for a format-3 hash of ASP.NET Core's password hasher (base64, marker byte 1, 61 bytes or more).</summary>
    public static bool IsPasswordHash(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var n) && n >= 61 && bytes[0] == 0x01;
    }
}

/// <summary>
/// meet.json <c>runsignup</c>: the box posts its results to RunSignUp (when it has an uplink and no cloud does it), the
/// changed rows every <see cref="Every"/>. The key and secret are read from their files at each post, never kept.
/// </summary>
public sealed record RunSignUpPosting(int RaceId, string KeyFile, string SecretFile, TimeSpan Every, Uri BaseUrl,
    IReadOnlyDictionary<string, RunSignUpRace> Races);

/// <summary>One race posted: its RunSignUp event, the result set's name, and RunSignUp's split id per split location.</summary>
public sealed record RunSignUpRace(string RaceId, int EventId, string ResultSet, IReadOnlyDictionary<string, string> Splits);
