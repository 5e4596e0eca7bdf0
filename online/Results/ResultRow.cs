namespace Edge.Online.Results;

/// <summary>How a runner's race ended, as results services take it.</summary>
public enum ResultStatus
{
    /// <summary>Finished with a time.</summary>
    Finished,

    /// <summary>Did not finish.</summary>
    Dnf,

    /// <summary>Did not start.</summary>
    Dns,

    /// <summary>Disqualified.</summary>
    Dq,

    /// <summary>Did not qualify (finished outside a cut-off).</summary>
    Dnq,
}

/// <summary>
/// One runner's result to send: what any results engine (the box's, the cloud's) can give without the service knowing
/// it. Times are from the gun (<see cref="ClockTime"/>) and from the runner's own start (<see cref="ChipTime"/>).
/// <see cref="Splits"/> holds split times by the service's split id: a split left out is left as the service has it, a
/// split given as null is cleared there, so a start box and a finish box may each send the splits they know.
/// </summary>
public sealed record ResultRow(
    string Bib,
    TimeSpan? ClockTime,
    TimeSpan? ChipTime,
    ResultStatus Status = ResultStatus.Finished,
    IReadOnlyDictionary<string, TimeSpan?>? Splits = null,
    int? Place = null);
