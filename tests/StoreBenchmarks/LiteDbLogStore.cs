using LiteDB;

namespace Edge.StoreBenchmarks;

/// <summary>
/// The same log in LiteDB: one document per read under its log id, the two unique keys as unique expression
/// indexes (LiteDB 5 has no compound index), one explicit transaction per batch. The connection string sets
/// nothing but the file and the connection type: LiteDB 5 has no durability setting to raise (v4's Flush=true
/// is gone), so its defaults are its most durable.
/// </summary>
internal sealed class LiteDbLogStore : ILogStore
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _log;

    public LiteDbLogStore(string dir, bool shared, bool readOnly)
    {
        _db = new LiteDatabase(new ConnectionString
        {
            Filename = Path.Combine(dir, "edge.litedb"),
            Connection = shared ? ConnectionType.Shared : ConnectionType.Direct,
            ReadOnly = readOnly,
        });
        _log = _db.GetCollection("log", BsonAutoId.Int64);
        if (!readOnly)
        {
            _log.EnsureIndex("log_source_seq", "STRING($.source_id) + '~' + $.location + '~' + STRING($.seq)", unique: true);
            _log.EnsureIndex("log_identity", "STRING($.at_ms) + '~' + $.location + '~' + $.tag + '~' + $.reader + '~' + STRING($.gator)", unique: true);
        }
    }

    public void Append(ReadOnlySpan<ReadRecord> batch)
    {
        var docs = new BsonDocument[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            docs[i] = ToDocument(batch[i]);
        }

        _db.BeginTrans();
        try
        {
            _log.Insert(docs);
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    public bool TryInsert(ReadRecord record)
    {
        try
        {
            _log.Insert(ToDocument(record));
            return true;
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return false;
        }
    }

    public IReadOnlyList<long> NewestIds(int limit) =>
        [.. _log.Query().OrderByDescending("_id").Limit(limit).ToDocuments().Select(d => d["_id"].AsInt64)];

    public long Count() => _log.LongCount();

    public void Dispose() => _db.Dispose();

    private static BsonDocument ToDocument(in ReadRecord r) => new()
    {
        ["_id"] = r.Id,
        ["kind"] = 1,
        ["source_id"] = r.SourceId,
        ["location"] = r.Location,
        ["seq"] = r.Sequence,
        ["tag"] = r.Tag,
        ["at_ms"] = r.AtMs,
        ["lap"] = r.Lap,
        ["reader"] = r.Reader,
        ["gator"] = r.Gator,
        ["received_ms"] = r.ReceivedMs,
        ["raw"] = r.Raw,
    };
}
