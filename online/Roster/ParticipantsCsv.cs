using System.Globalization;
using System.Text;

namespace Edge.Online.Roster;

/// <summary>How many runners went into one meet race, and from which service races.</summary>
public sealed record RaceCount(string RaceId, int Participants, IReadOnlyList<string> From);

/// <summary>What a roster file holds, in the few lines a timer reads after a pull.</summary>
public sealed record RosterSummary(int Participants, IReadOnlyList<RaceCount> Races, int LeftOutWithoutBib, int GenderNotGiven, int AgeFromBirthDate)
{
    public IEnumerable<string> Lines()
    {
        foreach (var race in Races)
        {
            yield return $"race {race.RaceId}: {race.Participants} participant{(race.Participants == 1 ? "" : "s")}{(race.From.Count == 0 ? "" : $" (from {string.Join(", ", race.From)})")}";
        }

        if (LeftOutWithoutBib > 0)
        {
            yield return $"left out: {LeftOutWithoutBib} registration{(LeftOutWithoutBib == 1 ? "" : "s")} without a bib (assign bibs at the service and pull again)";
        }

        if (GenderNotGiven > 0)
        {
            yield return $"gender not given or not M/F/X for {GenderNotGiven}: written as X (fix at the service and pull again)";
        }

        if (AgeFromBirthDate > 0)
        {
            yield return $"age worked out from the date of birth on the event date for {AgeFromBirthDate}";
        }
    }
}

/// <summary>A participants file's bytes and what they hold.</summary>
public sealed record RosterFile(byte[] Content, RosterSummary Summary);

/// <summary>
/// A roster as the box's <c>participants.csv</c>: the columns its meet loader reads (<c>bib, first_name, last_name,
/// gender, age, race</c> required; <c>chip, city, state, team</c> optional), UTF-8, RFC 4180 quoting, one row per runner.
/// What the loader would refuse (a bib twice, a tag twice, a runner in no race) is refused here first, in the service's
/// terms; registrations without a bib are left out and counted.
/// </summary>
public static class ParticipantsCsv
{
    /// <summary>The header row, the same as <c>edge-provision new</c> writes.</summary>
    public const string Header = "bib,first_name,last_name,gender,age,race,chip,city,state,team\n";

    /// <summary>The box's limit on a bib's length (MeetLoader).</summary>
    public const int MaxBibLength = 32;

