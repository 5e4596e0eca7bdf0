namespace Edge.Store;

/// <summary>What a row of the append-only log records. Values are part of the stored format: never renumber.</summary>
public enum LogKind
{
    /// <summary>A tag read from a timing point.</summary>
    Read = 1,
    /// <summary>A gun start signalled at a timing point (CTP01 tag <c>guntime</c>).</summary>
    Gun = 2,

    // Corrections: the timer's decisions, appended to the same log as reads, applied by the results engine and
    // synced like reads. Raw holds the correction as JSON (see Correction); Sequence is the console's own counter.

    /// <summary>Participant <c>Tag</c> (a bib) did not finish.</summary>
    Dnf = 10,
    /// <summary>Participant <c>Tag</c> (a bib) is disqualified; the JSON may give a reason.</summary>
    Dq = 11,
    /// <summary>A hand-timed read: participant <c>Tag</c> (a bib) at timing point <c>Location</c>, at <c>AtMs</c>.</summary>
    ManualTime = 12,
    /// <summary>The gun time of race <c>Tag</c> (a race id) is <c>AtMs</c>, overriding any gun read.</summary>
    GunTime = 13,
    /// <summary>Reads carrying tag <c>Tag</c> belong to the participant whose bib the JSON's <c>to</c> names.</summary>
    BibSwap = 14,
    /// <summary>
    /// Cancels the earlier entry whose log id the JSON's <c>voids</c> names: a correction, or a read or gun event
    /// (which then no longer counts). Voiding a void restores what it cancelled.
    /// </summary>
    Void = 15,
    /// <summary>
    /// A day-of registration: participant <c>Tag</c> (the bib) as the JSON gives them (<c>bib</c>, <c>first</c>,
    /// <c>last</c>, <c>gender</c>, <c>age</c>, <c>race</c>, <c>tag</c>, <c>city</c>, <c>state</c>, <c>team</c>); for a bib
    /// the roster already has, it replaces that participant's details.
    /// </summary>
    Registration = 16,

    // The timer's screens: entries of the same log (durable, in backups, synced on the corrections topic), never
    // results. Raw holds the JSON; the latest entry per id (Tag) wins, and one with "revoked": true ends it.

    /// <summary>A display template (a screen's saved design): <c>Tag</c> is its id.</summary>
    DisplayTemplate = 20,
    /// <summary>A display (a screen at <c>/d/{id}</c> showing one template): <c>Tag</c> is its id.</summary>
    Display = 21,

    /// <summary>
    /// A part of an imported IOF XML 3.0 result list (orienteering): Raw is up to 64 Ki characters of the document's
    /// text, <c>Tag</c> <c>sha256/part/parts</c> (the SHA-256 of the bytes as received), <c>Location</c> where it came
    /// from, <c>AtMs</c> its <c>createTime</c> (0 when it has none). Synced on the corrections topic; never applied by the
    /// results engine.
    /// </summary>
    ResultList = 30,
}

/// <summary>What the kinds mean as a group.</summary>
public static class LogKinds
{
    /// <summary>True for an entry the timer made or imported (a correction, a display design, an orienteering result list), false for a read or gun event from a timing source.</summary>
    public static bool IsCorrection(this LogKind kind) => kind >= LogKind.Dnf;

    /// <summary>True for the corrections the results engine applies (DNF through registration).</summary>
    public static bool ChangesResults(this LogKind kind) => kind is >= LogKind.Dnf and <= LogKind.Registration;

    /// <summary>The kind's name as it appears in the synced JSON and the API: read, gun, dnf, dq, manualTime, gunTime, bibSwap, void, registration.</summary>
    public static string Name(this LogKind kind) => kind switch
    {
        LogKind.Read => "read",
        LogKind.Gun => "gun",
        LogKind.Dnf => "dnf",
        LogKind.Dq => "dq",
        LogKind.ManualTime => "manualTime",
        LogKind.GunTime => "gunTime",
        LogKind.BibSwap => "bibSwap",
        LogKind.Void => "void",
        LogKind.Registration => "registration",
        LogKind.DisplayTemplate => "displayTemplate",
        LogKind.Display => "display",
        LogKind.ResultList => "resultList",
        _ => ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// One row of the read log. The log is append-only, ordered by <see cref="Id"/>, and is both the source of
/// truth for results and the outbox the sync agent publishes from.
/// </summary>
/// <param name="Id">Log position; strictly increasing, never reused.</param>
/// <param name="Kind">What the row records.</param>
/// <param name="SourceId">The timing source (CTP01 connection id) it came from.</param>
/// <param name="Location">Timing point name as the controller names it.</param>
/// <param name="Sequence">The source's per-location sequence number.</param>
/// <param name="Tag">Tag code (the bib on ChronoTrack systems), or <c>guntime</c>.</param>
/// <param name="AtMs">The controller's time of the read as Unix milliseconds (UTC). Never the box's clock.</param>
/// <param name="Lap">How many times the controller has seen this tag at this location.</param>
/// <param name="Reader">Reader id: last three octets of the reader's MAC, hex.</param>
/// <param name="Gator">Mat segment 1..8 (0 for gun lines).</param>
/// <param name="ReceivedMs">The box's clock when the line arrived; informational only.</param>
/// <param name="Raw">The line exactly as received, without its line ending; for a correction, its JSON.</param>
/// <param name="MeetId">The meet the entry belongs to (the store's <c>meets</c> table): one meet's entries never reach another's results.</param>
public sealed record LogEntry(
    long Id,
    LogKind Kind,
    long SourceId,
    string Location,
    long Sequence,
    string Tag,
    long AtMs,
    int Lap,
    string Reader,
    int Gator,
    long ReceivedMs,
    string Raw,
    long MeetId = 1);
