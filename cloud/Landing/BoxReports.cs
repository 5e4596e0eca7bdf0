using Edge.Cloud.Intake;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Cloud.Landing;

/// <summary>What boxes say about themselves (status, snapshots), and messages that could not be read, kept aside.</summary>
public sealed class BoxReports(NpgsqlDataSource database)
{
    public async Task StatusAsync(SyncStatus status, CancellationToken cancel)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO boxes AS b (device, reported_state, reported_at, reported_watermark, reported_last_id, reported_pending)
            VALUES ($1, $2, now(), $3, $4, $5)
            ON CONFLICT (device) DO UPDATE SET reported_state = excluded.reported_state, reported_at = now(),
                reported_watermark = coalesce(excluded.reported_watermark, b.reported_watermark),
                reported_last_id = coalesce(excluded.reported_last_id, b.reported_last_id),
                reported_pending = coalesce(excluded.reported_pending, b.reported_pending),
                last_seen = now()
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status.Device });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status.State });
        command.Parameters.Add(Nullable(status.Watermark));
        command.Parameters.Add(Nullable(status.LastLogId));
        command.Parameters.Add(Nullable(status.Pending));
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Keeps the newest snapshot per box and topic; an older one arriving late changes nothing.</summary>
    public async Task SnapshotAsync(SyncSnapshot snapshot, CancellationToken cancel)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO snapshots AS s (device, topic, at, data) VALUES ($1, $2, $3, $4)
            ON CONFLICT (device, topic) DO UPDATE SET at = excluded.at, data = excluded.data, received = now()
            WHERE s.at IS NULL OR excluded.at IS NULL OR excluded.at >= s.at
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Device });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.Topic });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)snapshot.At ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.Data.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    public async Task RejectedAsync(string topic, string reason, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        await using var command = database.CreateCommand("INSERT INTO rejected_messages (topic, reason, size, payload) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic.Replace('\0', '\u2400') });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason.Replace('\0', '\u2400') });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = payload.Length });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = payload[..Math.Min(payload.Length, CloudDatabase.RejectedPayloadBytes)].ToArray() });
        await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
    }

    private static NpgsqlParameter Nullable(long? value) =>
        new() { Value = value is { } v ? v : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };
}
