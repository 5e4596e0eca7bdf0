using Edge.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Edge.Cloud.Tests.Support;

/// <summary>What the cloud's database holds for a box, read straight from PostgreSQL, and what the box's own log holds.</summary>
public sealed class CloudRows(string connectionString)
{
    public long Count(string device) => Scalar("SELECT count(*) FROM log_entries WHERE device = $1", device);

    public long Distinct(string device) => Scalar("SELECT count(DISTINCT (epoch, id)) FROM log_entries WHERE device = $1", device);

    public long MaxId(string device) => Scalar("SELECT coalesce(max(id), 0) FROM log_entries WHERE device = $1", device);

    public long Watermark(string device) => Scalar("SELECT coalesce(max(watermark), 0) FROM boxes WHERE device = $1", device);

    public long Gaps(string device) => Scalar("SELECT count(*) FROM box_gaps WHERE device = $1", device);

    public long Rejected() => Scalar("SELECT count(*) FROM rejected_messages");

    /// <summary>Why messages were kept aside, as "topic: reason" lines.</summary>
    public string RejectedReasons()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT topic, reason, count(*) FROM rejected_messages GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10", connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetString(0)}: {reader.GetString(1)} ({reader.GetInt64(2)})");
        }

        return string.Join("\n", rows);
    }

    /// <summary>Rows committed after a row with a higher id of the same box: 0 when the box's entries landed in its order.</summary>
    public long OutOfOrder(string device) => Scalar("""
        SELECT count(*) FROM (SELECT id, lag(id) OVER (ORDER BY landed) AS before FROM log_entries WHERE device = $1) t
        WHERE before IS NOT NULL AND id <= before
        """, device);

    /// <summary>The first rows that landed after a higher id of the same box, as "id after before (epoch, landed)".</summary>
    public string OutOfOrderRows(string device)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("""
            SELECT id, before, epoch, landed, landed_at FROM (SELECT id, epoch, landed, landed_at, lag(id) OVER (ORDER BY landed) AS before
                                        FROM log_entries WHERE device = $1) t
            WHERE before IS NOT NULL AND id <= before ORDER BY landed LIMIT 20
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = device });
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetInt64(0)} after {reader.GetInt64(1)} (epoch {reader.GetInt32(2)}, landed {reader.GetInt64(3)} at {reader.GetDateTime(4):HH:mm:ss.fff})");
        }

        return string.Join("; ", rows);
    }

    /// <summary>Ids and their content, in id order: "id|kind|tag|atMs|raw" per entry.</summary>
    public IReadOnlyList<string> Entries(string device)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT id, kind, tag, at_ms, raw FROM log_entries WHERE device = $1 ORDER BY epoch, id", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = device });
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetInt64(0)}|{reader.GetString(1)}|{reader.GetString(2)}|{reader.GetInt64(3)}|{reader.GetString(4)}");
        }

        return rows;
    }

    /// <summary>The box's log as the cloud should hold it, from its edge.db.</summary>
    public static IReadOnlyList<string> BoxLog(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "edge.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, tag, at_ms, raw FROM log ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetInt64(0)}|{((LogKind)reader.GetInt32(1)).Name()}|{reader.GetString(2)}|{reader.GetInt64(3)}|{reader.GetString(4)}");
        }

        return rows;
    }

    public long Scalar(string sql, params object[] values)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A count that is read while the database may be down: -1 then.</summary>
    public long TryCount(string device)
    {
        try
        {
            return Count(device);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            return -1;
        }
    }

    private NpgsqlConnection Open()
    {
        // Not from a pool: the tests crash the database, which breaks pooled connections.
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        connection.Open();
        return connection;
    }
}
