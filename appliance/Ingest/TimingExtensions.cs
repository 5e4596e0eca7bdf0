using System.Net;
using Edge.Appliance.Meet;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Ingest;

public static class TimingExtensions
{
    /// <summary>
    /// The CTP01 listener runs inside Kestrel next to HTTP: one host, one lifetime. Because endpoints are set in
    /// code, the HTTP addresses from <c>urls</c> / <c>--urls</c> are bound here too (Kestrel would otherwise ignore them).
    /// </summary>
    public static IHostApplicationBuilder AddTiming(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TimingOptions>().BindConfiguration(TimingOptions.Section).ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.Address, out _), "Timing:Address must be an IP address such as 0.0.0.0")
            .Validate(o => o.AllowedNetworks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(n => IPNetwork.TryParse(n, out _)),
                "Timing:AllowedNetworks must be comma-separated networks such as 192.168.7.0/24,127.0.0.1/32")
            .Validate(o => o.Authentication == "none" || o.User.Length > 0 && (o.Password.Length > 0 || !string.IsNullOrEmpty(o.PasswordFile)),
                "Timing:Authentication needs Timing:User and Timing:PasswordFile (or Timing:Password)")
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestStatus>();
        builder.Services.AddSingleton(sp => new EventClock(() => sp.GetRequiredService<MeetHost>().Current.Event));
        builder.Services.AddSingleton<TimingEndpoint>();
        // The console's timing and clock views; the probe is replaceable (tests, a box with another time daemon).
        builder.Services.TryAddSingleton<TimeSourceProbe>();
        builder.Services.AddSingleton<TimingMonitor>();

        // --urls arrives as Edge:Urls (see EdgeApp); ASPNETCORE_URLS still works as "urls".
        var urls = builder.Configuration["Edge:Urls"] ?? builder.Configuration["urls"] ?? "http://0.0.0.0:8080";
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // The validated options: a bad address is refused with its setting's name, not a parse error.
            var timing = kestrel.ApplicationServices.GetRequiredService<IOptions<TimingOptions>>().Value;
            var endpoint = kestrel.ApplicationServices.GetRequiredService<TimingEndpoint>();
            kestrel.Listen(IPAddress.Parse(timing.Address), timing.Port, listen =>
            {
                endpoint.Listen = listen;
                listen.UseConnectionHandler<Ctp01ConnectionHandler>();
            });

            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                ListenHttp(kestrel, url);
            }
        });
        return builder;
    }

    private static void ListenHttp(KestrelServerOptions kestrel, string url)
    {
        var address = BindingAddress.Parse(url);
        if (address.Scheme != "http")
        {
            throw new InvalidOperationException($"urls: only http is served on the box, not '{url}'");
        }

        if (address.Host is "localhost")
        {
            kestrel.ListenLocalhost(address.Port);
        }
        else if (address.Host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(address.Port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port);
        }
    }

    /// <summary>Marks the listener as accepting once the server has bound it.</summary>
    public static WebApplication UseTiming(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var endpoint = app.Services.GetRequiredService<TimingEndpoint>();
            app.Services.GetRequiredService<IngestStatus>().Accepting = true;
            // The host's own "Now listening on" lines would call the CTP01 port http:// (it is silenced in
            // appsettings.json); say what each port serves instead.
            var web = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                .Where(a => new Uri(a).Port != endpoint.Address?.Port) ?? [];
            app.Logger.LogInformation("Web pages on {Urls}; timing listener (CTP01) accepting on {Endpoint}", string.Join(", ", web), endpoint.Address);
        });
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<IngestStatus>().Accepting = false);
        _ = app.Services.GetRequiredService<IOptions<TimingOptions>>().Value;
        return app;
    }
}

/// <summary>Where the timing listener is bound; with port 0 the actual port is known once the server has started.</summary>
public sealed class TimingEndpoint
{
    internal ListenOptions? Listen { get; set; }

    public IPEndPoint? Address => Listen?.IPEndPoint;
}
