using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Store;

namespace Edge.Appliance.Results;

/// <summary>One log row as the engine needs it; <see cref="Json"/> is set for corrections only.</summary>
public readonly record struct EngineEntry(long Id, LogKind Kind, string Location, string Tag, long AtMs, string? Json);

/// <summary>
/// Derives results from the log. Each applied batch re-derives exactly the participants it touched from all of
/// their reads, so the state after any sequence of batches equals a rebuild from the whole log in one batch:
/// every rule below is a function of the set of entries, never of their arrival pattern. A registration (or its
/// void) changes the field itself: the participant set is rebuilt and everyone derived again, which is cheap for
/// an event as rare as a day-of entry.
/// Not thread-safe: one owner (<see cref="ResultsService"/>) applies batches and publishes snapshots.
/// </summary>
public sealed class ResultsEngine
{
    /// <summary>Unknown tags listed one by one; beyond this only the total grows.</summary>
    public const int MaxListedUnknownTags = 10_000;

    private const int RecentCount = 50;
    private const int ParallelDeriveThreshold = 2_000;

    private static readonly Comparison<Read> ReadOrder = static (a, b) => a.AtMs != b.AtMs ? a.AtMs.CompareTo(b.AtMs) : a.Id.CompareTo(b.Id);

    [ThreadStatic]
    private static List<Read>? _buffer;

    private readonly Meet.Meet _meet;
    private readonly Dictionary<string, int> _raceIndex = new(StringComparer.Ordinal);
    private readonly RaceState[] _races;
    private readonly HashSet<int> _raceLocationIds = [];
    // Every read by tag, wherever it was read: a tag's owner can change (a bib swap, a registration) and a read
    // can be voided, so which reads count and which tags are unknown is always derived from these.
    private readonly Dictionary<string, List<Read>> _readsByTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _locationIds = new(StringComparer.Ordinal);
    private readonly List<string> _locationNames = [];
    private readonly Dictionary<string, List<(long Id, long AtMs)>> _guns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _firstGun = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, EngineEntry> _corrections = [];
    private readonly Dictionary<long, (Participant? Participant, string? Problem)> _parsedRegistrations = [];
    private readonly Dictionary<string, UnknownTag> _unknown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rosterTags = new(StringComparer.Ordinal);
    private readonly SortedSet<(long FinishMs, int Index)> _finished = [];
    private readonly HashSet<int> _dirty = [];
    private readonly HashSet<int> _dirtyRaces = [];
    private readonly List<string> _finishedNow = [];
    private readonly List<string> _removedBibs = [];
    // The participant set: the roster with the registrations in force. Replaced whole when a registration comes
    // or goes; _byBib is shared with published snapshots, so it is never changed in place.
    private Participant[] _participants = [];
    private Meet.Meet _shownMeet;
    private Dictionary<string, int> _byBib = new(StringComparer.Ordinal);
    private ResultRow?[] _rows = [];
    private string?[] _divisionOf = [];
    private int[] _bibOrder = [];
    private int[] _byBibOrder = [];
    private long[] _registrationsInForce = [];
    private IReadOnlyList<RejectedCorrection> _rejected = [];
    private HashSet<long> _voidedReads = [];
    private Derived _derived = Derived.None;
    private Dictionary<string, int> _tagOwner = new(StringComparer.Ordinal);
    private Dictionary<int, List<string>> _tagsOf = [];
    private long _unknownTagCount;
    private bool _unknownChanged = true;
    private IReadOnlyList<UnknownTag> _unknownList = [];
    private long _lastLogId;
    private long _version;
    private ResultsSnapshot? _snapshot;

    public ResultsEngine(Meet.Meet meet)
    {
        _meet = meet;
        _shownMeet = meet;
        _races = new RaceState[meet.Races.Count];
        for (var r = 0; r < meet.Races.Count; r++)
        {
            var race = meet.Races[r];
            _raceIndex[race.Id] = r;
            foreach (var point in race.TimingPoints)
            {
                _raceLocationIds.Add(LocationId(point.Location));
            }

            _races[r] = new RaceState(race, LocationId);
        }

        SetParticipants([.. meet.Participants]);
        _tagOwner = new Dictionary<string, int>(_rosterTags, StringComparer.Ordinal);
        RebuildTagsOf();
        _snapshot = Publish().Version > 0 ? _snapshot : null;
    }

