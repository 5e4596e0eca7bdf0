namespace Edge.Appliance.Orienteering;

/// <summary>
/// One result list scored by <see cref="OrienteeringScoring.Score"/>: its classes in file order (hidden ones left out),
/// its team classes in meet.json order, and the classes meet.json does not configure (scored by time).
/// </summary>
public sealed record ScoredEvent(
    IofEvent Event,
    IReadOnlyList<ScoredClass> Classes,
    IReadOnlyList<ScoredTeamClass> Teams,
    IReadOnlyList<string> UnconfiguredClasses);

/// <summary>
/// A class scored by its scheme, competitors in result order: ranked ones by position, then the others in file order
/// (for <see cref="ClassScheme.Alpha"/>: all by family and given name). <see cref="Awt"/> is the class's average
/// winning time in seconds, null when no one is OK.
/// </summary>
public sealed record ScoredClass(
    string Key,
    IofClass Class,
    IofCourse? Course,
    ClassScheme Scheme,
    double? Awt,
    IReadOnlyList<ScoredCompetitor> Competitors)
{
    /// <summary>The winner's time in seconds, what "time behind" is counted from; null when no one is ranked.</summary>
    public double? LeaderTime => Competitors.Where(r => r.Position == 1).Select(r => r.Result.Time).FirstOrDefault();
}

/// <summary>
/// A competitor's <see cref="Position"/> (only OK results have one) and <see cref="Score"/> by the class's scheme:
/// whole seconds for time (null unless OK), points for 1000pts and worldcup, the awt score, null for alpha.
/// </summary>
public sealed record ScoredCompetitor(IofPersonResult Result, int? Position, double? Score);

public sealed record ScoredTeamClass(TeamClass Team, IReadOnlyList<ScoredTeam> Teams);

/// <summary>
/// An organisation's team: ranked teams by position, then unranked ones. <see cref="Scorers"/> are the members whose
/// scores make <see cref="Score"/>, best first.
/// </summary>
public sealed record ScoredTeam(string Key, IofOrganisation Organisation, int? Position, double Score, IReadOnlyList<TeamScorer> Scorers);

/// <summary>A member's individual score as the team counts it, with the class it was earned in.</summary>
public sealed record TeamScorer(string ClassKey, IofPersonResult Result, double Score);
