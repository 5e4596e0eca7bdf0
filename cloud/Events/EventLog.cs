using Edge.Store;
using Npgsql;

namespace Edge.Cloud.Events;

/// <summary>
/// Reads an event's boxes' entries from <c>log_entries</c> as they land, merged into one order: each box's entries in
/// its own log order (epoch, then id), boxes interleaved by the order the cloud committed them (<c>landed</c>). Only
/// what a box has landed without a hole is read: up to its watermark and short of its first recorded gap
/// (docs/SYNC.md, "No gaps"), so a box's corrections always come after the entries they refer to and nothing is
/// skipped when a late batch fills a gap. Not thread-safe: one reader per event.
/// </summary>
public sealed class EventLog(NpgsqlDataSource database, IReadOnlyList<EventBox> boxes)
{
    // Only what the engine applies: display designs and result lists stay in the database.
    private const string Entries = """
        SELECT epoch, id, kind, location, tag, at_ms, lap, reader, gator, CASE WHEN kind IN ('read', 'gun') THEN NULL ELSE raw END, landed
        FROM log_entries
        WHERE meet = $1 AND device = $2 AND (epoch, id) > ($3, $4) AND (epoch < $5 OR id <= $6)
          AND kind IN ('read', 'gun', 'dnf', 'dq', 'manualTime', 'gunTime', 'bibSwap', 'void', 'registration')
        ORDER BY epoch, id
        LIMIT $7
        """;

    // Where each box has landed to without a hole: its watermark, or just short of its first gap in the current log.
    private const string Bounds = """
        SELECT b.device, b.epoch, least(b.watermark,
               coalesce((SELECT min(g.first_id) - 1 FROM box_gaps g WHERE g.device = b.device AND g.epoch = b.epoch), b.watermark))
        FROM boxes b WHERE b.device = ANY($1)
        """;

    private static readonly Dictionary<string, LogKind> Kinds = Enum.GetValues<LogKind>().ToDictionary(k => k.Name(), StringComparer.Ordinal);

    private readonly Box[] _boxes = [.. boxes.Select(b => new Box(b))];
    private readonly string[] _devices = [.. boxes.Select(b => b.Device).Distinct(StringComparer.Ordinal)];

    /// <summary>Per box: the last entry read (epoch, id) and where its landed entries end (epoch, id).</summary>
    public IReadOnlyList<(EventBox Box, int Epoch, long ReadTo, long LandedTo)> Progress =>
        [.. _boxes.Select(b => (b.Definition, b.Epoch, b.ReadId, b.BoundId))];

    /// <summary>
    /// Reads everything landed since the last call, in pages of at most <paramref name="pageSize"/> rows per box, and
    /// hands it on in merged order, a chunk at a time. Returns how many entries were handed on.
    /// </summary>
    public async Task<long> ReadAsync(int pageSize, Action<List<LandedEntry>> take, CancellationToken cancel)
    {
        await using var connection = await database.OpenConnectionAsync(cancel).ConfigureAwait(false);
        if (!await ReadBoundsAsync(connection, cancel).ConfigureAwait(false))
        {
            return 0;
        }

        long handed = 0;
        var chunk = new List<LandedEntry>(pageSize);
        while (true)
        {
            foreach (var box in _boxes)
            {
                if (box.Pending.Count == 0 && box.HasMore)
                {
                    await FetchAsync(connection, box, pageSize, cancel).ConfigureAwait(false);
                }
            }

            // The box whose next entry landed first goes next; when a box that may have more runs dry, read it again.
            while (true)
            {
                Box? next = null;
                foreach (var box in _boxes)
                {
                    if (box.Pending.Count > 0 && (next is null || box.Pending.Peek().Landed < next.Pending.Peek().Landed))
                    {
                        next = box;
                    }
                }

                if (next is null)
                {
                    break;
                }

                chunk.Add(next.Pending.Dequeue());
                if (next.Pending.Count == 0 && next.HasMore)
                {
                    break;
                }
            }

            if (chunk.Count == 0)
            {
                return handed;
            }

            handed += chunk.Count;
            take(chunk);
            chunk = new List<LandedEntry>(pageSize);
        }
    }

    /// <summary>Reads each box's landed bound; false when no box has anything new.</summary>
    private async Task<bool> ReadBoundsAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(Bounds, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _devices });
        var any = false;
        await using var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        while (await reader.ReadAsync(cancel).ConfigureAwait(false))
        {
            var device = reader.GetString(0);
            var epoch = reader.GetInt32(1);
            var bound = reader.GetInt64(2);
            foreach (var box in _boxes)
            {
                if (box.Definition.Device == device)
                {
                    (box.BoundEpoch, box.BoundId) = (epoch, bound);
                    box.HasMore = (epoch, bound).CompareTo((box.ScannedEpoch, box.ScannedId)) > 0;
                    any |= box.HasMore || box.Pending.Count > 0;
                }
            }
        }

        return any;
    }

    private static async Task FetchAsync(NpgsqlConnection connection, Box box, int pageSize, CancellationToken cancel)
    {
        await using var command = new NpgsqlCommand(Entries, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = box.Definition.Meet });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = box.Definition.Device });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = box.Epoch });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = box.ReadId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = box.BoundEpoch });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = box.BoundId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            {
                rows++;
                var entry = new LandedEntry(
                    box.Definition.Device, reader.GetInt32(0), reader.GetInt64(1), Kinds[reader.GetString(2)], box.Shared(reader.GetString(3)),
                    reader.GetString(4), reader.GetInt64(5), reader.GetInt32(6), box.Shared(reader.GetString(7)), reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetInt64(10));
                box.Pending.Enqueue(entry);
                (box.Epoch, box.ReadId) = (entry.Epoch, entry.Id);
            }
        }

        if (rows < pageSize)
        {
            box.HasMore = false;
            // Everything up to the bound has been looked at (other meets' entries are not read at all): start after it.
            (box.Epoch, box.ReadId) = (box.BoundEpoch, box.BoundId);
            (box.ScannedEpoch, box.ScannedId) = (box.BoundEpoch, box.BoundId);
        }
    }

    private sealed class Box(EventBox definition)
    {
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

        public EventBox Definition { get; } = definition;
        public Queue<LandedEntry> Pending { get; } = new();

        /// <summary>The last entry read (or position looked at) in this box's log.</summary>
        public int Epoch { get; set; } = 1;
        public long ReadId { get; set; }

        public int ScannedEpoch { get; set; } = 1;
        public long ScannedId { get; set; }

        public int BoundEpoch { get; set; } = 1;
        public long BoundId { get; set; }
        public bool HasMore { get; set; }

        /// <summary>A handful of locations and readers per box: one string each rather than one per read.</summary>
        public string Shared(string text)
        {
            if (!_strings.TryGetValue(text, out var shared))
            {
                _strings[text] = shared = text;
            }

            return shared;
        }
    }
}