    /// <summary>
    /// Makes <paramref name="participants"/> the field: every index is rebuilt and everyone is derived again. A row
    /// already shown is kept as the one before, so the change names only what differs and no finish is new twice.
    /// </summary>
    private void SetParticipants(Participant[] participants)
    {
        var beforeRows = _rows;
        var beforeByBib = _byBib;
        _participants = participants;
        _shownMeet = participants.SequenceEqual(_meet.Participants) ? _meet : _meet with { Participants = participants };
        _rows = new ResultRow?[participants.Length];
        _byBibOrder = [.. Enumerable.Range(0, participants.Length).OrderBy(i => BibKey(participants[i].Bib)).ThenBy(i => participants[i].Bib, StringComparer.Ordinal)];
        // One string per division, shared by every row in it.
        var divisions = new Dictionary<string, string>(StringComparer.Ordinal);
        _divisionOf = [.. participants.Select(p => _meet.AgeGroups.Division(p.Gender, p.Age) is { } d ? divisions.TryAdd(d, d) ? d : divisions[d] : null)];
        _bibOrder = new int[participants.Length];
        for (var k = 0; k < _byBibOrder.Length; k++)
        {
            _bibOrder[_byBibOrder[k]] = k;
        }

        var byBib = new Dictionary<string, int>(participants.Length, StringComparer.Ordinal);
        _rosterTags.Clear();
        _finished.Clear();
        _dirty.Clear();
        foreach (var state in _races)
        {
            state.Members.Clear();
        }

        foreach (var i in _byBibOrder)
        {
            var p = participants[i];
            byBib[p.Bib] = i;
            _rosterTags[p.Tag] = i;
            _races[_raceIndex[p.RaceId]].Members.Add(i);
            _dirty.Add(i);
            if (beforeByBib.TryGetValue(p.Bib, out var was) && beforeRows[was] is { } row)
            {
                _rows[i] = row;
                if (row.Status == ParticipantStatus.Finished)
                {
                    _finished.Add((row.FinishMs!.Value, i));
                }
            }
        }

        _removedBibs.AddRange(beforeByBib.Keys.Where(bib => !byBib.ContainsKey(bib)));
        _byBib = byBib;
        for (var r = 0; r < _races.Length; r++)
        {
            _dirtyRaces.Add(r);
        }
    }

    /// <summary>From one stored instant to another; total, whatever a database from an older build holds.</summary>
    private static TimeSpan Elapsed(long fromMs, long toMs)
    {
        var ms = (double)toMs - fromMs;
        return ms >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue
            : ms <= TimeSpan.MinValue.TotalMilliseconds ? TimeSpan.MinValue
            : TimeSpan.FromMilliseconds(toMs - fromMs);
    }

    public long LastLogId => _lastLogId;

    /// <summary>Moves past log ids that held nothing for this engine (another meet's entries), so tailing goes on after them.</summary>
    public void SkipTo(long logId)
    {
        if (logId > _lastLogId)
        {
            _lastLogId = logId;
        }
    }

    /// <summary>Applies log entries (in id order, after <see cref="LastLogId"/>) and returns what changed.</summary>
    public ResultsChange Apply(IReadOnlyList<EngineEntry> entries)
    {
        Add(entries);
        return Publish();
    }

    /// <summary>
    /// Takes entries in without deriving anything yet: a replay adds the whole log page by page and then
    /// publishes once. The result is the same as applying them in any batches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(IReadOnlyList<EngineEntry> entries)
    {
        var correctionsChanged = false;
        foreach (var e in entries)
        {
            if (e.Id <= _lastLogId)
            {
                continue;
            }

            _lastLogId = e.Id;
            if (e.Kind.ChangesResults())
            {
                _corrections[e.Id] = e;
                correctionsChanged = true;
            }
            else if (e.Kind.IsCorrection())
            {
                // The timer's other entries (display designs) are not results.
                continue;
            }
            else if (e.Kind == LogKind.Gun)
            {
                if (!_guns.TryGetValue(e.Location, out var guns))
                {
                    _guns[e.Location] = guns = [];
                }

                guns.Add((e.Id, e.AtMs));
                if (_firstGun.TryAdd(e.Location, e.AtMs))
                {
                    MarkRacesGunnedAt(e.Location);
                }
            }
            else
            {
                ApplyRead(e);
            }
        }

        if (correctionsChanged)
        {
            ApplyCorrections();
        }
    }

    /// <summary>The state as of the last <see cref="Apply"/>.</summary>
    public ResultsSnapshot Snapshot => _snapshot!;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyRead(in EngineEntry e)
    {
        if (!_readsByTag.TryGetValue(e.Tag, out var reads))
        {
            _readsByTag[e.Tag] = reads = [];
        }

        var location = LocationId(e.Location);
        reads.Add(new Read(e.AtMs, e.Id, location));
        if (!_raceLocationIds.Contains(location))
        {
            CountUnknown(e);
        }
        else if (_tagOwner.TryGetValue(e.Tag, out var owner))
        {
            _dirty.Add(owner);
        }
        else
        {
            CountUnknown(e);
        }
    }

