using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Tests.Support;

/// <summary>
/// Lets a test add services after the box's own, so they win (a stepped clock, a fake probe), without a hook in the
/// product: the host announces "HostBuilding" on its DiagnosticListener just before it builds the service provider,
/// as WebApplicationFactory relies on. Scoped to the async flow that builds the box, so parallel tests are untouched.
/// </summary>
internal static class ServiceOverrides
{
    private static readonly AsyncLocal<Action<IServiceCollection>?> Pending = new();

    static ServiceOverrides() => DiagnosticListener.AllListeners.Subscribe(new Listeners());

    /// <summary>Builds with <paramref name="configure"/> applied to the next host built in this flow.</summary>
    public static T Build<T>(Action<IServiceCollection> configure, Func<T> build)
    {
        Pending.Value = configure;
        try
        {
            return build();
        }
        finally
        {
            Pending.Value = null;
        }
    }

    private sealed class Listeners : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting")
            {
                listener.Subscribe(new HostEvents());
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }

    private sealed class HostEvents : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "HostBuilding" && value.Value is IHostBuilder builder && Pending.Value is { } configure)
            {
                builder.ConfigureServices(services => configure(services));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
