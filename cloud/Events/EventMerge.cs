using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Appliance.Results;
using Edge.Store;

namespace Edge.Cloud.Events;

/// <summary>One entry of a box's log as the cloud landed it (<c>log_entries</c>); <see cref="Raw"/> only for corrections.</summary>
public readonly record struct LandedEntry(
    string Device, int Epoch, long Id, LogKind Kind, string Location, string Tag, long AtMs, int Lap, string Reader, int Gator, string? Raw, long Landed);

/// <summary>
/// Turns many boxes' logs into one log for the results engine. Each box numbers its own entries, so the merged log
/// numbers them again, in the order they are taken, and rewrites the one reference a correction makes to another entry
/// (a void's <c>voids</c>, docs/RESULTS.md) from the box's number to the merged one. A read or gun read that is the
/// same read as one already taken from another box (same time, location, tag, reader, mat segment and lap: the rule
/// the box's store applies to its own sources) is not taken twice; a void of it, from either box, voids the one taken.
/// Entries the engine never reads (display designs, result lists) get no number.
/// </summary>
public sealed class EventMerge
{
    private readonly Dictionary<ReadIdentity, long> _reads = [];
    private readonly Dictionary<(string Device, int Epoch), BoxNumbers> _boxes = [];
    private long _lastId;

    /// <summary>The highest merged id given.</summary>
    public long LastId => _lastId;

    /// <summary>Reads left out as the same read another box had sent first.</summary>
    public long SameReads { get; private set; }

    /// <summary>Voids whose target is not in the event (another meet's entry, a display design): they cancel nothing.</summary>
    public long VoidsOfNothing { get; private set; }

    /// <summary>Takes entries (each box's in its log order) and adds what the engine needs to <paramref name="into"/>.</summary>
    public void Take(IEnumerable<LandedEntry> entries, List<EngineEntry> into)
    {
        foreach (var e in entries)
        {
            if (e.Kind is not (LogKind.Read or LogKind.Gun) && !e.Kind.ChangesResults())
            {
                continue;
            }

            var box = Numbers(e.Device, e.Epoch);
            if (e.Kind is LogKind.Read or LogKind.Gun)
            {
                var identity = new ReadIdentity(e.AtMs, e.Location, e.Tag, e.Reader, e.Gator, e.Lap);
                if (_reads.TryGetValue(identity, out var first))
                {
                    SameReads++;
                    box.Add(e.Id, first);
                    continue;
                }

                _reads[identity] = ++_lastId;
                box.Add(e.Id, _lastId);
                into.Add(new EngineEntry(_lastId, e.Kind, e.Location, e.Tag, e.AtMs, null));
                continue;
            }

            var json = e.Kind == LogKind.Void ? Renumbered(e.Raw, box) : e.Raw;
            box.Add(e.Id, ++_lastId);
            into.Add(new EngineEntry(_lastId, e.Kind, e.Location, e.Tag, e.AtMs, json));
        }
    }

    private BoxNumbers Numbers(string device, int epoch)
    {
        if (!_boxes.TryGetValue((device, epoch), out var numbers))
        {
            _boxes[(device, epoch)] = numbers = new BoxNumbers();
        }

        return numbers;
    }

    /// <summary>
    /// A void's JSON with <c>voids</c> naming the merged id of its target (as a number or a string, as the box wrote it).
    /// A target the event does not have leaves the void without one: it cancels nothing, as on the box.
    /// </summary>
    private string? Renumbered(string? raw, BoxNumbers box)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return raw;
        }

        JsonObject json;
        try
        {
            if (JsonNode.Parse(raw) is not JsonObject parsed)
            {
                return raw;
            }

            json = parsed;
        }
        catch (JsonException)
        {
            // The engine reads no field of unreadable JSON either.
            return raw;
        }

        if (json["voids"] is not JsonValue target)
        {
            return raw;
        }

        var text = target.GetValueKind() == JsonValueKind.String ? target.GetValue<string>() : target.ToJsonString();
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || box.Find(id) is not { } merged)
        {
            VoidsOfNothing++;
            json.Remove("voids");
            return json.ToJsonString();
        }

        json["voids"] = target.GetValueKind() == JsonValueKind.String
            ? JsonValue.Create(merged.ToString(CultureInfo.InvariantCulture))
            : JsonValue.Create(merged);
        return json.ToJsonString();
    }

    /// <summary>A read's identity, as the box's store has it (its unique index over read and gun rows).</summary>
    private readonly record struct ReadIdentity(long AtMs, string Location, string Tag, string Reader, int Gator, int Lap);

    /// <summary>One box log's ids and the merged ids they became, kept in id order (so found by binary search).</summary>
    private sealed class BoxNumbers
    {
        private readonly List<long> _ids = [];
        private readonly List<long> _merged = [];

        public void Add(long id, long merged)
        {
            if (_ids.Count == 0 || id > _ids[^1])
            {
                _ids.Add(id);
                _merged.Add(merged);
                return;
            }

            // Two meets of one box, each read in id order, interleave: rare, so an insert is fine.
            var at = _ids.BinarySearch(id);
            if (at < 0)
            {
                _ids.Insert(~at, id);
                _merged.Insert(~at, merged);
            }
        }

        public long? Find(long id)
        {
            var at = _ids.BinarySearch(id);
            return at >= 0 ? _merged[at] : null;
        }
    }
}
