using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Simulator;

namespace Edge.Image.Tests;

/// <summary>
/// The flashable image as a timer would use it: a meet folder written into it by <c>edge-provision write --image</c>,
/// booted (qemu, UEFI), a race streamed into its timing port, its power cut mid-stream, booted again: every read the
/// box had stored is still there, the race completes exactly once, and the root file system is clean. Inside the
/// running box the test checks what was rendered from the meet folder, the mounts, the units and the listening ports.
/// The image is <c>EDGE_IMAGE</c> when set (image-build/test.sh builds it first), else built here.
/// </summary>
public class ImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-image-test").FullName;

    [Fact]
    public async Task The_amd64_image_boots_serves_a_race_and_keeps_every_read_through_a_power_cut()
    {
        var image = Path.Combine(_dir, "box.img");
        Images.CopySparse(Images.Amd64(), image);

        // The meet folder, with an SSH key so the test can look inside the box.
        var meet = Path.Combine(_dir, "meet");
        Directory.CreateDirectory(meet);
        var key = Path.Combine(_dir, "id_ed25519");
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
        var race = GeneratedRace.Generate(new RaceOptions { Participants = 1_500, Locations = ["start", "5k", "finish"] });
        Meets.Write(meet, race, File.ReadAllText(key + ".pub").Trim());
        Run("dotnet", Path.Combine(AppContext.BaseDirectory, "edge-provision.dll"), "write", meet, "--image", image);

        using var vm = new Vm(image, "amd64", Path.Combine(_dir, "console-1.log"));
        vm.Start();
        var boot = await vm.WaitHealthyAsync(Vm.HasKvm ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(15));
        Console.WriteLine($"boot to /healthz: {boot.TotalSeconds:F1} s ({(Vm.HasKvm ? "kvm" : "software emulation")})");
        var ssh = new Ssh(vm.SshPort, key);

        // What the meet folder made of the box.
        var status = await vm.Http.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal("Image Test 10K", status.GetProperty("event").GetProperty("name").GetString());
        var summary = await ssh.RunAsync("cat /run/edge/box/summary.txt");
        Assert.Contains("eth0: timer at 10.43.0.1", summary, StringComparison.Ordinal);
        Assert.Contains("ssh: on, 1 key(s)", summary, StringComparison.Ordinal);
        Assert.Contains("policy drop", await ssh.RunAsync("nft list ruleset"), StringComparison.Ordinal);

        // Read-only system, writable data, journal in memory, nothing written to the root.
        Assert.StartsWith("ro,", await ssh.RunAsync("findmnt -n -o OPTIONS /"), StringComparison.Ordinal);
        Assert.StartsWith("rw,", await ssh.RunAsync("findmnt -n -o OPTIONS /data"), StringComparison.Ordinal);
        Assert.StartsWith("ro,", await ssh.RunAsync("findmnt -n -o OPTIONS /boot/firmware"), StringComparison.Ordinal);
        Assert.Equal("no", (await ssh.RunAsync("test -d /var/log/journal/$(cat /etc/machine-id) && echo yes || echo no")).Trim());
        Assert.Contains("edge.db", await ssh.RunAsync("ls /data/edge"), StringComparison.Ordinal);

        // The units: restart on failure, the watchdog, the sandbox.
        var unit = await ssh.RunAsync("systemctl show edge-appliance -p ActiveState -p Restart -p WatchdogUSec -p NoNewPrivileges -p ProtectSystem -p User -p Type");
        foreach (var expected in (string[])["ActiveState=active", "Restart=always", "WatchdogUSec=30s", "NoNewPrivileges=yes", "ProtectSystem=strict", "User=edge", "Type=notify"])
        {
            Assert.Contains(expected, unit, StringComparison.Ordinal);
        }

        Assert.Contains("ActiveState=active", await ssh.RunAsync("systemctl show edge-sync-agent -p ActiveState"), StringComparison.Ordinal);
        Assert.Equal("", (await ssh.RunAsync("systemctl --failed --no-legend --plain")).Trim());

        // Nothing listens but what the box needs.
        var listening = Ports.Parse(await ssh.RunAsync("ss -Hltun"));
        var unexpected = listening.Where(p => !Ports.Intended(p)).ToList();
        Assert.True(unexpected.Count == 0, "unexpected listeners: " + string.Join(", ", unexpected) + "\nall: " + string.Join(", ", listening));
        Assert.Contains(listening, p => p.EndsWith(":80", StringComparison.Ordinal));
        Assert.Contains(listening, p => p.EndsWith(":61611", StringComparison.Ordinal));

        // A race streams in; the power is cut mid-stream.
        await using var client = new Ctp01Client(race, new ClientOptions { Port = vm.TimingPort, ReadsPerSecond = 400 });
        using var stop = new CancellationTokenSource();
        var feed = client.RunAsync(stop.Token);
        var stored = 0L;
        var clock = Stopwatch.StartNew();
        while (stored < race.TotalReads / 3 && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(250);
            stored = await ReadsAsync(vm);
        }

        Assert.True(stored > 0 && stored < race.TotalReads, $"{stored} of {race.TotalReads} reads stored before the cut");
        vm.PowerCut();
        Console.WriteLine($"power cut with {stored} of {race.TotalReads} reads stored");

        using var again = new Vm(image, "amd64", Path.Combine(_dir, "console-2.log"));
        // Same forwarded ports are not guaranteed free; the controller follows the new box's timing port.
        again.Start();
        await again.WaitHealthyAsync(Vm.HasKvm ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(15));
        var afterCut = await ReadsAsync(again);
        Assert.True(afterCut >= stored, $"{afterCut} reads after the cut, {stored} were stored before it");

        await stop.CancelAsync();
        await feed;
        await using var resumed = new Ctp01Client(race, new ClientOptions { Port = again.TimingPort, ConnectionId = client.Options.ConnectionId });
        using var stopResumed = new CancellationTokenSource();
        var resumedFeed = resumed.RunAsync(stopResumed.Token);
        var total = race.Timeline.Count;
        clock.Restart();
        long now;
        do
        {
            await Task.Delay(500);
            now = await ReadsAsync(again) + await GunsAsync(again);
        }
        while (now < total && clock.Elapsed < TimeSpan.FromMinutes(3));

        await stopResumed.CancelAsync();
        await resumedFeed;
        status = await again.Http.GetFromJsonAsync<JsonElement>("/api/status");
        foreach (var row in status.GetProperty("reconciliation").EnumerateArray())
        {
            Assert.Equal(0, row.GetProperty("missing").GetInt64());
        }

        Assert.Equal(total, status.GetProperty("reads").GetInt64() + status.GetProperty("guns").GetInt64());
        var results = await again.Http.GetFromJsonAsync<JsonElement>("/api/races/10k/results");
        Assert.Equal(race.Options.Participants, results.GetArrayLength());

        // The root file system was never written: clean after the cut.
        var ssh2 = new Ssh(again.SshPort, key);
        Assert.Contains("Filesystem state:         clean", await ssh2.RunAsync("dumpe2fs -h /dev/disk/by-label/edge-root 2>/dev/null"), StringComparison.Ordinal);
        Assert.Contains("clean", await ssh2.RunAsync("fsck.ext4 -n /dev/disk/by-label/edge-root 2>&1 || true"), StringComparison.Ordinal);
    }

    private static async Task<long> ReadsAsync(Vm vm) =>
        (await vm.Http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("reads").GetInt64();

    private static async Task<long> GunsAsync(Vm vm) =>
        (await vm.Http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("guns").GetInt64();

    internal static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
