namespace Edge.SyncAgent;

public enum LogLevel
{
    Debug,
    Information,
    Warning,
    Error,
}

public static class LogLevels
{
    /// <summary>
    /// The level named as ASP.NET Core names them (Trace ... None, case-insensitive; nothing at all is Information).
    /// False for any other name.
    /// </summary>
    public static bool TryParse(string? text, out LogLevel level)
    {
        (var known, level) = text?.Trim().ToLowerInvariant() switch
        {
            null or "" or "information" or "info" => (true, LogLevel.Information),
            "trace" or "debug" => (true, LogLevel.Debug),
            "warning" or "warn" => (true, LogLevel.Warning),
            "error" or "critical" or "none" => (true, LogLevel.Error),
            _ => (false, LogLevel.Information),
        };
        return known;
    }
}
