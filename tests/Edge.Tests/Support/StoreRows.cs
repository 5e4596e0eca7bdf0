using Edge.Store;
using Microsoft.Data.Sqlite;

namespace Edge.Tests.Support;

/// <summary>Log entries and SQL for store tests: one read as a controller would send it, a correction as the console writes it, and plain statements on a connection.</summary>
public static class StoreRows
{
    public static NewLogEntry Read(long source, string location, long seq, string tag, long atMs, int lap = 1, string reader = "0F2A38", int gator = 1) =>
        new(LogKind.Read, source, location, seq, tag, atMs, lap, reader, gator, 0, $"CT01_33~{seq}~{location}~{tag}~{atMs}~{lap}~{reader}~{gator}");

    /// <summary>A timer's correction as the console appends it: <paramref name="json"/> holds its fields (and who and when).</summary>
    public static NewLogEntry Correction(long source, long seq, LogKind kind, string tag, string json, string location = "", long atMs = 0) =>
        new(kind, source, location, seq, tag, atMs, 0, "", 0, 0, json);

    public static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
