using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Face;

/// <summary>Turns the machine off; called once the box has stopped (tests record it instead).</summary>
public interface IBoxPower
{
    void PowerOff();
}

/// <summary>Runs <see cref="FaceOptions.PowerOffCommand"/> (<c>systemctl poweroff</c>): systemd then takes the machine down, file systems synced and unmounted.</summary>
public sealed partial class SystemPower(IOptions<FaceOptions> options, ILogger<SystemPower> logger) : IBoxPower
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public void PowerOff()
    {
        var command = options.Value.PowerOffCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        LogPoweringOff(options.Value.PowerOffCommand);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command[0], command[1..]) { UseShellExecute = false })!;
            if (!process.WaitForExit(Patience))
            {
                LogSlow(options.Value.PowerOffCommand, (int)Patience.TotalSeconds);
            }
            else if (process.ExitCode != 0)
            {
                LogFailed(options.Value.PowerOffCommand, $"exit code {process.ExitCode}");
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            LogFailed(options.Value.PowerOffCommand, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Powering off: {Command}")]
    private partial void LogPoweringOff(string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Command} has not finished after {Seconds} s")]
    private partial void LogSlow(string command, int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The box stopped but could not power off with {Command}: {Problem}")]
    private partial void LogFailed(string command, string problem);
}
