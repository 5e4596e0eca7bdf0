using System.Runtime.CompilerServices;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>
/// A race's rows grouped the ways pages filter them (gender, division), built once per race results object:
/// the engine replaces a race's results only when something in that race changed.
/// </summary>
public sealed class RaceView
{
    private static readonly ConditionalWeakTable<RaceResults, RaceView> Views = [];

    private RaceView(RaceResults results)
    {
        Results = results;
        foreach (var row in results.Finishers)
        {
            Group(ByGender, row.Participant.Gender).Finishers.Add(row);
            if (row.Division is { } d)
            {
                Group(ByDivision, d).Finishers.Add(row);
            }
        }

        foreach (var row in results.Others)
        {
            Group(ByGender, row.Participant.Gender).Others.Add(row);
            if (row.Division is { } d)
            {
                Group(ByDivision, d).Others.Add(row);
            }
        }

        All = new RowGroup([.. results.Finishers], [.. results.Others]);
        Genders = [.. ByGender.Keys.Order(StringComparer.Ordinal)];
        Divisions = [.. ByDivision.Keys.Order(DivisionOrder)];
    }

    public RaceResults Results { get; }

    public RowGroup All { get; }

    public Dictionary<string, RowGroup> ByGender { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, RowGroup> ByDivision { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Genders { get; }

    public IReadOnlyList<string> Divisions { get; }

    public static RaceView Of(RaceResults results) => Views.GetValue(results, static r => new RaceView(r));

    /// <summary>The rows a filter selects: a division, else a gender, else the whole race.</summary>
    public RowGroup Select(string? gender, string? division)
    {
        if (division is not null)
        {
            return ByDivision.TryGetValue(division, out var d) ? d : RowGroup.Empty;
        }

        if (gender is not null)
        {
            return ByGender.TryGetValue(gender, out var g) ? g : RowGroup.Empty;
        }

        return All;
    }

    /// <summary>"F 30-39" after "F 20-29", "M 70+" last, open-ended groups after the numbered ones.</summary>
    public static IComparer<string> DivisionOrder { get; } = Comparer<string>.Create(static (a, b) =>
    {
        var (ga, la) = Split(a);
        var (gb, lb) = Split(b);
        var byGender = string.CompareOrdinal(ga, gb);
        return byGender != 0 ? byGender : la != lb ? la.CompareTo(lb) : string.CompareOrdinal(a, b);

        static (string Gender, int Low) Split(string division)
        {
            var space = division.LastIndexOf(' ');
            var gender = space < 0 ? division : division[..space];
            var digits = space < 0 ? "" : new string([.. division[(space + 1)..].TakeWhile(char.IsAsciiDigit)]);
            return (gender, int.TryParse(digits, out var low) ? low : int.MaxValue);
        }
    });

    private static RowGroup Group(Dictionary<string, RowGroup> groups, string key)
    {
        if (!groups.TryGetValue(key, out var group))
        {
            groups[key] = group = new RowGroup([], []);
        }

        return group;
    }
}

/// <summary>Finishers in place order, then everyone else by bib.</summary>
public sealed record RowGroup(List<ResultRow> Finishers, List<ResultRow> Others)
{
    public static RowGroup Empty { get; } = new([], []);

    public int Count => Finishers.Count + Others.Count;

    public IEnumerable<ResultRow> Slice(int skip, int take) =>
        skip < Finishers.Count
            ? Finishers.Skip(skip).Take(take).Concat(Others.Take(Math.Max(0, take - (Finishers.Count - skip))))
            : Others.Skip(skip - Finishers.Count).Take(take);
}

/// <summary>
/// The roster folded for search, built once per meet: bib, first name, last name and "first last" (and
/// "last first"), accents dropped and lower case, matched by prefix.
/// </summary>
public sealed class SearchIndex
{
    public const int MaxResults = 50;

    private static readonly ConditionalWeakTable<Meet.Meet, SearchIndex> Indexes = [];

    private readonly (Participant Participant, string Bib, string First, string Last, string Full, string Reversed)[] _entries;

    private SearchIndex(Meet.Meet meet) =>
        _entries = [.. meet.Participants.Select(p =>
        {
            var first = WebInput.Fold(p.FirstName);
            var last = WebInput.Fold(p.LastName);
            return (p, p.Bib.ToLowerInvariant(), first, last, (first + " " + last).Trim(), (last + " " + first).Trim());
        })];

    public static SearchIndex Of(Meet.Meet meet) => Indexes.GetValue(meet, static m => new SearchIndex(m));

    /// <summary>The runner whose bib is the query (case and accents ignored), or null.</summary>
    public Participant? ExactBib(string query)
    {
        var q = WebInput.Fold(query);
        foreach (var e in _entries)
        {
            if (e.Bib == q)
            {
                return e.Participant;
            }
        }

        return null;
    }

    /// <summary>Matches in order: the exact bib, bibs starting with the query, then names by last and first name.</summary>
    public (IReadOnlyList<Participant> Matches, int Total) Find(string query)
    {
        var q = WebInput.Fold(query);
        if (q.Length == 0)
        {
            return ([], 0);
        }

        var exact = new List<Participant>();
        var bibs = new List<Participant>();
        var names = new List<(Participant Participant, string Last, string First)>();
        foreach (var e in _entries)
        {
            if (e.Bib == q)
            {
                exact.Add(e.Participant);
            }
            else if (e.Bib.StartsWith(q, StringComparison.Ordinal))
            {
                bibs.Add(e.Participant);
            }
            else if (e.First.StartsWith(q, StringComparison.Ordinal) || e.Last.StartsWith(q, StringComparison.Ordinal)
                || e.Full.StartsWith(q, StringComparison.Ordinal) || e.Reversed.StartsWith(q, StringComparison.Ordinal))
            {
                names.Add((e.Participant, e.Last, e.First));
            }
        }

        var total = exact.Count + bibs.Count + names.Count;
        var matches = exact
            .Concat(bibs.Order(Comparer<Participant>.Create(static (a, b) => ResultsEngine.BibOrder.Compare(a.Bib, b.Bib))).Take(MaxResults))
            .Concat(names.OrderBy(n => n.Last, StringComparer.Ordinal).ThenBy(n => n.First, StringComparer.Ordinal).ThenBy(n => n.Participant.Bib, ResultsEngine.BibOrder)
                .Take(MaxResults).Select(n => n.Participant))
            .Take(MaxResults)
            .ToList();
        return (matches, total);
    }
}
