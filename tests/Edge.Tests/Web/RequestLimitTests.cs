using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edge.Tests.Web;

/// <summary>Kestrel's limits are the box's own, and a failure inside the box answers a short sentence, never its insides.</summary>
public class RequestLimitTests
{
    private const string Secret = "/var/lib/edge/secret.db: SQL logic error near SELECT";

    private static void TestEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app)
    {
        app.MapPost("/test/body", async (HttpRequest request) =>
        {
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        });
        app.MapGet("/test/throws", string () => throw new InvalidOperationException(Secret));
        app.MapGet("/api/test/throws", string () => throw new InvalidOperationException(Secret));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_answered_413_and_one_under_it_is_read()
    {
        await using var box = await TestBox.StartWithEndpointsAsync(TestEndpoints);
        using (var small = await box.Http.PostAsync("/test/body", new ByteArrayContent(new byte[64 * 1024])))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            Assert.Equal("65536", await small.Content.ReadAsStringAsync());
        }

        // Announced over the limit: the answer comes before the body is sent.
        var (status, body) = await RawRequestAsync(box,
            $"POST /test/body HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: {new WebOptions().MaxRequestBodyBytes + 1}\r\n\r\n");
        Assert.Equal(413, status);
        Assert.Equal(ErrorAnswers.TooLarge, body);

        // Chunked, with no length announced: refused once the limit is passed.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/test/body") { Content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024])) };
        chunked.Headers.TransferEncodingChunked = true;
        using var answer = await SendIgnoringResetAsync(box, chunked);
        Assert.True(answer is null || answer.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{answer?.StatusCode}");
    }

    [Fact]
    public async Task Headers_over_the_size_or_count_limit_are_answered_431()
    {
        await using var box = await TestBox.StartAsync();
        var defaults = new WebOptions();
        var (status, _) = await RawRequestAsync(box,
            $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {new string('a', defaults.MaxRequestHeadersBytes + 1)}\r\n\r\n");
        Assert.Equal(431, status);

        var many = string.Concat(Enumerable.Range(0, defaults.MaxRequestHeaders + 1).Select(i => $"X-H{i}: {i}\r\n"));
        (status, _) = await RawRequestAsync(box, $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n");
        Assert.Equal(431, status);

        // A phone's ordinary head is well within both.
        var phone = string.Concat(Enumerable.Range(0, 20).Select(i => $"X-H{i}: {new string('b', 100)}\r\n"));
        (status, _) = await RawRequestAsync(box, $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n{phone}Connection: close\r\n\r\n");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task The_limits_are_taken_from_the_web_settings()
    {
        await using var box = await TestBox.StartWithEndpointsAsync(TestEndpoints, "--Web:MaxRequestBodyBytes=2048", "--Web:MaxRequestHeadersBytes=4096");
        using (var body = await box.Http.PostAsync("/test/body", new ByteArrayContent(new byte[4096])))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.StatusCode);
        }

        var (status, _) = await RawRequestAsync(box, $"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {new string('a', 5000)}\r\n\r\n");
        Assert.Equal(431, status);
    }

    [Theory]
    [InlineData("Production", "/test/throws")]
    [InlineData("Production", "/api/test/throws")]
    [InlineData("Development", "/test/throws")]
    public async Task A_handler_that_throws_is_answered_500_with_a_short_sentence_and_logged(string environment, string path)
    {
        await using var box = await TestBox.StartWithEndpointsAsync(TestEndpoints, $"--environment={environment}");
        box.ExpectedErrors.Add(Secret);
        using var response = await box.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ErrorAnswers.Failed, body);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SecurityHeaders.Policy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        // Logged, with what the answer leaves out; the handler writes the log once the answer is on its way.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Logged() => box.LoggedErrors.Any(e => e.Contains(Secret, StringComparison.Ordinal) && e.Contains("TestEndpoints", StringComparison.Ordinal));
        while (!Logged() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        Assert.True(Logged(), string.Join("\n", box.LoggedErrors));

        // The box answers the next request as before.
        using var status = await box.Http.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task A_route_that_does_not_exist_or_does_not_take_the_method_answers_without_details()
    {
        await using var box = await TestBox.StartAsync();
        using var missing = await box.Http.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("", await missing.Content.ReadAsStringAsync());

        using var wrongMethod = await box.Http.PostAsync("/api/status", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("", await wrongMethod.Content.ReadAsStringAsync());
        Assert.Equal(SecurityHeaders.Policy, string.Join(";", wrongMethod.Headers.GetValues("Content-Security-Policy")));
    }

    /// <summary>Sends a request head as given over a plain socket; the status and body of the answer (read to the close or its length).</summary>
    private static async Task<(int Status, string Body)> RawRequestAsync(TestBox box, string head)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(box.Http.BaseAddress!.Host, box.Http.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && Length(text[..end]) is { } length && text.Length - end - 4 >= length)
            {
                break;
            }
        }

        var answer = Encoding.UTF8.GetString(received.ToArray());
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no answer: '{answer}'");
        return (int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answer[(split + 4)..]);

        static int? Length(string headers) => headers.Split("\r\n")
            .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(h => (int?)int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
    }

    /// <summary>The answer, or null when the box closed the connection while the body was still being sent (it refused it).</summary>
    private static async Task<HttpResponseMessage?> SendIgnoringResetAsync(TestBox box, HttpRequestMessage request)
    {
        try
        {
            return await box.Http.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
