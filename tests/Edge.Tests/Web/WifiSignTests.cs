using System.Diagnostics;
using System.Net;
using Edge.Appliance.Meet;
using Edge.Appliance.Web;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>The printed sign's QR codes, read back with a real decoder (Debian's zbarimg) as a phone camera would.</summary>
public class WifiSignTests
{
    [Fact]
    public async Task The_wifi_code_joins_the_hotspot_with_the_name_and_password_escaped()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        Assert.Equal(@"WIFI:T:WPA;S:Lake\;side \""5\""\,K\:;P:pa\\ss\:word\,1;;", await DecodeAsync(box, "/sign/wifi.png"));
        Assert.Equal(TestMeet.ResultsUrl, await DecodeAsync(box, "/sign/results.png"));
    }

    [Fact]
    public async Task The_sign_prints_network_password_and_address_in_large_type_beside_both_codes()
    {
        using var meet = TestMeet.Standard();
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        var html = await box.Http.GetStringAsync("/sign");
        Assert.Contains("<img src=\"/sign/wifi.png\"", html);
        Assert.Contains("<img src=\"/sign/results.png\"", html);
        Assert.Contains("<p class=\"k\">Network</p><p class=\"v\">Lake;side &quot;5&quot;,K:</p>", html);
        Assert.Contains(@"<p class=""k"">Password</p><p class=""v"">pa\ss:word,1</p>", html);
        Assert.Contains("<p class=\"k\">Address</p><p class=\"v a\"><span>http://</span><wbr><span>10.42.0.1</span><wbr><span>/</span></p>", html);
        Assert.Contains(".v{font-size:36px;font-weight:800", html);
    }

    [Fact]
    public async Task Without_wifi_settings_the_results_code_opens_the_address_used_and_there_is_no_wifi_code()
    {
        using var meet = TestMeet.Standard(wifi: false);
        await using var box = await TestBox.StartAsync(null, meet.Setting, "--Web:HostNames=results.lan");
        var port = box.Http.BaseAddress!.Port;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sign/results.png") { Headers = { Host = "results.lan" } };
        using var code = await box.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, code.StatusCode);
        Assert.Equal($"http://results.lan:{port}/", await ZbarAsync(await code.Content.ReadAsByteArrayAsync()));
        using var wifi = await box.Http.GetAsync("/sign/wifi.png");
        Assert.Equal(HttpStatusCode.NotFound, wifi.StatusCode);
        var html = await box.Http.GetStringAsync("/sign");
        Assert.DoesNotContain("wifi.png", html);
        Assert.DoesNotContain("Password", html);
    }

    [Theory]
    [InlineData("Plain", "password1", "WPA", "WIFI:T:WPA;S:Plain;P:password1;;")]
    [InlineData(@"back\slash", "semi;colon", "WPA", @"WIFI:T:WPA;S:back\\slash;P:semi\;colon;;")]
    [InlineData("Open net", "", "nopass", "WIFI:T:nopass;S:Open net;;")]
    [InlineData("Old", "12345", "WEP", "WIFI:T:WEP;S:Old;P:12345;;")]
    public void Wifi_payload_follows_the_format_phones_read(string ssid, string password, string security, string expected) =>
        Assert.Equal(expected, WifiSign.WifiPayload(new WifiSettings(ssid, password, security, "http://10.42.0.1/")));

    [Fact]
    public async Task A_name_with_accents_survives_the_round_trip()
    {
        var png = WifiSign.QrPng(WifiSign.WifiPayload(new WifiSettings("Café Zoë", "mot de passe", "WPA", "http://10.42.0.1/")));
        Assert.Equal("WIFI:T:WPA;S:Café Zoë;P:mot de passe;;", await ZbarAsync(png));
    }

    private static async Task<string> DecodeAsync(TestBox box, string path)
    {
        using var response = await box.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        return await ZbarAsync(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Decodes a PNG with zbarimg; its output is the code's text as bytes (UTF-8 here).</summary>
    internal static async Task<string> ZbarAsync(byte[] png)
    {
        var file = Path.Combine(TempDir.Create("qr"), "code.png");
        await File.WriteAllBytesAsync(file, png);
        var info = new ProcessStartInfo("zbarimg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file])
        {
            info.ArgumentList.Add(arg);
        }

        using var zbar = Process.Start(info)!;
        var output = zbar.StandardOutput.ReadToEndAsync();
        var errors = zbar.StandardError.ReadToEndAsync();
        await zbar.WaitForExitAsync();
        TempDir.Delete(Path.GetDirectoryName(file)!);
        Assert.True(zbar.ExitCode == 0, $"zbarimg exited {zbar.ExitCode}: {await errors}");
        return (await output).TrimEnd('\n');
    }
}
