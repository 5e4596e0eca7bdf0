namespace Edge.Store;

/// <summary>What a row of the append-only log records. Values are part of the stored format: never renumber.</summary>
public enum LogKind
{
    /// <summary>A tag read from a timing point.</summary>
    Read = 1,
    /// <summary>A gun start signalled at a timing point (CTP01 tag <c>guntime</c>).</summary>
    Gun = 2,
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
/// <param name="Raw">The line exactly as received, without its line ending.</param>
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
    string Raw);
