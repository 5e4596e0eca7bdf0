namespace Edge.Online.Roster;

/// <summary>
/// One registration as a registration service gives it, before it is placed in a meet's race. Text fields are empty
/// rather than null; <see cref="Gender"/> is the service's own spelling. <see cref="SourceId"/> is the service's id of
/// the registration (RunSignUp registration_id, ChronoTrack entry_id); <see cref="RaceKey"/> is what the race map
/// matches (a RunSignUp event id, a ChronoTrack Live race name); <see cref="RaceName"/> the race's name at the service.
/// </summary>
public sealed record RosterEntry(
    string SourceId,
    string Bib,
    string FirstName,
    string LastName,
    string Gender,
    int? Age,
    DateOnly? BirthDate,
    string City,
    string State,
    string Team,
    string Chip,
    string RaceKey,
    string RaceName)
{
    public string Name => $"{FirstName} {LastName}".Trim();
}

/// <summary>A race of the meet as meet.json names it: what roster entries are placed in.</summary>
public sealed record MeetRace(string Id, string Name);

/// <summary>A roster that cannot become a participants file as it stands: the message says which runners and what to do.</summary>
public sealed class RosterException(string message) : Exception(message);
