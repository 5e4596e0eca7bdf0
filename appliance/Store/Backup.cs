using System.IO.Compression;
using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Store;
using Microsoft.Data.Sqlite;

namespace Edge.Appliance.Store;

/// <summary>
/// A backup of the box as one zip: <c>edge.db</c> as it stood at one instant, the meet folder under <c>meet/</c>, and
/// <c>backup.json</c> saying what the copy holds. The database is copied with SQLite's online backup API from a
/// read connection of its own: a WAL reader sees one committed snapshot and never blocks the writer, so ingest keeps
/// committing while the copy is taken. The copy goes to a temp file in the data folder (the card must have room for
/// it), is streamed into the zip and deleted. One backup runs at a time; a second waits for the first.
/// </summary>
public sealed partial class BoxBackup(ReadStore store, MeetHost meetHost, TimeProvider time, ILogger<BoxBackup> logger)
{
    public const string DatabaseEntry = EdgeDatabase.FileName;
    public const string ManifestEntry = "backup.json";
    public const string MeetPrefix = "meet/";

    /// <summary>A meet folder holds a few small files; anything bigger is not the meet's and is left out.</summary>
    public const long MaxMeetFileBytes = 16 * 1024 * 1024;

    /// <summary>Most bytes and files taken from the meet folder in all.</summary>
    public const long MaxMeetBytes = 64 * 1024 * 1024;
    public const int MaxMeetFiles = 1_000;

    /// <summary>How deep below the meet folder files are looked for.</summary>
    public const int MaxMeetDepth = 4;

    private const string CopyPrefix = "backup-";
    private const string CopySuffix = ".db.tmp";

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>A name for the download: the meet and the box's time, e.g. <c>edge-backup-lakeside-20260502-0815.zip</c>.</summary>
    public string DownloadName()
    {
        var key = new string([.. store.Meet.Key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]).Trim('-');
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        return key.Length > 0 ? $"edge-backup-{key}-{stamp}.zip" : $"edge-backup-{stamp}.zip";
    }

    /// <summary>Writes the backup zip to <paramref name="output"/> (which need not seek, such as a response body).</summary>
    public async Task WriteZipAsync(Stream output, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct).ConfigureAwait(false);
        var dataDir = Path.GetDirectoryName(store.DatabasePath)!;
        var copyPath = Path.Combine(dataDir, $"{CopyPrefix}{Guid.NewGuid():N}{CopySuffix}");
        try
        {
            DeleteLeftovers(dataDir);
            var started = time.GetTimestamp();
            // SQLite's backup runs synchronously: off the request's thread, as one bounded piece of work.
            var copy = await Task.Run(() => CopyDatabase(dataDir, copyPath), ct).ConfigureAwait(false);
            var copied = time.GetElapsedTime(started);
            var meetFiles = MeetFiles(dataDir);
            var manifest = new BackupManifest(
                time.GetUtcNow(), copy.MeetKey, copy.MeetId, copy.LastLogId, copy.Reads, EdgeDatabase.SchemaVersion, copy.Bytes,
                meetHost.Directory, [.. meetFiles.Taken.Select(f => f.Name)], meetFiles.Skipped);

            var forward = new AsyncOnlyStream(output);
            var zip = await ZipArchive.CreateAsync(forward, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct).ConfigureAwait(false);
            await using (zip.ConfigureAwait(false))
            {
                await WriteEntryAsync(zip, ManifestEntry, CompressionLevel.Optimal, entry => JsonSerializer.SerializeAsync(entry, manifest, ManifestJson, ct), ct).ConfigureAwait(false);
                await WriteFileAsync(zip, DatabaseEntry, copyPath, ct).ConfigureAwait(false);
                foreach (var file in meetFiles.Taken)
                {
                    await WriteFileAsync(zip, MeetPrefix + file.Name, file.Path, ct).ConfigureAwait(false);
                }
            }

            await forward.FlushAsync(ct).ConfigureAwait(false);
            LogWritten(copy.Bytes, copy.LastLogId, copy.Reads, meetFiles.Taken.Count, meetFiles.Skipped.Count,
                copied.TotalMilliseconds, time.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            DeleteCopy(copyPath);
            _oneAtATime.Release();
        }
    }

