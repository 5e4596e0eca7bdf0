using System.Net.Http.Json;
using System.Text.Json;
using Edge.Appliance;
using Edge.Appliance.Ingest;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Provisioning.Tests.Support;

/// <summary>
/// The real appliance in this process, on loopback ports the OS picks, with a data folder of its own and, when given,
/// a meet folder: what a card written by edge-provision makes of a box. Disposing stops it and fails the test if it
/// logged an Error.
/// </summary>
public sealed class Box : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFolder _data;
    private readonly ErrorLog _errors;

    private Box(WebApplication app, TempFolder data, ErrorLog errors, int timingPort, HttpClient http) =>
        (_app, _data, _errors, TimingPort, Http) = (app, data, errors, timingPort, http);

    public int TimingPort { get; }
    public HttpClient Http { get; }

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<Box> StartAsync(string? meetDir = null)
    {
        var data = new TempFolder();
        string[] args =
        [
            "--urls=http://127.0.0.1:0", "--Timing:Address=127.0.0.1", "--Timing:Port=0",
            $"--Edge:DataDir={data.Path}", "--Logging:LogLevel:Default=Warning",
            .. meetDir is null ? Array.Empty<string>() : [$"--Edge:MeetDir={meetDir}"],
        ];
        var app = EdgeApp.Build(args);
        var errors = new ErrorLog();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(errors);
        await app.StartAsync();
        var timing = app.Services.GetRequiredService<TimingEndpoint>().Address!.Port;
        var http = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(u => u.Port != timing);
        return new Box(app, data, errors, timing, new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(30) });
    }

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/status");

    public async Task<long> ReadsAsync() => (await StatusAsync()).GetProperty("reads").GetInt64();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
        Assert.True(_errors.Entries.IsEmpty, "the box logged errors:\n" + string.Join("\n", _errors.Entries));
    }
}
