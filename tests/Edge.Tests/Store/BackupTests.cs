using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Simulator;
using Edge.Store;
using Edge.Tests.Ingest;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Edge.Tests.Store;

/// <summary>A backup taken while reads stream in restores to a box with every read committed at that instant, and results.</summary>
public class BackupTests(ITestOutputHelper output)
{
    private const int Runners = 3_000;

    [Fact]
    public async Task A_backup_taken_while_reads_stream_in_restores_every_read_committed_at_that_instant()
    {
        using var meet = TestMeet.Standard(TestMeet.BigRoster(Runners));
        var dataDir = TempDir.Create("backup-live");
        var restoredDir = TempDir.Create("backup-restored");
        var zipPath = Path.Combine(restoredDir, "..", $"backup-{Guid.NewGuid():N}.zip");
        try
        {
            BackupManifest manifest;
            List<LogEntry> live;
            await using (var box = await TestBox.StartAsync(dataDir, meet.Setting))
            {
                var race = GeneratedRace.Generate(new RaceOptions { Participants = Runners, Locations = TimingFeed.Locations });
                await using var client = new Ctp01Client(race, new ClientOptions { Port = box.TimingPort, ReadsPerSecond = 2_000 });
                using var cts = new CancellationTokenSource();
                var run = client.RunAsync(cts.Token);
                // Past the first finishers, well before the last read: the backup is taken mid-stream.
                await box.WaitForReadsAsync(race.TotalReads * 2 / 3, TimeSpan.FromSeconds(60));

                var store = box.Services.GetRequiredService<ReadStore>();
                var (committedId, committedReads) = (store.LastId, store.Reads);
                var clock = Stopwatch.StartNew();
                await using (var zip = File.Create(zipPath))
                {
                    await box.Services.GetRequiredService<BoxBackup>().WriteZipAsync(zip, CancellationToken.None);
                }

                output.WriteLine($"backup: {clock.ElapsedMilliseconds} ms, zip {new FileInfo(zipPath).Length:N0} bytes");
                await box.WaitForReadsAsync(race.TotalReads - 1, TimeSpan.FromSeconds(60));
                await cts.CancelAsync();
                await run;
                using var archive = ZipFile.OpenRead(zipPath);
                manifest = ReadManifest(archive);
                output.WriteLine($"edge.db {manifest.DatabaseBytes:N0} bytes, last log id {manifest.LastLogId}, {manifest.Reads} reads of {race.TotalReads - 1}");
                // Everything committed when the backup began is in it; ingest kept committing while the copy was taken and after.
                Assert.True(manifest.LastLogId >= committedId, $"log id {manifest.LastLogId} in the copy, {committedId} committed before");
                Assert.InRange(manifest.Reads, committedReads, race.TotalReads - 2);
                live = ConversationTests.ReadLog(dataDir);
                archive.GetEntry(BoxBackup.DatabaseEntry)!.ExtractToFile(Path.Combine(restoredDir, EdgeDatabase.FileName));
            }

            // The restored box: the copy in a fresh data folder, the same meet folder.
            await using (var box = await TestBox.StartAsync(restoredDir, meet.Setting))
            {
                Assert.Equal(manifest.Reads, await box.ReadsAsync());
                var restored = ConversationTests.ReadLog(restoredDir);
                Assert.Equal(live.Where(e => e.Id <= manifest.LastLogId), restored);
                Assert.Equal(manifest.Reads, restored.Count(e => e.Kind == LogKind.Read));

                var results = await box.WaitForResultsAsync(s => s.LastLogId == manifest.LastLogId, "the restored log applied");
                var finisher = results.ByBib.Values.First(r => r.Status == ParticipantStatus.Finished);
                using var page = await box.Http.GetAsync($"/participants/{finisher.Bib}");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains(finisher.Participant.LastName, await page.Content.ReadAsStringAsync());
                var rows = (await box.Http.GetFromJsonAsync<JsonElement>("/api/races/10k/results")).EnumerateArray().ToList();
                Assert.Equal(results.ByBib.Values.Count(r => r.Status == ParticipantStatus.Finished),
                    rows.Count(r => r.GetProperty("status").GetString() == "finished"));
            }
        }
        finally
        {
            File.Delete(zipPath);
            TempDir.Delete(dataDir);
            TempDir.Delete(restoredDir);
        }
    }

    [Fact]
    public async Task The_zip_holds_the_meet_folder_without_links_big_files_or_the_database_twice()
    {
        using var meet = TestMeet.Standard();
        var outside = TempDir.Create("backup-outside");
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.txt"), "not the meet's");
            Directory.CreateDirectory(Path.Combine(meet.Path, "classes"));
            File.WriteAllText(Path.Combine(meet.Path, "classes", "scoring.xml"), "<Classes/>");
            File.CreateSymbolicLink(Path.Combine(meet.Path, "escape.txt"), Path.Combine(outside, "secret.txt"));
            Directory.CreateSymbolicLink(Path.Combine(meet.Path, "elsewhere"), outside);
            using (var big = File.Create(Path.Combine(meet.Path, "video.mp4")))
            {
                big.SetLength(BoxBackup.MaxMeetFileBytes + 1);
            }

            await using var box = await TestBox.StartAsync(null, meet.Setting);
            using var zip = new MemoryStream();
            await box.Services.GetRequiredService<BoxBackup>().WriteZipAsync(new NonSeekable(zip), CancellationToken.None);
            zip.Position = 0;
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read);

            Assert.Equal(
                [BoxBackup.ManifestEntry, BoxBackup.DatabaseEntry, "meet/classes/scoring.xml", "meet/meet.json", "meet/participants.csv"],
                archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            foreach (var name in new[] { "meet.json", "participants.csv", "classes/scoring.xml" })
            {
                using var entry = new StreamReader(archive.GetEntry(BoxBackup.MeetPrefix + name)!.Open());
                Assert.Equal(File.ReadAllText(Path.Combine(meet.Path, name)), await entry.ReadToEndAsync());
            }

            var manifest = ReadManifest(archive);
            Assert.Equal(meet.Path, manifest.MeetDir);
            Assert.Equal(["classes/scoring.xml", "meet.json", "participants.csv"], manifest.MeetFiles.Order(StringComparer.Ordinal));
            Assert.Equal(
                [new SkippedFile("elsewhere", "link"), new SkippedFile("escape.txt", "link"), new SkippedFile("video.mp4", "tooBig")],
                manifest.Skipped.OrderBy(s => s.Name, StringComparer.Ordinal));
            Assert.Equal((await box.StatusAsync()).GetProperty("meet").GetProperty("key").GetString(), manifest.MeetKey);
            // The copy was deleted once streamed.
            Assert.Equal([EdgeDatabase.FileName], Directory.EnumerateFiles(box.DataDir, "*.db*").Select(Path.GetFileName).Where(n => !n!.EndsWith("-wal", StringComparison.Ordinal) && !n.EndsWith("-shm", StringComparison.Ordinal)));
        }
        finally
        {
            TempDir.Delete(outside);
        }
    }

    private static BackupManifest ReadManifest(ZipArchive archive)
    {
        using var stream = archive.GetEntry(BoxBackup.ManifestEntry)!.Open();
        return JsonSerializer.Deserialize<BackupManifest>(stream, JsonSerializerOptions.Web)!;
    }

    /// <summary>A response body: written forward only, its length and position unknown.</summary>
    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => throw new InvalidOperationException("synchronous I/O on a response body");
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous I/O on a response body");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    }
}
