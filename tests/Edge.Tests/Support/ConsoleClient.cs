using System.Net;
using System.Text.RegularExpressions;
using Edge.Appliance.Console;

namespace Edge.Tests.Support;

/// <summary>
/// A browser-like client of the box's console: its own cookie jar, no automatic redirects (tests look at them),
/// and forms sent with the anti-forgery token read from the page they are on, as a browser would.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            };
        }

        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http => _http;

    /// <summary>The meet.json section that sets <see cref="Password"/> as the console password.</summary>
    public static string MeetSection => $"\"console\": {{ \"passwordHash\": \"{ConsoleAccess.Hash(Password)}\" }},";

    /// <summary>A client of the box at <paramref name="baseAddress"/> signed in as the timer.</summary>
    public static async Task<ConsoleClient> SignInAsync(Uri baseAddress, string password)
    {
        var client = new ConsoleClient(baseAddress);
        var answer = await client.PostFormAsync("/admin/signin", "/admin/signin", ("password", password));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return client;
    }

    /// <summary>Pairs a new device with <paramref name="role"/> the way a helper's phone does: the timer shows a code, the phone opens it and confirms.</summary>
    public async Task<ConsoleClient> PairAsync(string role, string label = "helper")
    {
        var shown = await PostFormAsync("/admin/box", "/admin/box/pair", ("role", role), ("label", label));
        var page = await shown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var url = PairingUrl().Match(page).Groups[1].Value;
        var phone = new ConsoleClient(_http.BaseAddress!);
        var confirmed = await phone.PostFormAsync(new Uri(url).PathAndQuery, new Uri(url).PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        return phone;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public async Task<string> PageAsync(string path)
    {
        var answer = await _http.GetAsync(path);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)answer.StatusCode}");
        return await answer.Content.ReadAsStringAsync();
    }

    /// <summary>Opens <paramref name="page"/>, takes its form token, and posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await (await _http.GetAsync(page)).Content.ReadAsStringAsync();
        var token = FormToken().Match(html);
        Assert.True(token.Success, $"no form token on {page}");
        return await PostAsync(action, [("_form", WebUtility.HtmlDecode(token.Groups[1].Value)), .. fields]);
    }

    /// <summary>
    /// Opens <paramref name="page"/>, takes its form token, and posts a multipart form with one file in
    /// <paramref name="field"/>, as a browser's file upload does; <paramref name="expectContinue"/> waits for the
    /// server's go-ahead before sending the body, as curl does for a large one.
    /// </summary>
    public async Task<HttpResponseMessage> PostFileAsync(string page, string action, string field, string fileName, byte[] content, string contentType = "application/octet-stream", bool expectContinue = false)
    {
        var html = await (await _http.GetAsync(page)).Content.ReadAsStringAsync();
        var token = FormToken().Match(html);
        Assert.True(token.Success, $"no form token on {page}");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(WebUtility.HtmlDecode(token.Groups[1].Value)), "_form" },
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, field, fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = form };
        request.Headers.ExpectContinue = expectContinue;
        return await _http.SendAsync(request);
    }

    /// <summary>Posts exactly <paramref name="fields"/> (no token unless given): what another site's form would send.</summary>
    public Task<HttpResponseMessage> PostAsync(string action, params (string Name, string Value)[] fields) =>
        _http.PostAsync(action, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    /// <summary>Posts a form and expects the redirect back with what was done; returns the message.</summary>
    public async Task<string> DoAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var answer = await PostFormAsync(page, action, fields);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"POST {action}: {(int)answer.StatusCode} {body}");
        return Uri.UnescapeDataString(answer.Headers.Location!.OriginalString.Split("done=").Last());
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"_form\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("Or open (http://[^ <]+) on that phone")]
    private static partial Regex PairingUrl();
}