    private void CountUnknown(in EngineEntry e)
    {
        _unknownChanged = true;
        if (_unknown.TryGetValue(e.Tag, out var known))
        {
            _unknown[e.Tag] = new UnknownTag(e.Tag, known.Reads + 1, e.Location, e.AtMs);
            return;
        }

        _unknownTagCount++;
        if (_unknown.Count < MaxListedUnknownTags)
        {
            _unknown[e.Tag] = new UnknownTag(e.Tag, 1, e.Location, e.AtMs);
        }
    }

    /// <summary>
    /// Lists the unknown tags again from every read: reads at no race's timing point, and reads of tags nobody
    /// carries, leaving out voided reads. Runs when a tag's owner changes or a read is voided (both rare).
    /// </summary>
    private void RecountUnknown()
    {
        _unknown.Clear();
        _unknownTagCount = 0;
        _unknownChanged = true;
        foreach (var (tag, reads) in _readsByTag)
        {
            var owned = _tagOwner.ContainsKey(tag);
            long count = 0;
            Read last = default;
            foreach (var r in reads)
            {
                if ((owned && _raceLocationIds.Contains(r.Location)) || _voidedReads.Contains(r.Id))
                {
                    continue;
                }

                count++;
                last = r;
            }

            if (count == 0)
            {
                continue;
            }

            _unknownTagCount++;
            if (_unknown.Count < MaxListedUnknownTags)
            {
                _unknown[tag] = new UnknownTag(tag, count, _locationNames[last.Location], last.AtMs);
            }
        }
    }

    private void MarkRacesGunnedAt(string location)
    {
        for (var r = 0; r < _races.Length; r++)
        {
            if (_races[r].Race.Gun.Location == location)
            {
                MarkRace(r);
            }
        }
    }

    private void MarkRace(int r)
    {
        _dirtyRaces.Add(r);
        foreach (var i in _races[r].Members)
        {
            _dirty.Add(i);
        }
    }

    /// <summary>Re-derives the correction state; anything whose outcome may differ is marked for re-derivation.</summary>
    private void ApplyCorrections()
    {
        // A void cancels its target unless a later void cancels the void itself: taken newest first, so voiding
        // a void restores what it cancelled. A void only ever names an earlier entry.
        var voided = new HashSet<long>();
        foreach (var c in _corrections.Values.Reverse())
        {
            if (c.Kind == LogKind.Void && !voided.Contains(c.Id) && Field(c, "voids") is { } target
                && long.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id < c.Id)
            {
                voided.Add(id);
            }
        }

        var active = _corrections.Values.Where(c => c.Kind != LogKind.Void && !voided.Contains(c.Id)).ToList();
        var participantsChanged = ApplyRegistrations(active);
        var next = new Derived(
            Dnf: [.. active.Where(c => c.Kind == LogKind.Dnf).Select(c => c.Tag)],
            Dq: active.Where(c => c.Kind == LogKind.Dq).GroupBy(c => c.Tag).ToDictionary(g => g.Key, g => Field(g.Last(), "reason") ?? "", StringComparer.Ordinal),
            Manual: active.Where(c => c.Kind == LogKind.ManualTime).GroupBy(c => c.Tag)
                .ToDictionary(g => g.Key, g => g.Select(c => new Read(c.AtMs, c.Id, LocationId(c.Location))).ToList(), StringComparer.Ordinal),
            GunTimes: active.Where(c => c.Kind == LogKind.GunTime).GroupBy(c => c.Tag)
                .ToDictionary(g => g.Key, g => g.Last().AtMs, StringComparer.OrdinalIgnoreCase),
            Swaps: active.Where(c => c.Kind == LogKind.BibSwap && Field(c, "to") is not null).GroupBy(c => c.Tag)
                .ToDictionary(g => g.Key, g => Field(g.Last(), "to")!, StringComparer.Ordinal));

        // Per-participant corrections: mark the bibs whose entries differ between old and new.
        foreach (var bib in Changed(_derived.Dnf, next.Dnf).Concat(ChangedKeys(_derived.Dq, next.Dq)).Concat(ChangedKeys(_derived.Manual, next.Manual, SameReads)))
        {
            if (_byBib.TryGetValue(bib, out var i))
            {
                _dirty.Add(i);
            }
        }

        foreach (var raceId in ChangedKeys(_derived.GunTimes, next.GunTimes))
        {
            if (_raceIndex.TryGetValue(raceId, out var r) || TryRaceIgnoringCase(raceId, out r))
            {
                MarkRace(r);
            }
        }

        var ownersChanged = participantsChanged || ChangedKeys(_derived.Swaps, next.Swaps).Any();
        _derived = next;
        if (ownersChanged)
        {
            var before = _tagOwner;
            _tagOwner = new Dictionary<string, int>(_rosterTags, StringComparer.Ordinal);
            foreach (var (tag, bib) in next.Swaps)
            {
                if (_byBib.TryGetValue(bib, out var to))
                {
                    _tagOwner[tag] = to;
                }
            }

            // A new field is derived whole already; the old owners' indices belong to the field before it.
            if (!participantsChanged)
            {
                foreach (var (tag, owner) in before.Concat(_tagOwner))
                {
                    _dirty.Add(owner);
                }
            }

            RebuildTagsOf();
        }

        var readsVoided = ApplyVoidedReads([.. voided.Where(id => !_corrections.ContainsKey(id))]);
        if (ownersChanged || readsVoided)
        {
            RecountUnknown();
        }
    }

