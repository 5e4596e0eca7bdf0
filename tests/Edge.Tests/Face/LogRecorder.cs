using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Face;

/// <summary>Everything logged under a category prefix, with its level (the box's own error check still runs beside it).</summary>
public sealed class LogRecorder(string prefix) : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(LogRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith(owner._prefix, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue((logLevel, category, formatter(state, exception)));
            }
        }
    }

    private readonly string _prefix = prefix;
}
