using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Tests.Support;

/// <summary>A logger provider that keeps what an in-process box logged at error level or worse, for the test to assert on.</summary>
public sealed class ErrorLog : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error)
        {
            Entries.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }

    public void Dispose()
    {
    }
}
