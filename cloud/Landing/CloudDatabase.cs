using Npgsql;

namespace Edge.Cloud.Landing;

/// <summary>
/// The cloud's PostgreSQL schema, made (idempotently) by whichever instance starts first. Every box's log lands in
/// <c>log_entries</c>, keyed as docs/SYNC.md keys it: the device, the log's epoch (a box given a fresh log starts its
/// ids at 1 again) and the log id. <c>landed</c> numbers rows in the order they were committed, so "in order per box"
/// can be checked, not assumed.
/// </summary>
public static class CloudDatabase
{
    // Any fixed number: instances starting together make the schema one at a time.
    private const long SchemaLock = 0x6564_6765_636c_6f75;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS boxes (
            device              text PRIMARY KEY,
            epoch               integer NOT NULL DEFAULT 1,
            watermark           bigint NOT NULL DEFAULT 0,
            highest             bigint NOT NULL DEFAULT 0,
            entries             bigint NOT NULL DEFAULT 0,
            repeats             bigint NOT NULL DEFAULT 0,
            batches             bigint NOT NULL DEFAULT 0,
            first_seen          timestamptz NOT NULL DEFAULT now(),
            last_seen           timestamptz NOT NULL DEFAULT now(),
            reported_state      text,
            reported_at         timestamptz,
            reported_watermark  bigint,
            reported_last_id    bigint,
            reported_pending    bigint
        );
        CREATE TABLE IF NOT EXISTS log_entries (
            device       text NOT NULL,
            epoch        integer NOT NULL,
            id           bigint NOT NULL,
            kind         text NOT NULL,
            meet         text NOT NULL,
            source       text NOT NULL,
            source_id    bigint NOT NULL,
            location     text NOT NULL,
            seq          bigint NOT NULL,
            tag          text NOT NULL,
            at_ms        bigint NOT NULL,
            lap          integer NOT NULL,
            reader       text NOT NULL,
            gator        integer NOT NULL,
            received_ms  bigint NOT NULL,
            raw          text NOT NULL,
            landed       bigint GENERATED ALWAYS AS IDENTITY,
            landed_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device, epoch, id)
        );
        CREATE INDEX IF NOT EXISTS log_entries_meet ON log_entries (meet, device, epoch, id);
        CREATE TABLE IF NOT EXISTS box_gaps (
            device   text NOT NULL,
            epoch    integer NOT NULL,
            first_id bigint NOT NULL,
            last_id  bigint NOT NULL,
            noticed  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device, epoch, first_id)
        );
        CREATE TABLE IF NOT EXISTS snapshots (
            device    text NOT NULL,
            topic     text NOT NULL,
            at        text,
            data      jsonb NOT NULL,
            received  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (device, topic)
        );
        CREATE TABLE IF NOT EXISTS rejected_messages (
            id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            topic     text NOT NULL,
            reason    text NOT NULL,
            size      integer NOT NULL,
            payload   bytea NOT NULL,
            received  timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>A rejected message keeps at most this much of what was sent, enough to see what went wrong.</summary>
    public const int RejectedPayloadBytes = 64 * 1024;

    public static async Task EnsureSchemaAsync(NpgsqlDataSource database, CancellationToken cancel)
    {
        await using var connection = await database.OpenConnectionAsync(cancel).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancel).ConfigureAwait(false);
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            locking.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLock });
            await locking.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(Schema, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancel).ConfigureAwait(false);
    }
}
