namespace Edge.Appliance.Screens;

/// <summary>What a template puts on the screen.</summary>
public enum ScreenLayout
{
    /// <summary>The last finishers, in huge type.</summary>
    Finish,
    /// <summary>Leaders of the template's races overall and by division, pages cycling.</summary>
    Leaderboard,
    /// <summary>Who is still out, where each was last seen, when each is due.</summary>
    OnCourse,
    /// <summary>Runners coming in and the last finishers, with a clock.</summary>
    Announcer,
    /// <summary>Results pages cycling through the races, their genders and divisions.</summary>
    Slideshow,
    /// <summary>A text slide (a sponsor's thanks, a course note).</summary>
    Message,
    /// <summary>Two other templates side by side.</summary>
    Split,
    /// <summary>An orienteering meet's results: pages cycling through its classes and team classes.</summary>
    Orienteering,
    /// <summary>An orienteering meet's announcer: the latest passings at radio controls and the last finishers, with a clock.</summary>
    Radio,
}

/// <summary>A screen's colours as <c>#rrggbb</c>; the default is white on black, the contrast that reads in sunlight.</summary>
public sealed record ScreenColours(string Foreground, string Background, string Accent)
{
    public static ScreenColours HighContrast { get; } = new("#ffffff", "#000000", "#ffd84d");
}

/// <summary>
/// A saved design for a screen. <see cref="Fields"/> are columns from <see cref="DisplayTemplate.KnownFields"/> in
/// the order shown; <see cref="TextSize"/> is a percentage of the standard type; <see cref="Parts"/> names the two
/// templates a <see cref="ScreenLayout.Split"/> shows. For the orienteering layouts (<see cref="ScreenLayout.Orienteering"/>,
/// <see cref="ScreenLayout.Radio"/>) <see cref="Races"/> names classes (their key: ShortName, else Name) and team
/// class ids instead of races, and <see cref="Fields"/> does not apply. <see cref="Logo"/> and <see cref="Sponsor"/> are media ids
/// served at <c>/media/{id}.png</c>.
/// </summary>
public sealed record DisplayTemplate(
    string Id,
    string Name,
    ScreenLayout Layout,
    IReadOnlyList<string> Races,
    IReadOnlyList<string> Fields,
    int TextSize,
    ScreenColours Colours,
    int RowsPerPage,
    int SecondsPerPage,
    string Message,
    string? Logo,
    string? Sponsor,
    IReadOnlyList<string> Parts)
{
    /// <summary>The columns a results row can show.</summary>
    public static IReadOnlyList<string> KnownFields { get; } = ["bib", "name", "place", "time", "otherTime", "race", "division", "hometown"];

    /// <summary>The columns of the fixed layouts before templates existed.</summary>
    public static IReadOnlyList<string> DefaultFields { get; } = ["bib", "name", "place", "time", "otherTime"];

    public const int DefaultTextSize = 100;
    public const int DefaultRows = 10;
    public const int DefaultSeconds = 8;

    /// <summary>True for a template made from meet.json's <c>displays</c>: changed in the meet folder, not the console.</summary>
    public bool BuiltIn { get; init; }

    /// <summary>True for the layouts that show an orienteering meet's imported results rather than races.</summary>
    public bool ShowsOrienteering => Layout is ScreenLayout.Orienteering or ScreenLayout.Radio;

    public static DisplayTemplate Default(string id, string name, ScreenLayout layout) =>
        new(id, name, layout, [], DefaultFields, DefaultTextSize, ScreenColours.HighContrast, DefaultRows, DefaultSeconds, "", null, null, []);
}

/// <summary>A screen with its own address <c>/d/{Id}</c>, showing one template until it is revoked.</summary>
public sealed record ScreenDisplay(string Id, string Name, string TemplateId, bool Revoked)
{
    /// <summary>True for a display from meet.json's <c>displays</c>.</summary>
    public bool BuiltIn { get; init; }
}

/// <summary>A design the timer asked for that cannot be kept: the console shows the message.</summary>
public sealed class ScreenDesignException(string message) : Exception(message);
