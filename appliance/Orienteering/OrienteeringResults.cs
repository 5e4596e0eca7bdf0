using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// A result list in the log: where it came from and what it holds. <see cref="Days"/> are the days it holds results
/// for (<see cref="IofResultList.Days"/>), empty while that is not known (a stored list not read since the start).
/// </summary>
public sealed record ImportedList(long LogId, string Hash, string Source, IofListStatus Status, DateTimeOffset? CreateTime, int Classes, int Competitors)
{
    public IReadOnlyList<int> Days { get; init; } = [];
}

/// <summary>
/// One day of the meet (a race of a multi-day event; <see cref="IofResultList.DayOf"/> says which a result belongs
/// to): its number, its name (the Event's Race name, else "Day N"), its results merged from the lists that count for
/// it, scored by the meet's settings, and the Complete list shown for it.
/// </summary>
public sealed record OrienteeringDay(int Number, string Name, IofResultList List, ScoredEvent Scored, ImportedList? Shown)
{
    public ScoredClass? FindClass(string key) => OrienteeringState.FindClass(Scored, key);

    public ScoredTeamClass? FindTeam(string id) => OrienteeringState.FindTeam(Scored, id);
}

/// <summary>
/// The orienteering results shown now, as one immutable state: the merged list (<see cref="List"/>), scored by the
/// meet's settings (<see cref="Scored"/>), the season standings when meet.json names a series, and the open meet's
/// lists in log order. <see cref="Version"/> grows with every change.
/// </summary>
/// <remarks>
/// A meet has one day or several (<see cref="Days"/>, in order). <see cref="List"/>, <see cref="Scored"/> and
/// <see cref="Shown"/> are the current day's: the highest-numbered day with results, which for a one-day meet is its
/// only day, so everything that reads them (the pages, the API, MeOS's state after a restart) sees what it always
/// did. With two days or more, <see cref="Overall"/> sums them.
/// </remarks>
public sealed record OrienteeringState(
    long Version,
    IofResultList? List,
    ScoredEvent? Scored,
    Standings? Season,
    IReadOnlyList<ImportedList> Lists,
    ImportedList? Shown)
{
    public static OrienteeringState Empty { get; } = new(0, null, null, null, [], null);

    /// <summary>The days with results, by number; the last is the current day.</summary>
    public IReadOnlyList<OrienteeringDay> Days { get; init; } = [];

    /// <summary>
    /// With two days or more, the multi-day totals (<see cref="OrienteeringStandings.MultiDay"/>: every day counts);
    /// a standing's <see cref="Standing.Rounds"/>[i] is <see cref="Days"/>[i]'s score. Null for a one-day meet.
    /// </summary>
    public Standings? Overall { get; init; }

    public bool IsMultiDay => Days.Count > 1;

    public OrienteeringDay? CurrentDay => Days.Count == 0 ? null : Days[^1];

    public OrienteeringDay? Day(int number) => Days.FirstOrDefault(d => d.Number == number);

    /// <summary>True when the list with this log id is the Complete list shown for one of the days.</summary>
    public bool IsShown(long logId) => Days.Any(d => d.Shown?.LogId == logId);

    public ScoredClass? FindClass(string key) => FindClass(Scored, key);

    public ScoredTeamClass? FindTeam(string id) => FindTeam(Scored, id);

    public ClassStandings? FindOverallClass(string key) =>
        Overall?.Classes.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    public TeamStandings? FindOverallTeam(string id) =>
        Overall?.Teams.FirstOrDefault(t => string.Equals(t.Team.Id, id, StringComparison.OrdinalIgnoreCase));

    internal static ScoredClass? FindClass(ScoredEvent? scored, string key) =>
        scored?.Classes.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    internal static ScoredTeamClass? FindTeam(ScoredEvent? scored, string id) =>
        scored?.Teams.FirstOrDefault(t => string.Equals(t.Team.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Holds the open meet's orienteering results, rebuilt from the log at start and when another meet opens, and
/// updated by each import. Which lists count (a fold over the log, so a restart shows the same), day by day (a list
/// counts for each day it holds results for, <see cref="IofResultList.Days"/>):
/// <list type="bullet">
/// <item>the newest Complete list holding the day by <c>createTime</c> (a list without one is older than any with
/// one), equal times by arrival (the inbox imports files of equal createTime in file-time order): it replaces
/// everything before for that day, and only that day (day 2's Complete list leaves day 1 as it was; a file holding
/// days 1 and 2 is Complete for both);</item>
/// <item>every Delta list holding the day newer than it, in that order, replaces the competitors it names (by person
/// id, else name and club) in their classes and adds the ones it adds.</item>
/// </list>
/// Earlier meets' lists make the season standings (<c>orienteering.series</c>), scored by this meet's settings: each
/// meet counts as one event, its last day (the highest-numbered), as the open meet counts with its current day. A
/// multi-day total is not taken into a season: it is on another scale (two days' points or times summed) than the
/// one-day events beside it.
/// </summary>
/// <remarks>
/// At start only the lists that count are read whole. Which days a stored list holds is known without reading it when
/// its text never says "raceNumber" or "RaceNumber" (SQLite looks, part by part and across the parts' seams): such a
/// list is day 1 only. A list that names race numbers is read once to learn its days, newest first, and kept only
/// when it counts for a day no newer Complete list holds (an earlier meet's is read again when it counts for that
/// meet's last day). Between starts, a list that no longer counts for any day is not kept parsed.
/// </remarks>
public sealed partial class OrienteeringResults(
    ReadStore store, MeetHost meetHost, IOptions<StoreOptions> storeOptions, ILogger<OrienteeringResults> logger) : BackgroundService
{
    /// <summary>How much of an entry's text is read to see its root element's status without parsing it.</summary>
    private const int HeadChars = 4096;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private OrienteeringState _current = OrienteeringState.Empty;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _meetId = -1;
    private List<Entry> _entries = [];
    private Dictionary<string, long> _hashes = new(StringComparer.Ordinal);
    private List<IofResultList> _earlier = [];
    private int _rebuild;

    public OrienteeringState Current => Volatile.Read(ref _current);

    /// <summary>Completes at the next change after now.</summary>
    public Task NextChange => Volatile.Read(ref _changed).Task;

    /// <summary>The log id of the open meet's list with this hash, if it is stored.</summary>
    public long? Find(string hash)
    {
        lock (_lock)
        {
            return _hashes.TryGetValue(hash, out var id) ? id : null;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Raised on the store's writer and the meet folder's watcher: the work happens on this service's loop.
        store.MeetOpened += _ => Wake(rebuild: true);
        meetHost.Changed += _ => Wake(rebuild: false);
        Rebuild();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                if (Interlocked.Exchange(ref _rebuild, 0) == 1)
                {
                    Rebuild();
                }
                else
                {
                    lock (_lock)
                    {
                        Publish();
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The pages keep what they showed; the next import or restart reads the log again.
                LogRebuildFailed(e);
            }
        }
    }

    private void Wake(bool rebuild)
    {
        if (rebuild)
        {
            Volatile.Write(ref _rebuild, 1);
        }

        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake is pending already; it sees the flag.
        }
    }

    /// <summary>
    /// The log id of the list shown, when it is a Complete list with no Delta after it and its results read the same as
    /// <paramref name="contentKey"/> (<see cref="OrienteeringImport.ContentKey"/>): an export that changes nothing but
    /// its time stamp.
    /// </summary>
    public long? ShownWithSameResults(string contentKey)
    {
        lock (_lock)
        {
            // Per day: a Complete list shown for every day it holds, no Delta after it for any of them.
            var chosen = Choose(_entries);
            SqliteConnection? connection = null;
            try
            {
                foreach (var shown in chosen.Values.Select(c => c.Shown).OfType<Entry>().Distinct())
                {
                    if (shown.Info.Status != IofListStatus.Complete
                        || !shown.Days!.All(d => chosen.TryGetValue(d, out var c) && c.Shown == shown && c.Deltas.Count == 0))
                    {
                        continue;
                    }

                    if (shown.ContentKey is null)
                    {
                        connection ??= EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
                        shown.ContentKey = OrienteeringImport.ContentKey(Text(connection, shown));
                    }

                    if (shown.ContentKey == contentKey)
                    {
                        return shown.Info.LogId;
                    }
                }

                return null;
            }
            finally
            {
                connection?.Dispose();
            }
        }
    }

    /// <summary>Takes a list just stored for <paramref name="meetId"/>; true when it is (part of) what is shown now.</summary>
    public bool Add(long meetId, ImportedList imported, IReadOnlyList<long> parts, IofResultList list, string? contentKey = null)
    {
        lock (_lock)
        {
            if (meetId != _meetId)
            {
                // Another meet opened in between: the rebuild that follows reads it from the log.
                return false;
            }

            var entry = new Entry(imported) { Parts = parts, ContentKey = contentKey };
            entry.Read(list);
            _entries.Add(entry);
            _hashes.TryAdd(imported.Hash, imported.LogId);
            Publish();
            // A list no longer counting for any day never counts again until the log is read again: its parse goes.
            var chosen = Choose(_entries);
            var counting = chosen.Values.SelectMany(c => c.Deltas.Append(c.Shown)).OfType<Entry>().ToHashSet();
            foreach (var e in _entries.Where(e => !counting.Contains(e)))
            {
                e.Forget();
            }

            return counting.Contains(entry);
        }
    }

    /// <summary>Reads every result list of the log again: the open meet's for its results, the others for the season.</summary>
    public void Rebuild()
    {
        lock (_lock)
        {
            if (!store.IsOpen)
            {
                return;
            }

            var meetId = store.Meet.Id;
            using var connection = EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
            var byMeet = new Dictionary<long, List<Entry>>();
            using (var command = connection.CreateCommand())
            {
                // kind >= 10 lets SQLite use the partial index of corrections (log_corrections). Each part says whether
                // it names a race number, and gives its last characters so that one cut by a part's end is found too.
                command.CommandText = """
                    SELECT id, meet_id, at_ms, tag, location, substr(raw, 1, $head), instr(raw, $race) > 0, substr(raw, -$seam)
                    FROM log WHERE kind >= 10 AND kind = $kind ORDER BY id
                    """;
                command.Parameters.AddWithValue("$head", HeadChars);
                command.Parameters.AddWithValue("$race", RaceMark);
                command.Parameters.AddWithValue("$seam", RaceMark.Length);
                command.Parameters.AddWithValue("$kind", (int)LogKind.ResultList);
                using var reader = command.ExecuteReader();
                // A list is stored in parts (OrienteeringImport.PartTag); it counts once every part is there.
                var parts = new Dictionary<(long Meet, string Hash), (ImportedList Info, SortedDictionary<int, PartRow> Rows, int Count)>();
                while (reader.Read())
                {
                    if (!OrienteeringImport.ParsePartTag(reader.GetString(3), out var hash, out var part, out var count))
                    {
                        LogEntrySkipped(reader.GetInt64(0), "its tag is not <sha256>/<part>/<parts>");
                        continue;
                    }

                    var key = (reader.GetInt64(1), hash);
                    var head = reader.GetString(5);
                    var row = new PartRow(reader.GetInt64(0), reader.GetInt64(6) != 0, head[..Math.Min(head.Length, RaceMark.Length)], reader.GetString(7));
                    if (part == 1)
                    {
                        var atMs = reader.GetInt64(2);
                        var info = new ImportedList(reader.GetInt64(0), hash, reader.GetString(4), StatusOf(head),
                            atMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(atMs), 0, 0);
                        // The same list stored again (an import cut short by a crash, then repeated): a new set of parts.
                        parts[key] = (info, new SortedDictionary<int, PartRow> { [1] = row }, count);
                    }
                    else if (parts.TryGetValue(key, out var found) && found.Count == count)
                    {
                        found.Rows[part] = row;
                    }
                }

                foreach (var ((meet, _), (info, rows, count)) in parts.OrderBy(p => p.Value.Rows.Values.Max(r => r.Id)))
                {
                    if (rows.Count != count)
                    {
                        continue;
                    }

                    if (!byMeet.TryGetValue(meet, out var list))
                    {
                        byMeet[meet] = list = [];
                    }

                    var ordered = rows.Values.ToList();
                    var entry = new Entry(info with { LogId = ordered.Max(r => r.Id) }) { Parts = [.. ordered.Select(r => r.Id)] };
                    var namesRaces = ordered.Any(r => r.NamesRace)
                        || ordered.Zip(ordered.Skip(1)).Any(seam => (seam.First.Tail + seam.Second.Head).Contains(RaceMark, StringComparison.Ordinal));
                    if (!namesRaces)
                    {
                        entry.KnownDays([1]);
                    }

                    list.Add(entry);
                }
            }

            _meetId = meetId;
            _entries = byMeet.GetValueOrDefault(meetId) ?? [];
            _hashes = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var e in _entries)
            {
                _hashes.TryAdd(e.Info.Hash, e.Info.LogId);
            }

            var settings = meetHost.Current.Orienteering;
            _earlier = [.. byMeet.Where(m => m.Key != meetId).OrderBy(m => m.Key)
                .Select(m => LastDay(connection, m.Value, settings)).OfType<IofResultList>()];
            Load(connection, _entries);
            Publish();
        }
    }

    /// <summary>
    /// What every race number in a list's text contains (the Result's <c>raceNumber</c> attribute, the Race's
    /// <c>RaceNumber</c> element): a text without it holds day 1 only.
    /// </summary>
    private const string RaceMark = "aceNumber";

    /// <summary>One stored part of a list, as the rebuild sees it: its log id, and whether (and how it starts and ends) it names a race.</summary>
    private sealed record PartRow(long Id, bool NamesRace, string Head, string Tail);

    /// <summary>
    /// Reads the entries that count and forgets the others' parsed lists. Newest first: an entry whose days are not
    /// known is read to learn them; it counts when it holds a day (<paramref name="onlyLastDay"/>: the meet's last
    /// day) that no newer Complete list holds. An entry that no longer reads (a damaged row, another box's newer
    /// format) is skipped, and the next one down counts.
    /// </summary>
    private void Load(SqliteConnection connection, List<Entry> entries, bool onlyLastDay = false)
    {
        int? only = null;
        if (onlyLastDay)
        {
            foreach (var e in entries.Where(e => e.Days is null && !e.Skipped))
            {
                if (Read(connection, e))
                {
                    e.Forget();
                }
            }

            only = entries.Where(e => !e.Skipped).SelectMany(e => e.Days!).DefaultIfEmpty().Max();
        }

        var closed = new HashSet<int>();
        foreach (var e in Ordered(entries, includeUnread: true).AsEnumerable().Reverse())
        {
            if (e.Days is null && !Read(connection, e))
            {
                continue;
            }

            if (!e.Days!.Any(d => (only is null || d == only) && !closed.Contains(d)))
            {
                e.Forget();
            }
            else if (e.Parsed is null && !Read(connection, e))
            {
                continue;
            }

            if (e.Info.Status != IofListStatus.Delta)
            {
                closed.UnionWith(e.Days!);
            }
        }
    }

    /// <summary>Parses a stored list; false (and the entry skipped from now on) when it no longer reads.</summary>
    private bool Read(SqliteConnection connection, Entry entry)
    {
        var text = Text(connection, entry);
        try
        {
            using var reader = new StringReader(text);
            entry.Read(IofResultListParser.Parse(reader, new IofParseOptions { MaxCharacters = Math.Max(text.Length, 1) }));
            return true;
        }
        catch (IofParseException problem)
        {
            entry.Skipped = true;
            LogEntrySkipped(entry.Info.LogId, problem.Message);
            return false;
        }
    }

    /// <summary>An earlier meet's last day, merged: what it counts with in the season.</summary>
    private IofResultList? LastDay(SqliteConnection connection, List<Entry> entries, OrienteeringSettings settings)
    {
        Load(connection, entries, onlyLastDay: true);
        var chosen = Choose(entries);
        return chosen.Count == 0 ? null : Merge(chosen.Last().Value, chosen.Last().Key, settings);
    }

    /// <summary>A stored list's text, its parts joined in order.</summary>
    private static string Text(SqliteConnection connection, Entry entry)
    {
        var text = new System.Text.StringBuilder();
        foreach (var id in entry.Parts)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT raw FROM log WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            text.Append(command.ExecuteScalar() as string);
        }

        return text.ToString();
    }

    /// <summary>The entries that read, oldest first: by createTime, then log order.</summary>
    private static List<Entry> Ordered(List<Entry> entries, bool includeUnread = false) =>
        [.. entries.Where(e => !e.Skipped && (includeUnread || e.Days is not null))
            .OrderBy(e => e.Info.CreateTime?.UtcTicks ?? long.MinValue).ThenBy(e => e.Info.LogId)];

    /// <summary>For each day some list holds, the Complete list shown and the Delta lists after it (the rule above).</summary>
    private static SortedDictionary<int, Chosen> Choose(List<Entry> entries)
    {
        var ordered = Ordered(entries);
        var chosen = new SortedDictionary<int, Chosen>();
        foreach (var day in ordered.SelectMany(e => e.Days!).Distinct())
        {
            var holding = ordered.Where(e => e.Days!.Contains(day)).ToList();
            var last = holding.FindLastIndex(e => e.Info.Status != IofListStatus.Delta);
            chosen[day] = new Chosen(last < 0 ? null : holding[last], [.. holding.Skip(last + 1).Where(e => e.Info.Status == IofListStatus.Delta)]);
        }

        return chosen;
    }

    /// <summary>One day's results: its shown list's, with its Delta lists applied in order; null when nothing counts.</summary>
    private static IofResultList? Merge(Chosen chosen, int day, OrienteeringSettings settings)
    {
        var shown = chosen.Shown?.ForDay(day);
        var deltas = chosen.Deltas.Select(d => d.ForDay(day)).OfType<IofResultList>().ToList();
        if (shown is null && deltas.Count == 0)
        {
            return null;
        }

        var start = shown ?? deltas[0];
        var classes = (shown?.Classes ?? []).Select(c => (Key: settings.KeyOf(c.Class), Class: c, Persons: c.Persons.ToList())).ToList();
        // Where each person of a class is, by PersonKey (the first of equal keys), made when a Delta first names the
        // class: MeOS online stores a Delta per push, so a fold may replay thousands of rows over a 2,000-runner list.
        var indexes = new Dictionary<int, Dictionary<string, int>>();
        foreach (var delta in deltas)
        {
            foreach (var cls in delta.Classes)
            {
                var key = settings.KeyOf(cls.Class);
                var at = classes.FindIndex(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));
                if (at < 0)
                {
                    classes.Add((key, cls, [.. cls.Persons]));
                    continue;
                }

                var persons = classes[at].Persons;
                if (!indexes.TryGetValue(at, out var index))
                {
                    indexes[at] = index = new Dictionary<string, int>(StringComparer.Ordinal);
                    for (var n = 0; n < persons.Count; n++)
                    {
                        index.TryAdd(PersonKey(persons[n]), n);
                    }
                }

                foreach (var p in cls.Persons)
                {
                    var k = PersonKey(p);
                    if (index.TryGetValue(k, out var i))
                    {
                        persons[i] = p;
                    }
                    else
                    {
                        index[k] = persons.Count;
                        persons.Add(p);
                    }
                }
            }
        }

        var newest = deltas.LastOrDefault() ?? start;
        return start with
        {
            CreateTime = newest.CreateTime,
            Classes = [.. classes.Select(c => c.Class with { Persons = c.Persons })],
        };
    }

    /// <summary>A day's name: as the lists that count for it name its Race (the newest first), else "Day N".</summary>
    private static string DayName(Chosen chosen, int day) =>
        chosen.Deltas.AsEnumerable().Reverse().Append(chosen.Shown).Select(e => e?.Parsed?.DayName(day)).FirstOrDefault(n => n is not null)
            ?? string.Create(CultureInfo.InvariantCulture, $"Day {day}");

    /// <summary>The person a Delta list's row replaces: by person id, else by name and club.</summary>
    private static string PersonKey(IofPersonResult p) =>
        p.Person.Id is { Length: > 0 } id ? "id:" + id
            : $"name:{p.Person.Name.ToLower(CultureInfo.InvariantCulture)}|{(p.Organisation?.Name ?? p.Organisation?.ShortName ?? "").ToLower(CultureInfo.InvariantCulture)}";

    private void Publish()
    {
        var settings = meetHost.Current.Orienteering;
        var days = new List<OrienteeringDay>();
        foreach (var (number, chosen) in Choose(_entries))
        {
            if (Merge(chosen, number, settings) is { } merged)
            {
                days.Add(new OrienteeringDay(number, DayName(chosen, number), merged, OrienteeringScoring.Score(merged, settings), chosen.Shown?.Info));
            }
        }

        var current = days.Count == 0 ? null : days[^1];
        Standings? season = null;
        if (settings.Series is { } series)
        {
            var events = _earlier.Select(l => OrienteeringScoring.Score(l, settings)).ToList();
            if (current is not null)
            {
                events.Add(current.Scored);
            }

            season = events.Count == 0 ? null : OrienteeringStandings.Season(events, series.Best);
        }

        var overall = days.Count > 1 ? OrienteeringStandings.MultiDay([.. days.Select(d => d.Scored)]) : null;
        var state = new OrienteeringState(Current.Version + 1, current?.List, current?.Scored, season, [.. _entries.Select(e => e.Info)], current?.Shown)
        {
            Days = days,
            Overall = overall,
        };
        Volatile.Write(ref _current, state);
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The root element's <c>status</c> from the start of the text (Complete when it has none, as IOF.xsd says).</summary>
    private static IofListStatus StatusOf(string head) =>
        RootStatus().Match(head) is { Success: true } m && Enum.TryParse<IofListStatus>(m.Groups[1].Value, out var status) ? status : IofListStatus.Complete;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [GeneratedRegex("""<(?:\w+:)?ResultList\b[^>]*?\sstatus\s*=\s*["'](\w+)["']""", RegexOptions.CultureInvariant)]
    private static partial Regex RootStatus();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result list entry {Id} skipped: {Problem}")]
    private partial void LogEntrySkipped(long id, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Orienteering results could not be read again from the log")]
    private partial void LogRebuildFailed(Exception e);

    /// <summary>What counts for one day: the Complete list shown (null when only Delta lists hold the day) and the Delta lists after it.</summary>
    private sealed record Chosen(Entry? Shown, List<Entry> Deltas);

    private sealed class Entry(ImportedList info)
    {
        private Dictionary<int, IofResultList>? _byDay;

        public ImportedList Info { get; set; } = info;

        /// <summary>The list as parsed, while it counts.</summary>
        public IofResultList? Parsed { get; private set; }

        /// <summary>The days it holds (<see cref="IofResultList.Days"/>); null until known.</summary>
        public IReadOnlyList<int>? Days { get; private set; }

        /// <summary>The log ids of the list's parts, in order.</summary>
        public IReadOnlyList<long> Parts { get; init; } = [];

        /// <summary>Stored but unreadable: never counts.</summary>
        public bool Skipped { get; set; }

        /// <summary>Its <see cref="OrienteeringImport.ContentKey"/>, once worked out.</summary>
        public string? ContentKey { get; set; }

        public void KnownDays(IReadOnlyList<int> days)
        {
            Days = days;
            Info = Info with { Days = days };
        }

        public void Read(IofResultList list)
        {
            Parsed = list;
            _byDay = null;
            KnownDays(list.Days());
            Info = Info with { Status = list.Status, Classes = list.Classes.Count, Competitors = list.Classes.Sum(c => c.Persons.Count) };
        }

        /// <summary>Drops the parsed list (it no longer counts); what is known of its days stays.</summary>
        public void Forget()
        {
            Parsed = null;
            _byDay = null;
        }

        /// <summary>The list's results of one day (<see cref="IofResultList.ForDay"/>), worked out once; null when not parsed.</summary>
        public IofResultList? ForDay(int day)
        {
            if (Parsed is null)
            {
                return null;
            }

            _byDay ??= [];
            if (!_byDay.TryGetValue(day, out var list))
            {
                _byDay[day] = list = Parsed.ForDay(day);
            }

            return list;
        }
    }
}