    /// <summary>
    /// The file for <paramref name="entries"/> placed by <paramref name="map"/>; <paramref name="eventDate"/> (the meet's
    /// date) gives the age of a runner the service gives only a date of birth for; <paramref name="source"/> is how the
    /// service names a race in messages ("RunSignUp event", "ChronoTrack Live race").
    /// </summary>
    public static RosterFile Build(IReadOnlyList<RosterEntry> entries, RaceMap map, DateOnly? eventDate, string source)
    {
        var placed = new List<(RosterEntry Entry, MeetRace Race)>(entries.Count);
        var unplaced = new List<RosterEntry>();
        var withoutBib = 0;
        foreach (var entry in entries)
        {
            if (Clean(entry.Bib).Length == 0)
            {
                withoutBib++;
            }
            else if (map.Find(entry) is { } race)
            {
                placed.Add((entry, race));
            }
            else
            {
                unplaced.Add(entry);
            }
        }

        if (unplaced.Count > 0)
        {
            var races = unplaced.GroupBy(e => e.RaceKey, StringComparer.OrdinalIgnoreCase)
                .Select(g => $"{source} {Describe(g.First())} ({g.Count()} runner{(g.Count() == 1 ? "" : "s")})");
            throw new RosterException($"no meet race for {string.Join(", ", races)}: map each to one of the meet's races ({string.Join(", ", map.Races.Select(r => r.Id))}), like {unplaced[0].RaceKey}={map.Races[0].Id}");
        }

        var bibs = new Dictionary<string, RosterEntry>(StringComparer.Ordinal);
        var tags = new Dictionary<string, RosterEntry>(StringComparer.Ordinal);
        var text = new StringBuilder(Header, Header.Length + placed.Count * 64);
        var (genderNotGiven, ageFromBirthDate) = (0, 0);
        var order = map.Races.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        foreach (var (entry, race) in placed.OrderBy(p => order[p.Race.Id]).ThenBy(p => Clean(p.Entry.Bib), BibOrder.Instance))
        {
            var bib = Clean(entry.Bib);
            if (bib.Length > MaxBibLength)
            {
                throw new RosterException($"bib '{bib[..MaxBibLength]}…' of {Who(entry)} is longer than the box takes ({MaxBibLength} characters)");
            }

            if (!bibs.TryAdd(bib, entry))
            {
                throw new RosterException($"bib {bib} is given to two registrations: {Who(bibs[bib])} and {Who(entry)}; fix it at the service and pull again");
            }

            var chip = Clean(entry.Chip);
            var tag = chip.Length > 0 ? chip : bib;
            if (!tags.TryAdd(tag, entry))
            {
                throw new RosterException($"tag {tag} would be read for both {Who(tags[tag])} and {Who(entry)} (a chip equal to another runner's chip or bib); fix it at the service and pull again");
            }

            var gender = Gender(entry.Gender);
            if (gender is null)
            {
                genderNotGiven++;
            }

            var age = entry.Age is { } a and >= 0 and <= 130 ? a : (int?)null;
            if (age is null && entry.BirthDate is { } born && eventDate is { } on && AgeOn(born, on) is { } worked and >= 0 and <= 130)
            {
                age = worked;
                ageFromBirthDate++;
            }

            AppendRow(text, bib, Clean(entry.FirstName), Clean(entry.LastName), gender ?? "X",
                age?.ToString(CultureInfo.InvariantCulture) ?? "", race.Id, chip, Clean(entry.City), Clean(entry.State), Clean(entry.Team));
        }

        var counts = map.Races
            .Select(r => new RaceCount(r.Id, placed.Count(p => p.Race == r),
                placed.Where(p => p.Race == r).Select(p => Describe(p.Entry)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()))
            .ToList();
        return new RosterFile(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString()),
            new RosterSummary(placed.Count, counts, withoutBib, genderNotGiven, ageFromBirthDate));
    }

    /// <summary>M, F or X for the spellings the box takes (MeetLoader.NormalizeGender); null for anything else.</summary>
    public static string? Gender(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant() switch
        {
            "m" or "male" or "man" or "men" => "M",
            "f" or "female" or "woman" or "women" => "F",
            "x" or "nb" or "non-binary" or "nonbinary" or "non binary" => "X",
            _ => null,
        };

    /// <summary>Whole years from <paramref name="born"/> to <paramref name="on"/>.</summary>
    public static int? AgeOn(DateOnly born, DateOnly on)
    {
        if (born > on)
        {
            return null;
        }

        var age = on.Year - born.Year;
        return born.AddYears(age) > on ? age - 1 : age;
    }

    private static void AppendRow(StringBuilder text, params string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var field = fields[i];
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                text.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                text.Append(field);
            }
        }

        text.Append('\n');
    }

    /// <summary>A field as the box should show it: control characters (a tab, a stray line break) become spaces, ends trimmed.</summary>
    private static string Clean(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text.Trim();
        }

        return new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
    }

    private static string Describe(RosterEntry entry) =>
        entry.RaceName.Length > 0 && !string.Equals(entry.RaceName, entry.RaceKey, StringComparison.OrdinalIgnoreCase)
            ? $"{entry.RaceKey} '{entry.RaceName}'"
            : $"'{entry.RaceKey}'";

    private static string Who(RosterEntry entry) => $"registration {entry.SourceId} ({entry.Name})";

    /// <summary>Bibs in number order when both are numbers (2 before 10), else in text order.</summary>
    private sealed class BibOrder : IComparer<string>
    {
        public static BibOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            var (a, b) = (x ?? "", y ?? "");
            if (long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return m.CompareTo(n);
            }

            return string.CompareOrdinal(a, b);
        }
    }
}