    /// <summary>Copies the live database into <paramref name="copyPath"/> and reads from the copy what it holds.</summary>
    private static DatabaseCopy CopyDatabase(string dataDir, string copyPath)
    {
        using (var source = EdgeDatabase.OpenReader(dataDir))
        using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = copyPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString()))
        {
            copy.Open();
            // A scratch file: no journal and no fsync; it is deleted once streamed.
            Execute(copy, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
            // One step over all pages: the whole copy is read inside one read transaction, so it is one snapshot.
            source.BackupDatabase(copy);
            using var meet = copy.CreateCommand();
            // The open meet is the one opened last, as the writer finds it at start (LogWriter.LastMeet).
            meet.CommandText = """
                SELECT m.id, m.key, (SELECT COALESCE(MAX(id), 0) FROM log), (SELECT COALESCE(SUM(reads), 0) FROM locations WHERE meet_id = m.id)
                FROM meets m ORDER BY m.open_seq DESC, m.id DESC LIMIT 1
                """;
            using var reader = meet.ExecuteReader();
            if (reader.Read())
            {
                return new DatabaseCopy(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), new FileInfo(copyPath).Length);
            }
        }

        return new DatabaseCopy(0, "", 0, 0, new FileInfo(copyPath).Length);
    }

    /// <summary>
    /// The meet folder's files, bounded: links are never followed (nothing outside the folder can be pulled in), files
    /// over <see cref="MaxMeetFileBytes"/> and the database's own files (when the meet folder holds the data folder) are
    /// left out and named in <c>backup.json</c>.
    /// </summary>
    private (List<MeetFile> Taken, List<SkippedFile> Skipped) MeetFiles(string dataDir)
    {
        var taken = new List<MeetFile>();
        var skipped = new List<SkippedFile>();
        if (meetHost.Directory is not { } dir || !Directory.Exists(dir))
        {
            return (taken, skipped);
        }

        var dataRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDir));
        var total = 0L;
        var folders = new Queue<(DirectoryInfo Folder, string Prefix, int Depth)>();
        folders.Enqueue((new DirectoryInfo(dir), "", 0));
        while (folders.TryDequeue(out var next))
        {
            FileSystemInfo[] entries;
            try
            {
                entries = [.. next.Folder.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                skipped.Add(new SkippedFile(next.Prefix.TrimEnd('/'), "unreadable"));
                continue;
            }

            foreach (var entry in entries)
            {
                var name = next.Prefix + entry.Name;
                var reason = Refusal(entry, next.Depth);
                if (reason is null && entry is DirectoryInfo folder)
                {
                    folders.Enqueue((folder, name + "/", next.Depth + 1));
                }
                else if (reason is null && entry is FileInfo file)
                {
                    reason = taken.Count >= MaxMeetFiles || total + file.Length > MaxMeetBytes ? "folderTooBig" : null;
                    if (reason is null)
                    {
                        taken.Add(new MeetFile(name, file.FullName));
                        total += file.Length;
                    }
                }

                if (reason is not null)
                {
                    skipped.Add(new SkippedFile(name, reason));
                }
            }
        }

        return (taken, skipped);

        string? Refusal(FileSystemInfo entry, int depth) => entry switch
        {
            _ when entry.LinkTarget is not null => "link",
            // A meet folder that holds the data folder: the database is in the backup already, as one snapshot.
            DirectoryInfo when Path.TrimEndingDirectorySeparator(entry.FullName) == dataRoot => "dataFolder",
            FileInfo file when file.DirectoryName == dataRoot
                && (file.Name.StartsWith(EdgeDatabase.FileName, StringComparison.Ordinal) || file.Name.StartsWith(CopyPrefix, StringComparison.Ordinal)) => "dataFolder",
            DirectoryInfo when depth >= MaxMeetDepth => "tooDeep",
            DirectoryInfo => null,
            FileInfo file when file.Length > MaxMeetFileBytes => "tooBig",
            FileInfo => null,
            _ => "notAFile",
        };
    }

    private static async Task WriteFileAsync(ZipArchive zip, string name, string path, CancellationToken ct)
    {
        // A meet file may be edited or removed meanwhile: what is there now is taken, and a vanished file is an empty entry.
        FileStream? file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) when (name != DatabaseEntry)
        {
            file = null;
        }

        await using (file)
        {
            await WriteEntryAsync(zip, name, CompressionLevel.Fastest, entry => file?.CopyToAsync(entry, ct) ?? Task.CompletedTask, ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, CompressionLevel level, Func<Stream, Task> write, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, level);
        var stream = await entry.OpenAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await write(stream).ConfigureAwait(false);
        }
    }

    /// <summary>Copies a box stopped mid-backup left behind (a power cut); only one backup runs at a time, so none is in use.</summary>
    private void DeleteLeftovers(string dataDir)
    {
        foreach (var leftover in Directory.EnumerateFiles(dataDir, CopyPrefix + "*" + CopySuffix + "*"))
        {
            LogLeftover(leftover);
            DeleteCopy(leftover);
        }
    }

    private void DeleteCopy(string path)
    {
        try
        {
            File.Delete(path);
            File.Delete(path + "-journal");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotDeleted(e, path);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Hands a forward-only output (a response body, where Kestrel refuses synchronous writes) only asynchronous
    /// writes. A zip entry closes synchronously even from <c>DisposeAsync</c> (the deflater's last block and the entry's
    /// sizes, a few KiB): those bytes wait here and go out with the next asynchronous write or flush.
    /// </summary>
    private sealed class AsyncOnlyStream(Stream output) : Stream
    {
        private readonly MemoryStream _pending = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await WritePendingAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Nothing synchronous reaches the output; a synchronous flush leaves the bytes for the next asynchronous one.</summary>
        public override void Flush()
        {
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await WritePendingAsync(cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task WritePendingAsync(CancellationToken cancellationToken)
        {
            if (_pending.Length == 0)
            {
                return;
            }

            await output.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken).ConfigureAwait(false);
            _pending.SetLength(0);
        }
    }

    private sealed record DatabaseCopy(long MeetId, string MeetKey, long LastLogId, long Reads, long Bytes);

    private sealed record MeetFile(string Name, string Path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup written: edge.db {Bytes} bytes up to log id {LastLogId} ({Reads} reads in the open meet), {MeetFiles} meet files ({Skipped} left out); copy {CopyMs:F0} ms, all {TotalMs:F0} ms")]
    private partial void LogWritten(long bytes, long lastLogId, long reads, int meetFiles, int skipped, double copyMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleting {Path}, left by a backup that did not finish")]
    private partial void LogLeftover(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup copy {Path} could not be deleted; the next backup tries again")]
    private partial void LogNotDeleted(Exception e, string path);
}

/// <summary>
/// <c>backup.json</c>: when the box took the backup (its own clock, which may be wrong after a power cut), the meet new
/// reads went to, the highest log id and the open meet's read count in the copy (what a box restored from it shows at
/// <c>/api/status</c>), and which meet folder files were left out and why (<c>link</c>, <c>tooBig</c>, <c>tooDeep</c>,
/// <c>folderTooBig</c>, <c>dataFolder</c>, <c>unreadable</c>).
/// </summary>
public sealed record BackupManifest(
    DateTimeOffset BoxTime, string MeetKey, long MeetId, long LastLogId, long Reads, int SchemaVersion, long DatabaseBytes,
    string? MeetDir, IReadOnlyList<string> MeetFiles, IReadOnlyList<SkippedFile> Skipped);

/// <summary>A meet folder entry the backup left out, with why.</summary>
public sealed record SkippedFile(string Name, string Reason);
