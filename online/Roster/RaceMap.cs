namespace Edge.Online.Roster;

/// <summary>
/// Which meet race each service race goes to. Given pairs first (<c>456=10k</c>: RunSignUp event 456, or ChronoTrack
/// Live race "10K Run", into the meet's race <c>10k</c>); then a meet with a single race takes everything; then a
/// service race whose name or key is a meet race's id or name goes there. Keys and names compare without case.
/// </summary>
public sealed class RaceMap
{
    private readonly IReadOnlyList<MeetRace> _races;
    private readonly Dictionary<string, MeetRace> _given = new(StringComparer.OrdinalIgnoreCase);

    public RaceMap(IReadOnlyList<MeetRace> races, IEnumerable<KeyValuePair<string, string>>? given = null)
    {
        if (races.Count == 0)
        {
            throw new RosterException("the meet has no races to put runners in: add races to meet.json first");
        }

        _races = races;
        foreach (var (key, raceId) in given ?? [])
        {
            var race = races.FirstOrDefault(r => string.Equals(r.Id, raceId.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new RosterException($"'{key}={raceId}': the meet has no race '{raceId}' (races: {Ids})");
            if (!_given.TryAdd(key.Trim(), race) && _given[key.Trim()] != race)
            {
                throw new RosterException($"'{key}' is mapped to two races ({_given[key.Trim()].Id} and {race.Id})");
            }
        }
    }

    public IReadOnlyList<MeetRace> Races => _races;

    private string Ids => string.Join(", ", _races.Select(r => r.Id));

    /// <summary>Reads <c>KEY=RACE</c> as a timer types it (the key may hold spaces and '=' signs; the race id is after the last '=').</summary>
    public static KeyValuePair<string, string> ParsePair(string text)
    {
        var at = text.LastIndexOf('=');
        if (at <= 0 || at == text.Length - 1 || text[..at].Trim().Length == 0)
        {
            throw new RosterException($"'{text}' is not KEY=RACE, like 456=10k or \"10K Run=10k\"");
        }

        return new(text[..at].Trim(), text[(at + 1)..].Trim());
    }

    /// <summary>The meet race for an entry, or null when nothing places it.</summary>
    public MeetRace? Find(RosterEntry entry)
    {
        if (_given.TryGetValue(entry.RaceKey, out var race) || (entry.RaceName.Length > 0 && _given.TryGetValue(entry.RaceName, out race)))
        {
            return race;
        }

        if (_races.Count == 1)
        {
            return _races[0];
        }

        return _races.FirstOrDefault(r => Same(r.Id, entry.RaceKey) || Same(r.Id, entry.RaceName))
            ?? _races.FirstOrDefault(r => Same(r.Name, entry.RaceName) || Same(r.Name, entry.RaceKey));
    }

    private static bool Same(string a, string b) => b.Length > 0 && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
