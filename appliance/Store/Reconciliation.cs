using Edge.Store;

namespace Edge.Appliance.Store;

/// <summary>Duplicates by the rule that caught them.</summary>
/// <param name="Resent">The source sent that location and sequence number before (a resend after a reconnect).</param>
/// <param name="SameRead">The same read is stored under another sequence number or source (a restarted middleware renumbering).</param>
public sealed record DuplicateCounts(long Resent, long SameRead);

/// <summary>
/// One source's lines for one location in the open meet, accounted for: every sequence number from 1 to
/// <paramref name="LastSequence"/> is stored, a duplicate of a stored read, or rejected; <paramref name="Missing"/>
/// counts numbers that never arrived (a timer compares <paramref name="Received"/> with SimpleClient's own count).
/// </summary>
/// <param name="Location">The location; empty for lines whose location could not be read.</param>
/// <param name="Source">The source's CTP01 connection id.</param>
/// <param name="LastSequence">The highest sequence number the source delivered there.</param>
/// <param name="Received">Every line received, including resends (on a file upgraded from before tallies, the numbers delivered then count once each).</param>
/// <param name="Stored">Lines that became reads or gun events.</param>
/// <param name="Duplicates">Lines not stored twice, by rule.</param>
/// <param name="Rejected">Refused lines per reason.</param>
/// <param name="Missing">Sequence numbers up to <paramref name="LastSequence"/> that never arrived.</param>
public sealed record LocationReconciliation(
    string Location,
    string Source,
    long LastSequence,
    long Received,
    long Stored,
    DuplicateCounts Duplicates,
    IReadOnlyDictionary<string, long> Rejected,
    long Missing)
{
    public static LocationReconciliation Of(SourceTally tally)
    {
        var o = tally.Outcomes;
        var stored = o.GetValueOrDefault(LineOutcomes.Stored);
        var resent = o.GetValueOrDefault(LineOutcomes.Resent);
        var sameRead = o.GetValueOrDefault(LineOutcomes.SameRead);
        var rejected = o.Where(kv => kv.Key.StartsWith(LineOutcomes.RejectedPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[LineOutcomes.RejectedPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        // Each sequence number is counted once as stored, same read or rejected; resends repeat a counted one.
        var accounted = stored + sameRead + o.GetValueOrDefault(LineOutcomes.BeforeTallies) + (tally.Location.Length > 0 ? rejected.Values.Sum() : 0);
        return new LocationReconciliation(
            tally.Location,
            tally.ConnectionId,
            tally.LastSequence,
            o.Values.Sum(),
            stored,
            new DuplicateCounts(resent, sameRead),
            rejected,
            Math.Max(0, tally.LastSequence - accounted));
    }
}
