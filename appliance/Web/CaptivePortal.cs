using System.Net;
using System.Net.NetworkInformation;
using Edge.Appliance.Meet;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Web;

/// <summary>
/// Makes the box a captive portal: the hotspot's DNS sends every name to the box, so a phone that joins asks the
/// box its connectivity check (Android <c>/generate_204</c>, Apple <c>/hotspot-detect.html</c>, Windows
/// <c>/connecttest.txt</c>, ...). Any request for a host that is not the box itself is answered with a redirect
/// to the results home page, which the phone then shows in its sign-in window. Requests for the box's own
/// address or name are never redirected.
/// </summary>
public sealed class CaptivePortal(MeetHost meetHost, IOptions<WebOptions> options, TimeProvider time) : IMiddleware
{
    /// <summary>The probe paths the platforms use; listed for operators and tests, every unknown host is redirected alike.</summary>
    public static readonly IReadOnlyList<(string Host, string Path)> Probes =
    [
        ("connectivitycheck.gstatic.com", "/generate_204"),
        ("connectivitycheck.android.com", "/generate_204"),
        ("clients3.google.com", "/generate_204"),
        ("clients1.google.com", "/generate_204"),
        ("www.google.com", "/gen_204"),
        ("captive.apple.com", "/hotspot-detect.html"),
        ("www.apple.com", "/library/test/success.html"),
        ("www.msftconnecttest.com", "/connecttest.txt"),
        ("www.msftconnecttest.com", "/redirect"),
        ("www.msftncsi.com", "/ncsi.txt"),
        ("detectportal.firefox.com", "/success.txt"),
    ];

    /// <summary>How long the box's interface addresses are kept before they are looked up again.</summary>
    private static readonly TimeSpan AddressLifetime = TimeSpan.FromSeconds(10);

    private readonly string[] _names = options.Value.HostNameList();
    private Lookup? _localAddresses;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsOwnHost(context))
        {
            return next(context);
        }

        var home = BoxAddress.InPortal(meetHost.Current.Wifi?.ResultsUrl ?? BoxAddress.Local(context));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = home;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/html; charset=utf-8";
        var link = Html.Encode(home);
        return response.WriteAsync($"<!doctype html><title>Live results</title><p><a href=\"{link}\">Live results: {link}</a></p>\n", context.RequestAborted);
    }

    /// <summary>
    /// The box's own host: no Host header, localhost, the machine's name, the results URL's host, a configured
    /// name (<c>Web:HostNames</c>), or an address of the box itself.
    /// </summary>
    public bool IsOwnHost(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || _names.Contains(name, StringComparer.OrdinalIgnoreCase)
            || meetHost.Current.Wifi?.ResultsUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && uri.Host.Trim('[', ']').Equals(name.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (IPAddress.TryParse(name.Trim('[', ']'), out var address))
        {
            return IsOwnAddress(address, context.Connection.LocalIpAddress);
        }

        // "edge", "edge.local", "edge.lan": the box's own name on the local network.
        var machine = MachineName;
        return name.Equals(machine, StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith(machine + ".", StringComparison.OrdinalIgnoreCase) && name.IndexOf('.', machine.Length + 1) < 0);
    }

    private static string MachineName { get; } = Dns.GetHostName();

    private bool IsOwnAddress(IPAddress address, IPAddress? local)
    {
        address = Plain(address);
        if (IPAddress.IsLoopback(address) || local is not null && Plain(local).Equals(address))
        {
            return true;
        }

        return LocalAddresses().Contains(address);
    }

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// The box's interface addresses, looked up at most every 10 s (interfaces come and go: tethers, dongles).
    /// Timed on the monotonic clock: chrony steps the wall clock, and a step back must not freeze the list.
    /// </summary>
    private HashSet<IPAddress> LocalAddresses()
    {
        if (_localAddresses is { } cached && time.GetElapsedTime(cached.At) < AddressLifetime)
        {
            return cached.Addresses;
        }

        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    addresses.Add(Plain(unicast.Address));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Keep what the connection itself says.
        }

        // Replaced whole (one reference), so concurrent requests never see half of a lookup.
        _localAddresses = new Lookup(time.GetTimestamp(), addresses);
        return addresses;
    }

    private sealed record Lookup(long At, HashSet<IPAddress> Addresses);
}