    /// <summary>
    /// Makes the registrations in force part of the field, in log order: a later one for the same bib replaces the
    /// earlier details. Returns whether the field changed. One naming no race of the meet, or a tag another bib
    /// carries, is left out and listed as rejected.
    /// </summary>
    private bool ApplyRegistrations(List<EngineEntry> active)
    {
        long[] inForce = [.. active.Where(c => c.Kind == LogKind.Registration).Select(c => c.Id)];
        if (inForce.AsSpan().SequenceEqual(_registrationsInForce))
        {
            return false;
        }

        _registrationsInForce = inForce;
        var field = new List<Participant>(_meet.Participants);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var k = 0; k < field.Count; k++)
        {
            position[field[k].Bib] = k;
            tags[field[k].Tag] = field[k].Bib;
        }

        var rejected = new List<RejectedCorrection>();
        foreach (var id in inForce)
        {
            if (!_parsedRegistrations.TryGetValue(id, out var parsed))
            {
                _parsedRegistrations[id] = parsed = ParseRegistration(_corrections[id]);
            }

            if (parsed.Participant is not { } p)
            {
                rejected.Add(new RejectedCorrection(id, LogKind.Registration, parsed.Problem!));
                continue;
            }

            if (tags.TryGetValue(p.Tag, out var holder) && holder != p.Bib)
            {
                rejected.Add(new RejectedCorrection(id, LogKind.Registration, $"tag {p.Tag} is already bib {holder}'s"));
                continue;
            }

            if (position.TryGetValue(p.Bib, out var k))
            {
                tags.Remove(field[k].Tag);
                field[k] = p;
            }
            else
            {
                position[p.Bib] = field.Count;
                field.Add(p);
            }

            tags[p.Tag] = p.Bib;
        }

        _rejected = rejected;
        if (field.SequenceEqual(_participants))
        {
            return false;
        }

