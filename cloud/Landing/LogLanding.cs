using Edge.Cloud.Intake;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Cloud.Landing;

public enum LandingOutcome
{
    /// <summary>Stored (new entries, a filled gap, or nothing new: a repeat), committed; the message may be acknowledged.</summary>
    Landed,

    /// <summary>The box's earlier entries have not landed yet: nothing was written; try again shortly.</summary>
    Ahead,

    /// <summary>The batch contradicts entries already stored under the same ids: nothing was written; keep it aside.</summary>
    Conflict,
}

/// <summary>What one landing did.</summary>
public sealed record Landed(LandingOutcome Outcome, int Inserted, int Repeated, long Watermark, int Epoch, (long First, long Last)? Gap = null);

/// <summary>
/// Lands a box's batches in PostgreSQL, exactly once and in order per box, whichever instance holds which message.
/// Each batch is one transaction that locks the box's row: entries go in with <c>ON CONFLICT DO NOTHING</c> (repeats
/// after a reconnect change nothing), and the box's watermark, the highest id below which everything has landed,
/// moves only over contiguous ids. A batch beyond the watermark is refused as <see cref="LandingOutcome.Ahead"/>
/// until its predecessors land, or until the caller forces it (the hole is then recorded in <c>box_gaps</c> and
/// closed when the missing entries come). A box whose log was replaced (docs/SYNC.md, "New log") shows as a batch
/// from id 1 whose entries differ from those stored: the box starts a new epoch.
/// </summary>
public sealed class LogLanding(NpgsqlDataSource database)
{
    // One statement stores the entries and moves the box on: the entries new to the cloud are counted as they go in.
    private const string InsertEntries = """
        WITH inserted AS (
            INSERT INTO log_entries (device, epoch, id, kind, meet, source, source_id, location, seq, tag, at_ms, lap, reader, gator, received_ms, raw)
            SELECT $1, $2, u.* FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[],
                                          $10::text[], $11::bigint[], $12::integer[], $13::text[], $14::integer[], $15::bigint[], $16::text[]) AS u
            ORDER BY 3
            ON CONFLICT (device, epoch, id) DO NOTHING
            RETURNING 1)
        UPDATE boxes SET watermark = greatest(watermark, $17), highest = greatest(highest, $17),
                         entries = entries + (SELECT count(*) FROM inserted),
                         repeats = repeats + $18 - (SELECT count(*) FROM inserted),
                         batches = batches + $19, last_seen = now()
        WHERE device = $1
        RETURNING (SELECT count(*) FROM inserted)
        """;

    private const string CountDifferent = """
        SELECT count(*) FROM log_entries e JOIN unnest($3::bigint[], $4::text[], $11::bigint[], $16::text[]) AS u(id, kind, at_ms, raw)
          ON e.device = $1 AND e.epoch = $2 AND e.id = u.id
        WHERE e.kind <> u.kind OR e.at_ms <> u.at_ms OR e.raw <> u.raw
        """;