/// <summary>The box's own addresses as a phone sees them.</summary>
public static class BoxAddress
{
    /// <summary>
    /// The fragment the captive portal adds to the address it sends a phone to: the page's own element of that id is
    /// then the target, and the style shows the note for the sign-in window. A fragment never reaches the box, so every
    /// page stays one cached page for all.
    /// </summary>
    public const string PortalMarker = "wifi-window";

    /// <summary>The address with the captive portal's marker as its fragment (in place of any fragment it had).</summary>
    public static string InPortal(string address)
    {
        var hash = address.IndexOf('#', StringComparison.Ordinal);
        return (hash < 0 ? address : address[..hash]) + "#" + PortalMarker;
    }

    /// <summary>The address the request reached the box at, as an http URL with a trailing slash.</summary>
    public static string Local(HttpContext context)
    {
        var address = context.Connection.LocalIpAddress;
        var port = context.Connection.LocalPort;
        if (address is null)
        {
            return Home(context);
        }

        return Url(Plain(address), port);
    }

    /// <summary>The home page at the host the phone used (the captive portal sent anything else to the box's own address).</summary>
    public static string Home(HttpContext context) =>
        context.Request.Host.HasValue ? $"http://{context.Request.Host.Value}/" : Local(context);

    /// <summary>
    /// The results address phones use, for a sign printed wherever it was opened: the host the request named with the
    /// port the box took it on (a forwarded port means nothing to a phone on the hotspot); opened on the box itself
    /// (localhost), the box's address on the network phones join. Null when the box serves no address a phone can reach.
    /// </summary>
    public static string? ForPhones(HttpContext context)
    {
        var host = context.Request.Host;
        if (host.HasValue && !IsLoopback(host.Host))
        {
            return Url(host.Host, context.Connection.LocalPort);
        }

        var served = ServedPorts(context.RequestServices.GetService<IServer>());
        if (served.Count == 0)
        {
            return null;
        }

        var port = served.Contains(context.Connection.LocalPort) ? context.Connection.LocalPort : served[0];
        return InterfaceAddress(Interfaces()) is { } address ? Url(address, port) : null;
    }

    /// <summary>
    /// The results address phones use, with no request to go by (the box's own status screen): the box's address on
    /// the network phones join, with the first port it serves beyond loopback. Null when there is none.
    /// </summary>
    public static string? OnNetwork(IServer? server) =>
        ServedPorts(server) is [var port, ..] && InterfaceAddress(Interfaces()) is { } address ? Url(address, port) : null;

    /// <summary>
    /// The address phones reach the box at among its interfaces' (name, wireless, address): IPv4 on a wireless
    /// interface first (the hotspot), then IPv4 on another, never loopback or link-local; null when there is none.
    /// </summary>
    public static IPAddress? InterfaceAddress(IEnumerable<(string Name, bool Wireless, IPAddress Address)> interfaces) =>
        interfaces
            .Where(i => i.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(i.Address) && !IsLinkLocal(i.Address))
            .OrderByDescending(i => i.Wireless || i.Name.StartsWith("wl", StringComparison.Ordinal) || i.Name.StartsWith("ap", StringComparison.Ordinal))
            .Select(i => i.Address)
            .FirstOrDefault();

    private static bool IsLinkLocal(IPAddress address) => address.GetAddressBytes() is [169, 254, ..];

    private static List<(string Name, bool Wireless, IPAddress Address)> Interfaces()
    {
        var found = new List<(string, bool, IPAddress)>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    found.Add((nic.Name, nic.NetworkInterfaceType == NetworkInterfaceType.Wireless80211, Plain(unicast.Address)));
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interfaces to offer: the sign says so.
        }

        return found;
    }

    /// <summary>The ports Kestrel listens on at an address other than loopback (<c>--urls</c>), in the order bound.</summary>
    private static List<int> ServedPorts(IServer? server)
    {
        var addresses = server?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var ports = new List<int>();
        foreach (var address in addresses)
        {
            // "http://*:80" and "http://+:80" listen on every address.
            var text = address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri.Host) && !ports.Contains(uri.Port))
            {
                ports.Add(uri.Port);
            }
        }

        return ports;
    }

    private static bool IsLoopback(string host)
    {
        host = host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(Plain(address));
    }

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string Url(IPAddress address, int port) =>
        Url(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString(), port);

    private static string Url(string host, int port) => port is 80 or 0 ? $"http://{host}/" : $"http://{host}:{port}/";
}
