using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Image.Tests;

/// <summary>
/// The image booted in qemu (UEFI firmware, virtio disk and network), its Ethernet port on qemu's user-mode network
/// at the box's timer-side address 10.43.0.1, with the web, timing and SSH ports forwarded to 127.0.0.1 only
/// (<c>restrict=on</c>: the guest reaches nothing else). <see cref="PowerCut"/> kills qemu: the guest gets no
/// shutdown and loses whatever it had not flushed, as with a pulled cord.
/// </summary>
public sealed class Vm : IDisposable
{
    private readonly string _image;
    private readonly string _arch;
    private Process? _qemu;

    public Vm(string image, string arch, string consoleLog)
    {
        (_image, _arch, ConsoleLog) = (image, arch, consoleLog);
        HttpPort = FreePort();
        TimingPort = FreePort();
        SshPort = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int HttpPort { get; }
    public int TimingPort { get; }
    public int SshPort { get; }
    public HttpClient Http { get; }
    public string ConsoleLog { get; }

    /// <summary>
    /// Hardware virtualisation when this machine offers it and it works, else software emulation (much slower). A
    /// /dev/kvm can be there and still fail (nested virtualisation refusing the CPU's registers): qemu is tried for
    /// three seconds, paused.
    /// </summary>
    public static bool HasKvm => Kvm.Value;

    private static readonly Lazy<bool> Kvm = new(() =>
    {
        if (!File.Exists("/dev/kvm"))
        {
            return false;
        }

        var info = new ProcessStartInfo("qemu-system-x86_64") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in (string[])["-machine", "q35,accel=kvm", "-cpu", "host", "-nodefaults", "-display", "none", "-S", "-m", "64"])
        {
            info.ArgumentList.Add(a);
        }

        using var probe = Process.Start(info)!;
        if (probe.WaitForExit(3000))
        {
            return false;
        }

        probe.Kill();
        probe.WaitForExit();
        return true;
    });

    public void Start()
    {
        var forwards = $"hostfwd=tcp:127.0.0.1:{HttpPort}-10.43.0.1:80,hostfwd=tcp:127.0.0.1:{TimingPort}-10.43.0.1:61611,hostfwd=tcp:127.0.0.1:{SshPort}-10.43.0.1:22";
        var net = $"user,id=n0,net=10.43.0.0/24,host=10.43.0.2,dhcpstart=10.43.0.200,restrict=on,{forwards}";
        List<string> args = _arch == "amd64"
            ? ["qemu-system-x86_64", "-machine", HasKvm ? "q35,accel=kvm" : "q35", "-cpu", HasKvm ? "host" : "max",
               "-bios", "/usr/share/ovmf/OVMF.fd"]
            : ["qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a72", "-bios", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"];
        args.AddRange(["-m", "1024", "-smp", "2", "-nodefaults", "-display", "none", "-no-reboot",
            "-serial", $"file:{ConsoleLog}",
            "-drive", $"file={_image},format=raw,if=virtio,cache=writeback",
            "-netdev", net, "-device", _arch == "amd64" ? "virtio-net-pci,netdev=n0" : "virtio-net-device,netdev=n0",
            "-device", _arch == "amd64" ? "virtio-rng-pci" : "virtio-rng-device"]);
        var info = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        _qemu = Process.Start(info) ?? throw new InvalidOperationException("qemu did not start");
        _qemu.OutputDataReceived += (_, _) => { };
        _qemu.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_stderr) { _stderr.Add(e.Data); } } };
        _qemu.BeginOutputReadLine();
        _qemu.BeginErrorReadLine();
    }

    private readonly List<string> _stderr = [];

    /// <summary>Waits until the box's <c>/healthz</c> answers 200 through the forwarded port; returns how long that took.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_qemu is { HasExited: true })
            {
                throw new InvalidOperationException($"qemu exited with {_qemu.ExitCode}: {string.Join('\n', _stderr)}\n{Console()}");
            }

            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not up yet: qemu accepts the forwarded connection before the guest listens.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the box did not answer /healthz within {timeout}:\n{Console()}");
    }

    /// <summary>The end of what the guest printed on its serial console.</summary>
    public string Console(int lines = 80) =>
        File.Exists(ConsoleLog) ? string.Join('\n', File.ReadLines(ConsoleLog).TakeLast(lines)) : "(no console output)";

    /// <summary>SIGKILL to qemu: the guest's power is cut.</summary>
    public void PowerCut()
    {
        if (_qemu is { HasExited: false })
        {
            _qemu.Kill();
            _qemu.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        PowerCut();
        _qemu?.Dispose();
        Http.Dispose();
    }
}