    /// <summary>
    /// Lands one batch, or several of one box's batches joined into one (<paramref name="messages"/> of them), in one
    /// transaction: three round trips to the database whatever the size.
    /// </summary>
    public async Task<Landed> LandAsync(SyncBatch batch, bool force, CancellationToken cancel, int messages = 1)
    {
        await using var connection = await database.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        var (epoch, watermark) = await LockBoxAsync(connection, transaction, batch.Device, cancel).ConfigureAwait(false);
        if (batch.First > watermark + 1 && !force)
        {
            return new Landed(LandingOutcome.Ahead, 0, 0, watermark, epoch);
        }

        var columns = Columns(batch);
        int inserted;
        await using (var insert = Command(connection, transaction, InsertEntries, batch.Device, epoch, columns))
        {
            Add(insert, batch.Last, (long)batch.Count, (long)messages);
            inserted = (int)(long)(await insert.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
        }

        if (inserted < batch.Count)
        {
            await using var compare = Command(connection, transaction, CountDifferent, batch.Device, epoch, columns);
            var different = (long)(await compare.ExecuteScalarAsync(cancel).ConfigureAwait(false))!;
            if (different > 0)
            {
                await transaction.RollbackAsync(cancel).ConfigureAwait(false);
                return batch.First == 1
                    ? await StartEpochAsync(batch, epoch, cancel).ConfigureAwait(false)
                    : new Landed(LandingOutcome.Conflict, 0, 0, watermark, epoch);
            }
        }

        (long, long)? gap = batch.First > watermark + 1 ? (watermark + 1, batch.First - 1) : null;
        if (gap is { } hole)
        {
            await using var record = new NpgsqlCommand(
                "INSERT INTO box_gaps (device, epoch, first_id, last_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", connection, transaction);
            Add(record, batch.Device, epoch, hole.Item1, hole.Item2);
            await record.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }
        else if (batch.First <= watermark && inserted > 0)
        {
            await CloseGapsAsync(connection, transaction, batch, epoch, cancel).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancel).ConfigureAwait(false);
        return new Landed(LandingOutcome.Landed, inserted, batch.Count - inserted, Math.Max(watermark, batch.Last), epoch, gap);
    }

    /// <summary>The box's log was replaced: its entries from now on are a new epoch, starting at id 1.</summary>
    private async Task<Landed> StartEpochAsync(SyncBatch batch, int epoch, CancellationToken cancel)
    {
        await using (var connection = await database.OpenConnectionAsync(cancel).ConfigureAwait(false))
        {
            await using var next = new NpgsqlCommand(
                "UPDATE boxes SET epoch = epoch + 1, watermark = 0, highest = 0 WHERE device = $1 AND epoch = $2", connection);
            Add(next, batch.Device, epoch);
            await next.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }

        return await LandAsync(batch, force: false, cancel).ConfigureAwait(false);
    }

    /// <summary>Late entries arrived inside recorded gaps: shrink or split those gaps around them.</summary>
    private static async Task CloseGapsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SyncBatch batch, int epoch, CancellationToken cancel)
    {
        var overlapping = new List<(long First, long Last)>();
        await using (var find = new NpgsqlCommand(
            "DELETE FROM box_gaps WHERE device = $1 AND epoch = $2 AND first_id <= $4 AND last_id >= $3 RETURNING first_id, last_id", connection, transaction))
        {
            Add(find, batch.Device, epoch, batch.First, batch.Last);
            await using var reader = await find.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            {
                overlapping.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        foreach (var (first, last) in overlapping)
        {
            foreach (var (from, to) in new[] { (first, batch.First - 1), (batch.Last + 1, last) })
            {
                if (from <= to)
                {
                    await using var keep = new NpgsqlCommand(
                        "INSERT INTO box_gaps (device, epoch, first_id, last_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", connection, transaction);
                    Add(keep, batch.Device, epoch, from, to);
                    await keep.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Makes the box's row when it is new and locks it: instances landing the same box take turns.</summary>
    private static async Task<(int Epoch, long Watermark)> LockBoxAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string device, CancellationToken cancel)
    {
        await using var select = new NpgsqlCommand("""
            INSERT INTO boxes AS b (device) VALUES ($1) ON CONFLICT (device) DO UPDATE SET last_seen = now() RETURNING b.epoch, b.watermark
            """, connection, transaction);
        Add(select, device);
        await using var reader = await select.ExecuteReaderAsync(cancel).ConfigureAwait(false);
        await reader.ReadAsync(cancel).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt64(1));
    }

    private sealed record EntryColumns(
        long[] Ids, string[] Kinds, string[] Meets, string[] Sources, long[] SourceIds, string[] Locations, long[] Seqs, string[] Tags,
        long[] AtMs, int[] Laps, string[] Readers, int[] Gators, long[] ReceivedMs, string[] Raws);

    private static EntryColumns Columns(SyncBatch batch)
    {
        var n = batch.Items.Count;
        var c = new EntryColumns(new long[n], new string[n], new string[n], new string[n], new long[n], new string[n], new long[n], new string[n],
            new long[n], new int[n], new string[n], new int[n], new long[n], new string[n]);
        for (var i = 0; i < n; i++)
        {
            var item = batch.Items[i];
            c.Ids[i] = item.Id;
            c.Kinds[i] = Text(item.Kind);
            c.Meets[i] = Text(item.Meet);
            c.Sources[i] = Text(item.Source);
            c.SourceIds[i] = item.SourceId;
            c.Locations[i] = Text(item.Location);
            c.Seqs[i] = item.Seq;
            c.Tags[i] = Text(item.Tag);
            c.AtMs[i] = item.AtMs;
            c.Laps[i] = item.Lap;
            c.Readers[i] = Text(item.Reader);
            c.Gators[i] = item.Gator;
            c.ReceivedMs[i] = item.ReceivedMs;
            c.Raws[i] = Text(item.Raw);
        }

        return c;
    }

    /// <summary>PostgreSQL's text holds no NUL character; a raw line that carried one keeps a visible stand-in (U+2400).</summary>
    private static string Text(string? value) => value is null ? "" : value.Contains('\0') ? value.Replace('\0', '\u2400') : value;

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string device, int epoch, EntryColumns c)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        Add(command, device, epoch);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = c.Ids });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Kinds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Meets });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Sources });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = c.SourceIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Locations });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = c.Seqs });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Tags });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = c.AtMs });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = c.Laps });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Readers });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = c.Gators });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = c.ReceivedMs });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = c.Raws });
        return command;
    }

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                string s => new NpgsqlParameter { Value = s, NpgsqlDbType = NpgsqlDbType.Text },
                int i => new NpgsqlParameter<int> { TypedValue = i },
                long l => new NpgsqlParameter<long> { TypedValue = l },
                _ => throw new ArgumentException($"unsupported parameter {value.GetType()}"),
            });
        }
    }
}
