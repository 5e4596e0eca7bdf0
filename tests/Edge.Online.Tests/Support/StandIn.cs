using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Online.Tests.Support;

/// <summary>A request as the stand-in saw it: when (on the test's clock), path, query and headers.</summary>
public sealed record SeenRequest(DateTimeOffset At, string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers)
{
    public string Query1(string name) => Query.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// An answer the stand-in gives instead of the real one, while <see cref="Times"/> lasts: a status with a body and
/// headers, a connection cut mid-request (<see cref="Abort"/>), or a body of <see cref="BodyBytes"/> bytes.
/// </summary>
public sealed class Fault
{
    public required Func<HttpRequest, bool> When { get; init; }
    public int Status { get; init; } = 500;
    public string Body { get; init; } = "";
    public string ContentType { get; init; } = "application/json";
    public IReadOnlyDictionary<string, Func<string>> Headers { get; init; } = new Dictionary<string, Func<string>>();
    public bool Abort { get; init; }

    /// <summary>The request is handled as ever (a post is stored) but its answer is lost: the connection is cut instead.</summary>
    public bool LoseAnswer { get; init; }
    public long BodyBytes { get; init; }
    public bool ChunkedBody { get; init; }
    public int Times { get; set; } = 1;
}

/// <summary>
/// A service stand-in: a Kestrel app on 127.0.0.1 and a port the OS picks, that records every request and answers
/// with the faults a test queued before its own behaviour.
/// </summary>
public abstract class StandIn : IAsyncDisposable
{
    private readonly List<Fault> _faults = [];
    private WebApplication? _app;

    protected StandIn(TimeProvider? clock) => Clock = clock ?? TimeProvider.System;

    /// <summary>The clock requests are stamped with: the client's, when the test gives it one.</summary>
    public TimeProvider Clock { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public Uri Root { get; private set; } = null!;

    public void Fail(Fault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    protected abstract void Map(IEndpointRouteBuilder routes);

    protected async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            Requests.Enqueue(new SeenRequest(Clock.GetUtcNow(), request.Method, request.Path.Value ?? "",
                request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            if (Take(request) is { } fault)
            {
                if (fault.LoseAnswer)
                {
                    context.Response.Body = new MemoryStream();
                    await next(context);
                    context.Abort();
                    return;
                }

                await AnswerAsync(context, fault);
                return;
            }

            await next(context);
        });
        Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Root = new Uri(address + "/");
        _app = app;
    }

    private Fault? Take(HttpRequest request)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Times > 0 && f.When(request));
            if (fault is not null)
            {
                fault.Times--;
            }

            return fault;
        }
    }

    private static async Task AnswerAsync(HttpContext context, Fault fault)
    {
        if (fault.Abort)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = fault.Status;
        context.Response.ContentType = fault.ContentType;
        foreach (var (name, value) in fault.Headers)
        {
            context.Response.Headers[name] = value();
        }

        if (fault.BodyBytes > 0)
        {
            if (!fault.ChunkedBody)
            {
                context.Response.ContentLength = fault.BodyBytes;
            }

            // A JSON array that never seems to end: [0,0,0,...
            var chunk = new byte[16384];
            Array.Fill(chunk, (byte)'0');
            for (var i = 1; i < chunk.Length; i += 2)
            {
                chunk[i] = (byte)',';
            }

            chunk[0] = (byte)'[';
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, fault.BodyBytes)));
            chunk[0] = (byte)'0';
            for (var sent = (long)chunk.Length; sent < fault.BodyBytes; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, fault.BodyBytes - sent)));
            }

            return;
        }

        await context.Response.WriteAsync(fault.Body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
