using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// Kestrel's limits sized for the box (<see cref="WebOptions"/>): a small body limit (nothing the phones use sends a
/// body; an upload endpoint raises the limit for itself), header size and count far under Kestrel's defaults, a short
/// wait for a request's head so a slow client cannot hold connections, and a connection limit that fits a crowd of
/// phones and displays on live streams. The CTP01 port keeps its own limit (<c>Timing:MaxConnections</c>).
/// </summary>
public static class RequestLimits
{
    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<WebOptions>>((kestrel, web) => Apply(kestrel.Limits, web.Value));
        return builder;
    }

    private static void Apply(KestrelServerLimits limits, WebOptions web)
    {
        limits.MaxRequestBodySize = web.MaxRequestBodyBytes;
        limits.MaxRequestHeadersTotalSize = web.MaxRequestHeadersBytes;
        limits.MaxRequestHeaderCount = web.MaxRequestHeaders;
        limits.RequestHeadersTimeout = web.RequestHeadersTimeout;
        limits.MaxConcurrentConnections = web.MaxConnections;
    }
}
