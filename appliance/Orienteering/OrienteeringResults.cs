using System.Globalization;
using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>A result list in the log: where it came from and what it holds.</summary>
public sealed record ImportedList(long LogId, string Hash, string Source, IofListStatus Status, DateTimeOffset? CreateTime, int Classes, int Competitors);

/// <summary>
/// The orienteering results shown now, as one immutable state: the merged list (<see cref="List"/>), scored by the
/// meet's settings (<see cref="Scored"/>), the season standings when meet.json names a series, and the open meet's
/// lists in log order. <see cref="Version"/> grows with every change.
/// </summary>
public sealed record OrienteeringState(
    long Version,
    IofResultList? List,
    ScoredEvent? Scored,
    Standings? Season,
    IReadOnlyList<ImportedList> Lists,
    ImportedList? Shown)
{
    public static OrienteeringState Empty { get; } = new(0, null, null, null, [], null);

    public ScoredClass? FindClass(string key) =>
        Scored?.Classes.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    public ScoredTeamClass? FindTeam(string id) =>
        Scored?.Teams.FirstOrDefault(t => string.Equals(t.Team.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Holds the open meet's orienteering results, rebuilt from the log at start and when another meet opens, and
/// updated by each import. Which lists count (a fold over the log, so a restart shows the same):
/// <list type="bullet">
/// <item>the newest Complete list by <c>createTime</c> (a list without one is older than any with one), equal times
/// by arrival (the inbox imports files of equal createTime in file-time order): it replaces everything before;</item>
/// <item>every Delta list newer than it, in that order, replaces the competitors it names (by person id, else name
/// and club) in their classes and adds the ones it adds.</item>
/// </list>
/// Earlier meets' lists make the season standings (<c>orienteering.series</c>), scored by this meet's settings.
/// </summary>
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
            var (shown, deltas) = Choose(_entries);
            if (shown is null || deltas.Count > 0 || shown.Info.Status != IofListStatus.Complete)
            {
                return null;
            }

            if (shown.ContentKey is null)
            {
                using var connection = EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
                shown.ContentKey = OrienteeringImport.ContentKey(Text(connection, shown));
            }

            return shown.ContentKey == contentKey ? shown.Info.LogId : null;
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

            _entries.Add(new Entry(imported) { Parsed = list, Parts = parts, ContentKey = contentKey });
            _hashes.TryAdd(imported.Hash, imported.LogId);
            Publish();
            var (shown, deltas) = Choose(_entries);
            return shown?.Info.LogId == imported.LogId || deltas.Any(d => d.Info.LogId == imported.LogId);
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
                // kind >= 10 lets SQLite use the partial index of corrections (log_corrections).
                command.CommandText = "SELECT id, meet_id, at_ms, tag, location, substr(raw, 1, $head) FROM log WHERE kind >= 10 AND kind = $kind ORDER BY id";
                command.Parameters.AddWithValue("$head", HeadChars);
                command.Parameters.AddWithValue("$kind", (int)LogKind.ResultList);
                using var reader = command.ExecuteReader();
                // A list is stored in parts (OrienteeringImport.PartTag); it counts once every part is there.
                var parts = new Dictionary<(long Meet, string Hash), (ImportedList Info, SortedDictionary<int, long> Ids, int Count)>();
                while (reader.Read())
                {
                    if (!OrienteeringImport.ParsePartTag(reader.GetString(3), out var hash, out var part, out var count))
                    {
                        LogEntrySkipped(reader.GetInt64(0), "its tag is not <sha256>/<part>/<parts>");
                        continue;
                    }

                    var key = (reader.GetInt64(1), hash);
                    if (part == 1)
                    {
                        var atMs = reader.GetInt64(2);
                        var info = new ImportedList(reader.GetInt64(0), hash, reader.GetString(4), StatusOf(reader.GetString(5)),
                            atMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(atMs), 0, 0);
                        // The same list stored again (an import cut short by a crash, then repeated): a new set of parts.
                        parts[key] = (info, new SortedDictionary<int, long> { [1] = reader.GetInt64(0) }, count);
                    }
                    else if (parts.TryGetValue(key, out var found) && found.Count == count)
                    {
                        found.Ids[part] = reader.GetInt64(0);
                    }
                }

                foreach (var ((meet, _), (info, ids, count)) in parts.OrderBy(p => p.Value.Ids.Values.Max()))
                {
                    if (ids.Count != count)
                    {
                        continue;
                    }

                    if (!byMeet.TryGetValue(meet, out var list))
                    {
                        byMeet[meet] = list = [];
                    }

                    list.Add(new Entry(info with { LogId = ids.Values.Max() }) { Parts = [.. ids.Values] });
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
                .Select(m => Merge(Load(connection, m.Value), settings)).OfType<IofResultList>()];
            Load(connection, _entries);
            Publish();
        }
    }

    /// <summary>
    /// Parses the entries that count (the shown list and its deltas) and forgets the others' parsed lists. An entry
    /// that no longer reads (a damaged row, another box's newer format) is skipped, and the next one down counts.
    /// </summary>
    private (Entry? Shown, List<Entry> Deltas) Load(SqliteConnection connection, List<Entry> entries)
    {
        while (true)
        {
            var (shown, deltas) = Choose(entries);
            var wanted = new HashSet<Entry>(deltas);
            if (shown is not null)
            {
                wanted.Add(shown);
            }

            var skipped = false;
            foreach (var e in entries)
            {
                if (!wanted.Contains(e))
                {
                    e.Parsed = null;
                }
                else if (e.Parsed is null)
                {
                    var text = Text(connection, e);
                    try
                    {
                        using var reader = new StringReader(text);
                        e.Parsed = IofResultListParser.Parse(reader, new IofParseOptions { MaxCharacters = Math.Max(text.Length, 1) });
                        e.Info = e.Info with { Status = e.Parsed.Status, Classes = e.Parsed.Classes.Count, Competitors = e.Parsed.Classes.Sum(c => c.Persons.Count) };
                    }
                    catch (IofParseException problem)
                    {
                        e.Skipped = true;
                        skipped = true;
                        LogEntrySkipped(e.Info.LogId, problem.Message);
                    }
                }
            }

            if (!skipped)
            {
                return (shown, deltas);
            }
        }
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

    private static (Entry? Shown, List<Entry> Deltas) Choose(List<Entry> entries)
    {
        var ordered = entries.Where(e => !e.Skipped).OrderBy(e => e.Info.CreateTime?.UtcTicks ?? long.MinValue).ThenBy(e => e.Info.LogId).ToList();
        var last = ordered.FindLastIndex(e => e.Info.Status != IofListStatus.Delta);
        return (last < 0 ? null : ordered[last], [.. ordered.Skip(last + 1).Where(e => e.Info.Status == IofListStatus.Delta)]);
    }

    private static IofResultList? Merge((Entry? Shown, List<Entry> Deltas) chosen, OrienteeringSettings settings)
    {
        var (shown, deltas) = chosen;
        if (shown?.Parsed is null && deltas.Count == 0)
        {
            return null;
        }

        var start = shown?.Parsed ?? deltas[0].Parsed!;
        var classes = (shown?.Parsed?.Classes ?? []).Select(c => (Key: settings.KeyOf(c.Class), Class: c, Persons: c.Persons.ToList())).ToList();
        // Where each person of a class is, by PersonKey (the first of equal keys), made when a Delta first names the
        // class: MeOS online stores a Delta per push, so a fold may replay thousands of rows over a 2,000-runner list.
        var indexes = new Dictionary<int, Dictionary<string, int>>();
        foreach (var delta in deltas.Where(d => d.Parsed is not null).Select(d => d.Parsed!))
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

        var newest = deltas.LastOrDefault()?.Parsed ?? start;
        return start with
        {
            CreateTime = newest.CreateTime,
            Classes = [.. classes.Select(c => c.Class with { Persons = c.Persons })],
        };
    }

    /// <summary>The person a Delta list's row replaces: by person id, else by name and club.</summary>
    private static string PersonKey(IofPersonResult p) =>
        p.Person.Id is { Length: > 0 } id ? "id:" + id
            : $"name:{p.Person.Name.ToLower(CultureInfo.InvariantCulture)}|{(p.Organisation?.Name ?? p.Organisation?.ShortName ?? "").ToLower(CultureInfo.InvariantCulture)}";

    private void Publish()
    {
        var settings = meetHost.Current.Orienteering;
        var chosen = Choose(_entries);
        var merged = Merge(chosen, settings);
        var scored = merged is null ? null : OrienteeringScoring.Score(merged, settings);
        Standings? season = null;
        if (settings.Series is { } series)
        {
            var events = _earlier.Select(l => OrienteeringScoring.Score(l, settings)).ToList();
            if (scored is not null)
            {
                events.Add(scored);
            }

            season = events.Count == 0 ? null : OrienteeringStandings.Season(events, series.Best);
        }

        var state = new OrienteeringState(Current.Version + 1, merged, scored, season, [.. _entries.Select(e => e.Info)], chosen.Shown?.Info);
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

    private sealed class Entry(ImportedList info)
    {
        public ImportedList Info { get; set; } = info;

        public IofResultList? Parsed { get; set; }

        /// <summary>The log ids of the list's parts, in order.</summary>
        public IReadOnlyList<long> Parts { get; init; } = [];

        /// <summary>Stored but unreadable: never counts.</summary>
        public bool Skipped { get; set; }

        /// <summary>Its <see cref="OrienteeringImport.ContentKey"/>, once worked out.</summary>
        public string? ContentKey { get; set; }
    }
}
