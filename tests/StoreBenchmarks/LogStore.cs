namespace Edge.StoreBenchmarks;

/// <summary>The engines and connection types compared.</summary>
internal enum Engine
{
    Sqlite,
    LiteDbDirect,
    LiteDbShared,
}

/// <summary>
/// The part of the store the comparison needs: append a batch of reads in one durable transaction, and from
/// another process, read the newest ones and count them.
/// </summary>
internal interface ILogStore : IDisposable
{
    /// <summary>Appends the batch in one transaction; returns once the engine reports it committed.</summary>
    void Append(ReadOnlySpan<ReadRecord> batch);

    /// <summary>Reads the newest <paramref name="limit"/> records, newest first, and returns their ids.</summary>
    IReadOnlyList<long> NewestIds(int limit);

    /// <summary>Number of stored records.</summary>
    long Count();

    /// <summary>
    /// Stores <paramref name="record"/> outside the batch path and reports whether it was stored; false when a
    /// unique key rejected it.
    /// </summary>
    bool TryInsert(ReadRecord record);
}

internal static class LogStores
{
    public static string Name(this Engine engine) => engine switch
    {
        Engine.Sqlite => "sqlite",
        Engine.LiteDbDirect => "litedb-direct",
        Engine.LiteDbShared => "litedb-shared",
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    public static Engine Parse(string name) => Enum.GetValues<Engine>().Single(e => e.Name() == name);

    public static string Label(this Engine engine) => engine switch
    {
        Engine.Sqlite => "SQLite (WAL, synchronous=FULL)",
        Engine.LiteDbDirect => "LiteDB 5.0.21 (Connection=Direct)",
        Engine.LiteDbShared => "LiteDB 5.0.21 (Connection=Shared)",
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    /// <summary>Opens the store in <paramref name="dir"/> for writing, creating its schema.</summary>
    public static ILogStore OpenWriter(Engine engine, string dir) => engine switch
    {
        Engine.Sqlite => SqliteLogStore.OpenWriter(dir),
        Engine.LiteDbDirect => new LiteDbLogStore(dir, shared: false, readOnly: false),
        Engine.LiteDbShared => new LiteDbLogStore(dir, shared: true, readOnly: false),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    /// <summary>Opens the store in <paramref name="dir"/> as a second process does while the writer runs.</summary>
    public static ILogStore OpenReader(Engine engine, string dir) => engine switch
    {
        Engine.Sqlite => SqliteLogStore.OpenReader(dir),
        // Another process can only read a LiteDB file through a Shared connection; read-only, as SQLite's reader.
        Engine.LiteDbDirect or Engine.LiteDbShared => new LiteDbLogStore(dir, shared: true, readOnly: true),
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };
}
