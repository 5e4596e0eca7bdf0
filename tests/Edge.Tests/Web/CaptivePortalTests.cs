using System.Net;
using Edge.Appliance.Web;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>
/// A phone that joins the hotspot asks its platform's connectivity check; the hotspot's DNS points every name at
/// the box, so the check arrives here with the platform's Host header and must be sent to the results.
/// </summary>
public class CaptivePortalTests(CaptivePortalTests.StandardBox standard) : IClassFixture<CaptivePortalTests.StandardBox>
{
    public static TheoryData<string, string> Probes => new()
    {
        // Android
        { "connectivitycheck.gstatic.com", "/generate_204" },
        { "connectivitycheck.android.com", "/generate_204" },
        { "clients3.google.com", "/generate_204" },
        { "www.google.com", "/gen_204" },
        // iOS and macOS
        { "captive.apple.com", "/hotspot-detect.html" },
        { "www.apple.com", "/library/test/success.html" },
        // Windows
        { "www.msftconnecttest.com", "/connecttest.txt" },
        { "www.msftconnecttest.com", "/redirect" },
        { "www.msftncsi.com", "/ncsi.txt" },
        // Anything else a phone asks for while on the hotspot
        { "example.com", "/some/page?x=1" },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public async Task Each_platform_probe_is_redirected_to_the_results_url(string host, string path)
    {
        using var response = await GetAsync(standard.Box, host, path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        // The marker fragment shows the note for the sign-in window on the page the phone opens.
        Assert.Equal(TestMeet.ResultsUrl + "#wifi-window", response.Headers.Location!.OriginalString);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Without_a_results_url_probes_go_to_the_address_the_phone_reached()
    {
        using var meet = TestMeet.Standard(wifi: false);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        foreach (var (host, path) in CaptivePortal.Probes)
        {
            using var response = await GetAsync(box, host, path);
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            Assert.Equal($"http://127.0.0.1:{box.Http.BaseAddress!.Port}/#wifi-window", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Requests_to_the_box_itself_are_never_redirected()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:HostNames=results.lan");
        var port = box.Http.BaseAddress!.Port;
        foreach (var host in new[] { $"127.0.0.1:{port}", $"localhost:{port}", "10.42.0.1", "results.lan", System.Net.Dns.GetHostName(), $"[::1]:{port}" })
        {
            using var home = await GetAsync(box, host, "/");
            Assert.True(home.StatusCode == HttpStatusCode.OK, $"{host}: {home.StatusCode}");
            Assert.Contains("Lakeside 10K", await home.Content.ReadAsStringAsync());

            // The box's own address is the results site: a probe path there is just a page it does not have.
            using var probe = await GetAsync(box, host, "/generate_204");
            Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        }
    }

    /// <summary>A box running the standard meet (with its Wi-Fi settings), shared by the probe cases.</summary>
    public sealed class StandardBox : IAsyncLifetime
    {
        private readonly TestMeet _meet = TestMeet.Standard();

        public TestBox Box { get; private set; } = null!;

        public async Task InitializeAsync() => Box = await TestBox.StartAsync(null, _meet.Setting);

        public async Task DisposeAsync()
        {
            await Box.DisposeAsync();
            _meet.Dispose();
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(TestBox box, string host, string path)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = box.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }
}