        SetParticipants([.. field]);
        return true;
    }

    /// <summary>A registration's participant, or why it cannot be one. The JSON's <c>tag</c> (the chip) defaults to the bib.</summary>
    private (Participant? Participant, string? Problem) ParseRegistration(in EngineEntry c)
    {
        try
        {
            using var json = JsonDocument.Parse(c.Json ?? "");
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a JSON object");
            }

            string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : "";
            var bib = Text("bib") is { Length: > 0 } b ? b : c.Tag.Trim();
            if (bib.Length is 0 or > 32)
            {
                return (null, "a bib is 1 to 32 characters");
            }

            if (c.Tag.Length > 0 && c.Tag != bib)
            {
                return (null, $"bib {bib} is not the entry's tag {c.Tag}");
            }

            if (MeetLoader.NormalizeGender(Text("gender")) is not { } gender)
            {
                return (null, "gender must be M, F or X");
            }

            int? age = null;
            if (root.TryGetProperty("age", out var ageValue) && ageValue.ValueKind != JsonValueKind.Null)
            {
                if (ageValue.ValueKind != JsonValueKind.Number || !ageValue.TryGetInt32(out var years) || years is < 0 or > 130)
                {
                    return (null, "age must be a whole number of years or null");
                }

                age = years;
            }

            if (_meet.FindRace(Text("race")) is not { } race)
            {
                return (null, $"no race has id '{Text("race")}'");
            }

            var tag = Text("tag") is { Length: > 0 } chip ? chip : bib;
            return (new Participant(bib, Text("first"), Text("last"), gender, age, race.Id, tag, Text("city"), Text("state"), Text("team")), null);
        }
        catch (JsonException)
        {
            return (null, "not valid JSON");
        }
    }

    /// <summary>
    /// Takes the voided reads and gun events in; whoever a read whose standing changed belongs to is derived again.
    /// Returns whether any changed. A void is rare, so the reads are searched for it rather than indexed by id.
    /// </summary>
    private bool ApplyVoidedReads(HashSet<long> voided)
    {
        if (voided.SetEquals(_voidedReads))
        {
            return false;
        }

        var changed = new HashSet<long>(voided);
        changed.SymmetricExceptWith(_voidedReads);
        _voidedReads = voided;
        foreach (var (tag, reads) in _readsByTag)
        {
            if (_tagOwner.TryGetValue(tag, out var owner) && reads.Exists(r => changed.Contains(r.Id)))
            {
                _dirty.Add(owner);
            }
        }

        foreach (var (location, guns) in _guns)
        {
            if (!guns.Exists(g => changed.Contains(g.Id)))
            {
                continue;
            }

            var first = guns.Find(g => !voided.Contains(g.Id));
            var had = _firstGun.TryGetValue(location, out var before);
            if (first.Id == 0)
            {
                _firstGun.Remove(location);
            }
            else
            {
                _firstGun[location] = first.AtMs;
            }

            if (had != (first.Id != 0) || before != first.AtMs)
            {
                MarkRacesGunnedAt(location);
            }
        }

        return true;
    }

    private bool TryRaceIgnoringCase(string id, out int r)
    {
        r = Array.FindIndex(_races, x => string.Equals(x.Race.Id, id, StringComparison.OrdinalIgnoreCase));
        return r >= 0;
    }

    /// <summary>Lists the tags of participants a bib swap concerns; everyone else carries just their roster tag.</summary>
    private void RebuildTagsOf()
    {
        var concerned = _tagOwner.Where(kv => !_rosterTags.TryGetValue(kv.Key, out var o) || o != kv.Value).Select(kv => kv.Value).ToHashSet();
        _tagsOf = concerned.ToDictionary(i => i, i => _tagOwner.Where(kv => kv.Value == i).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>After a replay: gives back the spare room of every read list (a big race holds hundreds of thousands).</summary>
    public void TrimExcess()
    {
        foreach (var reads in _readsByTag.Values)
        {
            reads.TrimExcess();
        }
    }

    /// <summary>Derives everything the added entries touched, ranks the races that changed and makes a new snapshot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ResultsChange Publish()
    {
        var bibs = new List<string>(_dirty.Count);
        _finishedNow.Clear();
        var dirty = _dirty.Order().ToArray();
        var derived = new ResultRow[dirty.Length];
        if (dirty.Length >= ParallelDeriveThreshold)
        {
            // A replay or a gun change re-derives a whole field: each participant is independent.
            Parallel.For(0, dirty.Length, k => derived[k] = Derive(dirty[k]));
        }
        else
        {
            for (var k = 0; k < dirty.Length; k++)
            {
                derived[k] = Derive(dirty[k]);
            }
        }

        for (var k = 0; k < dirty.Length; k++)
        {
            var i = dirty[k];
            var before = _rows[i];
            var row = derived[k];
            if (before?.FinishMs is { } oldFinish)
            {
                _finished.Remove((oldFinish, i));
            }

            if (row.Status == ParticipantStatus.Finished)
            {
                _finished.Add((row.FinishMs!.Value, i));
                if (before?.Status != ParticipantStatus.Finished)
                {
                    _finishedNow.Add(row.Bib);
                }
            }

            // The row kept holds its places; a changed row goes in without them and its race is re-ranked.
            if (!SameUnplaced(before, row))
            {
                _dirtyRaces.Add(_raceIndex[row.RaceId]);
                bibs.Add(row.Bib);
                _rows[i] = row;
            }
        }

        _dirty.Clear();
        bibs.AddRange(_removedBibs);
        _removedBibs.Clear();
        var races = _dirtyRaces.Order().Select(r => _races[r].Race.Id).ToList();
        foreach (var r in _dirtyRaces)
        {
            Rank(_races[r]);
        }

        _dirtyRaces.Clear();
        _version++;
        _snapshot = BuildSnapshot();
        return new ResultsChange(_version, _lastLogId, races, bibs, [.. _finishedNow]);
    }

    private static bool SameUnplaced(ResultRow? a, ResultRow b) =>
        a is not null && a.Status == b.Status && a.FinishMs == b.FinishMs && a.ChipStartMs == b.ChipStartMs && a.GunTime == b.GunTime
        && a.LastSeenMs == b.LastSeenMs && a.LastLocation == b.LastLocation && a.Note == b.Note && a.Splits.SequenceEqual(b.Splits)
        && a.Participant == b.Participant;

    /// <summary>The rules of the results, applied to one participant from all of their entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ResultRow Derive(int i)
    {
        var p = _participants[i];
        var state = _races[_raceIndex[p.RaceId]];
        var race = state.Race;
        var gun = GunMs(race);
        // One buffer per thread: a replay derives tens of thousands of participants in parallel.
        var reads = _buffer ??= new List<Read>(64);
        reads.Clear();
        if (_tagsOf.TryGetValue(i, out var tags))
        {
            foreach (var tag in tags)
            {
                if (_readsByTag.TryGetValue(tag, out var tagReads))
                {
                    reads.AddRange(tagReads);
                }
            }
        }
        else if (_tagOwner.TryGetValue(p.Tag, out var owner) && owner == i && _readsByTag.TryGetValue(p.Tag, out var own))
        {
            reads.AddRange(own);
        }

        if (_derived.Manual.TryGetValue(p.Bib, out var manual))
        {
            reads.AddRange(manual);
        }

        // Only this race's timing points count, and nothing before its gun (warm-ups over the mats).
        var counted = state.Locations;
        var voided = _voidedReads;
        var kept = 0;
        for (var k = 0; k < reads.Count; k++)
        {
            var r = reads[k];
            if (counted.Contains(r.Location) && (gun is not { } g || r.AtMs >= g) && (voided.Count == 0 || !voided.Contains(r.Id)))
            {
                reads[kept++] = r;
            }
        }

        reads.RemoveRange(kept, reads.Count - kept);
        reads.Sort(ReadOrder);

        var startLocation = state.StartId;
        var firstOther = -1;
        long? chipStart = gun;
        var sawStart = false;
        for (var k = 0; k < reads.Count; k++)
        {
            if (reads[k].Location != startLocation)
            {
                firstOther = k;
                break;
            }

            chipStart = reads[k].AtMs;
            sawStart = true;
        }

        var splits = state.Splits.Length == 0 ? null : new List<SplitTime>(state.Splits.Length);
        foreach (var (point, pointId) in state.Splits)
        {
            var split = FirstAt(reads, pointId, chipStart is { } c ? c + 1 : long.MinValue);
            if (split >= 0)
            {
                splits!.Add(new SplitTime(point.Location, point.Km, reads[split].AtMs, chipStart is { } c2 ? Elapsed(c2, reads[split].AtMs) : TimeSpan.Zero));
            }
        }

        var minimumMs = (long)race.MinimumTime.TotalMilliseconds;
        var finishAt = FirstAt(reads, state.FinishId, chipStart is { } c3 ? c3 + minimumMs : long.MinValue);
        long? finish = finishAt >= 0 ? reads[finishAt].AtMs : null;
        TimeSpan? chipTime = finish is { } f && chipStart is { } cs ? Elapsed(cs, f) : null;
        TimeSpan? gunTime = finish is { } f2 && gun is { } g2 ? Elapsed(g2, f2) : null;
        var last = reads.Count > 0 ? reads[^1] : (Read?)null;
        var status = _derived.Dq.ContainsKey(p.Bib) ? ParticipantStatus.Dq
            : _derived.Dnf.Contains(p.Bib) ? ParticipantStatus.Dnf
            : finish is not null ? ParticipantStatus.Finished
            : firstOther >= 0 ? ParticipantStatus.OnCourse
            : sawStart ? ParticipantStatus.Started
            : ParticipantStatus.Registered;
        var paceTime = chipTime ?? gunTime;
        TimeSpan? perKm = paceTime is { } t && race.DistanceKm > 0 ? t / race.DistanceKm : null;
        TimeSpan? perMile = perKm is { } k2 ? k2 * 1.609344 : null;
        return new ResultRow(
            p,
            _divisionOf[i],
            status,
            reads.Count > 0 ? chipStart : null,
            status == ParticipantStatus.Finished ? finish : null,
            status == ParticipantStatus.Finished ? chipTime : null,
            status == ParticipantStatus.Finished ? gunTime : null,
            null,
            null,
            null,
            last is { } seen ? _locationNames[seen.Location] : null,
            last?.AtMs,
            splits is not { Count: > 0 } ? [] : splits.ToArray(),
            status == ParticipantStatus.Finished ? perKm : null,
            status == ParticipantStatus.Finished ? perMile : null,
            _derived.Dq.TryGetValue(p.Bib, out var reason) && reason.Length > 0 ? reason : null);
    }

    /// <summary>Index of the first read at a location at or after a time, or -1.</summary>
    private static int FirstAt(List<Read> reads, int location, long notBefore)
    {
        for (var k = 0; k < reads.Count; k++)
        {
            if (reads[k].Location == location && reads[k].AtMs >= notBefore)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>A race's gun: a gun-time correction, else the first gun read at its gun location, else meet.json's time.</summary>
    private long? GunMs(Race race)
    {
        if (_derived.GunTimes.TryGetValue(race.Id, out var corrected))
        {
            return corrected;
        }

        if (race.Gun.Location is { } location && _firstGun.TryGetValue(location, out var fired))
        {
            return fired;
        }

        return race.Gun.AtMs;
    }

    /// <summary>Places by the race's rank time; equal times (to the hundredth shown) share a place and the next is skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rank(RaceState state)
    {
        var race = state.Race;
        var finishers = new List<(long Key, int Order)>();
        var others = new List<ResultRow>();
        int registered = 0, started = 0, onCourse = 0, finished = 0, dnf = 0, dq = 0;
        // Members are in bib order, so everyone not placed is listed by bib without sorting.
        foreach (var i in state.Members)
        {
            var row = _rows[i]!;
            switch (row.Status)
            {
                case ParticipantStatus.Finished:
                    finished++;
                    finishers.Add((Hundredths(race.RankBy == RankBy.Gun ? row.GunTime ?? row.ChipTime : row.ChipTime ?? row.GunTime), _bibOrder[i]));
                    continue;
                case ParticipantStatus.Registered: registered++; break;
                case ParticipantStatus.Started: started++; break;
                case ParticipantStatus.OnCourse: onCourse++; break;
                case ParticipantStatus.Dnf: dnf++; break;
                default: dq++; break;
            }

            others.Add(row);
        }

        finishers.Sort();
        var overall = new PlaceCounter();
        var genders = new Dictionary<string, PlaceCounter>(StringComparer.Ordinal);
        var divisions = new Dictionary<string, PlaceCounter>(StringComparer.Ordinal);
        var placedRows = new ResultRow[finishers.Count];
        for (var k = 0; k < finishers.Count; k++)
        {
            var (key, order) = finishers[k];
            var i = _byBibOrder[order];
            var row = _rows[i]!;
            var place = overall.Next(key);
            var genderPlace = Counter(genders, row.Participant.Gender).Next(key);
            int? divisionPlace = row.Division is { } d ? Counter(divisions, d).Next(key) : null;
            // Most rows keep their places when someone else finishes: reuse them rather than copy.
            placedRows[k] = _rows[i] = row.Place == place && row.GenderPlace == genderPlace && row.DivisionPlace == divisionPlace
                ? row
                : row with { Place = place, GenderPlace = genderPlace, DivisionPlace = divisionPlace };
        }

        state.Results = new RaceResults(race, GunMs(race), placedRows, others, new RaceCounts(registered, started, onCourse, finished, dnf, dq));
    }

    private static PlaceCounter Counter(Dictionary<string, PlaceCounter> counters, string key)
    {
        if (!counters.TryGetValue(key, out var counter))
        {
            counters[key] = counter = new PlaceCounter();
        }

        return counter;
    }

    private static long Hundredths(TimeSpan? t) => t is { } time ? time.Ticks / (TimeSpan.TicksPerMillisecond * 10) : long.MaxValue;

    private ResultsSnapshot BuildSnapshot()
    {
        var races = new Dictionary<string, RaceResults>(StringComparer.OrdinalIgnoreCase);
        var byBib = new BibIndex(_byBib, (ResultRow[])_rows.Clone());
        foreach (var state in _races)
        {
            if (state.Results is null)
            {
                Rank(state);
            }

            races[state.Race.Id] = state.Results!;
        }

        var recent = _finished.Reverse().Take(RecentCount).Select(f => byBib[_participants[f.Index].Bib]).ToList();
        if (_unknownChanged)
        {
            // Copied as of this moment, sorted only if someone looks.
            _unknownList = new SortedOnDemand(_unknown.Values.ToArray());
            _unknownChanged = false;
        }

        _snapshot = new ResultsSnapshot(_shownMeet, _lastLogId, _version, races, byBib, recent, _unknownList, _unknownTagCount, _rejected);
        return _snapshot;
    }

    private static string? Field(in EngineEntry correction, string name)
    {
        if (string.IsNullOrEmpty(correction.Json))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(correction.Json);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Changed(HashSet<string> a, HashSet<string> b) => a.Except(b).Concat(b.Except(a));

    /// <summary>Keys present in only one of the two, or with different values.</summary>
    private static IEnumerable<string> ChangedKeys<T>(Dictionary<string, T> a, Dictionary<string, T> b, IEqualityComparer<T>? same = null)
    {
        same ??= EqualityComparer<T>.Default;
        return a.Keys.Concat(b.Keys).Distinct().Where(k => !a.TryGetValue(k, out var x) || !b.TryGetValue(k, out var y) || !same.Equals(x, y));
    }

    private static readonly IEqualityComparer<List<Read>> SameReads = EqualityComparer<List<Read>>.Create((x, y) => x!.SequenceEqual(y!));

    private int LocationId(string name)
    {
        if (!_locationIds.TryGetValue(name, out var id))
        {
            _locationIds[name] = id = _locationNames.Count;
            _locationNames.Add(name);
        }

        return id;
    }

    /// <summary>A read as a participant's history keeps it: no references, so a big race's reads cost the GC nothing to scan.</summary>
    private readonly record struct Read(long AtMs, long Id, int Location);

    private sealed record Derived(
        HashSet<string> Dnf,
        Dictionary<string, string> Dq,
        Dictionary<string, List<Read>> Manual,
        Dictionary<string, long> GunTimes,
        Dictionary<string, string> Swaps)
    {
        public static Derived None { get; } = new([], [], [], [], []);
    }

    private sealed class RaceState(Race race, Func<string, int> locationId)
    {
        public Race Race { get; } = race;
        public HashSet<int> Locations { get; } = [.. race.TimingPoints.Select(p => locationId(p.Location))];
        public int StartId { get; } = race.Start is { } start ? locationId(start.Location) : -1;
        public int FinishId { get; } = locationId(race.Finish.Location);
        public (TimingPoint Point, int Id)[] Splits { get; } = [.. race.Splits.Select(p => (p, locationId(p.Location)))];
        public List<int> Members { get; } = [];
        public RaceResults? Results { get; set; }
    }

    /// <summary>Places 1, 2, 2, 4: a tie shares the place and the next one is skipped.</summary>
    private sealed class PlaceCounter
    {
        private int _count;
        private int _place;
        private long _last = long.MinValue;

        public int Next(long key)
        {
            _count++;
            if (key != _last)
            {
                _place = _count;
                _last = key;
            }

            return _place;
        }
    }

    private static (int, long) BibKey(string bib) => long.TryParse(bib, out var n) ? (0, n) : (1, 0);

    /// <summary>Bibs in the order people expect: numbers numerically, then the rest alphabetically.</summary>
    public static IComparer<string> BibOrder { get; } = Comparer<string>.Create(static (a, b) =>
    {
        var an = long.TryParse(a, out var x);
        var bn = long.TryParse(b, out var y);
        return (an, bn) switch
        {
            (true, true) => x != y ? x.CompareTo(y) : string.CompareOrdinal(a, b),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a, b),
        };
    });

    /// <summary>Unknown tags newest first; the sort runs once, on first use.</summary>
    private sealed class SortedOnDemand(UnknownTag[] tags) : IReadOnlyList<UnknownTag>
    {
        private readonly Lazy<UnknownTag[]> _sorted = new(() =>
            [.. tags.OrderByDescending(u => u.LastAtMs).ThenBy(u => u.Tag, StringComparer.Ordinal)]);

        public UnknownTag this[int index] => _sorted.Value[index];

        public int Count => tags.Length;

        public IEnumerator<UnknownTag> GetEnumerator() => ((IEnumerable<UnknownTag>)_sorted.Value).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Bib lookup over the rows of one moment: the shared bib index and a copy of the row references.</summary>
    private sealed class BibIndex(Dictionary<string, int> byBib, ResultRow[] rows) : IReadOnlyDictionary<string, ResultRow>
    {
        public ResultRow this[string key] => TryGetValue(key, out var row) ? row : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => byBib.Keys;

        public IEnumerable<ResultRow> Values => rows;

        public int Count => rows.Length;

        public bool ContainsKey(string key) => byBib.ContainsKey(key);

        public bool TryGetValue(string key, out ResultRow value)
        {
            if (byBib.TryGetValue(key, out var i))
            {
                value = rows[i];
                return true;
            }

            value = null!;
            return false;
        }

        public IEnumerator<KeyValuePair<string, ResultRow>> GetEnumerator() =>
            byBib.Select(kv => KeyValuePair.Create(kv.Key, rows[kv.Value])).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
