using System.Net;
using System.Text;
using Edge.Tests.Support;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>A stand-in for the appliance's HTTP API on 127.0.0.1: paths answer with JSON the test sets, others 404.</summary>
public sealed class FakeAppliance : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _responses = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _requests;

    public FakeAppliance()
    {
        Port = TempDir.FreeTcpPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public int Requests => Volatile.Read(ref _requests);

    public void Set(string path, string json)
    {
        lock (_responses)
        {
            _responses[path] = json;
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            string? body;
            lock (_responses)
            {
                _responses.TryGetValue(context.Request.Url!.AbsolutePath, out body);
            }

            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body ?? "{\"error\":\"not found\"}");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(2));
    }
}
