namespace Edge.SyncAgent;

/// <summary>
/// Log lines on standard error (systemd's journal keeps them), one per event. Nothing secret is ever passed in:
/// callers log <see cref="Cloud.CloudSettings.ToString"/>, never the settings' fields.
/// </summary>
public sealed class AgentLog(LogLevel minimum, TextWriter? writer = null)
{
    private readonly TextWriter _writer = writer ?? Console.Error;
    private readonly Lock _gate = new();

    public LogLevel Minimum { get; } = minimum;

    /// <summary>The level of <c>Logging:LogLevel:Default</c>; an unknown name (<see cref="LogLevels.TryParse"/> tells) is Information.</summary>
    public static LogLevel ParseLevel(string? text) => LogLevels.TryParse(text, out var level) ? level : LogLevel.Information;

    public bool IsEnabled(LogLevel level) => level >= Minimum;

    public void Debug(string message) => Write(LogLevel.Debug, message);

    public void Info(string message) => Write(LogLevel.Information, message);

    public void Warn(string message) => Write(LogLevel.Warning, message);

    public void Error(string message) => Write(LogLevel.Error, message);

    private void Write(LogLevel level, string message)
    {
        if (level < Minimum)
        {
            return;
        }

        var tag = level switch
        {
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            _ => "fail",
        };
        lock (_gate)
        {
            _writer.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {tag}: {message}");
            _writer.Flush();
        }
    }
}
