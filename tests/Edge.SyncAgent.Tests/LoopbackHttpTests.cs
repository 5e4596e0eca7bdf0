using System.Text;
using Edge.SyncAgent.Snapshots;

namespace Edge.SyncAgent.Tests;

/// <summary>The agent's HTTP GET reads the appliance's answers in native memory: plain, sized and chunked.</summary>
public sealed class LoopbackHttpTests
{
    private static HttpAnswer Parse(string response)
    {
        var buffer = new NativeBuffer(16);
        buffer.Append(Encoding.UTF8.GetBytes(response));
        return LoopbackHttp.Parse(buffer);
    }

    private static string Body(HttpAnswer answer) => Encoding.UTF8.GetString(answer.Body);

    [Fact]
    public void A_sized_body_ends_at_its_length()
    {
        using var answer = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 7\r\nETag: W/\"0a1b\"\r\n\r\n[1,2,3]trailing");
        Assert.Equal(200, answer.Status);
        Assert.Equal("W/\"0a1b\"", answer.ETag);
        Assert.Equal("[1,2,3]", Body(answer));
    }

    [Fact]
    public void A_chunked_body_is_joined_in_place()
    {
        var chunks = new StringBuilder();
        var expected = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            var piece = $"{{\"n\":{i},\"name\":\"Åsa Öberg {new string('x', i % 37)}\"}},";
            expected.Append(piece);
            chunks.Append($"{Encoding.UTF8.GetByteCount(piece):x};ext=1\r\n{piece}\r\n");
        }

        using var answer = Parse($"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}0\r\n\r\n");
        Assert.Equal(expected.ToString(), Body(answer));
    }

    [Fact]
    public void A_body_is_wrapped_in_place_into_the_headroom_before_it()
    {
        var buffer = new NativeBuffer(16);
        buffer.Append(new byte[5]);
        buffer.Append(Encoding.UTF8.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n"));
        using var answer = LoopbackHttp.Parse(buffer, 5);
        Assert.Null(answer.ETag);
        Assert.Equal("[1,2]", Body(answer));
        var prefix = Encoding.UTF8.GetBytes(new string('p', 5 + 46));
        Assert.Equal(new string('p', 5 + 46) + "[1,2]}", Encoding.UTF8.GetString(answer.Wrap(prefix, "}"u8)));
        Assert.Throws<InvalidOperationException>(() => answer.Wrap(new byte[100], "}"u8).Length);
    }

    [Fact]
    public void A_body_without_length_runs_to_the_end_and_the_status_is_read()
    {
        using var answer = Parse("HTTP/1.0 404 Not Found\r\n\r\nno such race");
        Assert.Equal(404, answer.Status);
        Assert.Equal("no such race", Body(answer));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "incomplete")]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP response")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", "ended early")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "bad HTTP chunk size 'zz'")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc\r\n0\r\n\r\n", "bad HTTP chunk size 'ff'")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc", "without a size line")]
    public void A_malformed_answer_is_an_IOException_saying_what_is_wrong(string response, string message)
    {
        var buffer = new NativeBuffer(16);
        buffer.Append(Encoding.UTF8.GetBytes(response));
        var e = Assert.Throws<IOException>(() => LoopbackHttp.Parse(buffer));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        buffer.Dispose();
    }

    [Fact]
    public void A_native_buffer_grows_keeps_its_bytes_and_refuses_use_after_dispose()
    {
        var buffer = new NativeBuffer(4);
        for (var i = 0; i < 10_000; i++)
        {
            buffer.Append([(byte)(i % 251)]);
        }

        Assert.Equal(10_000, buffer.Length);
        Assert.Equal((byte)(9_999 % 251), buffer.Written[^1]);
        buffer.Truncate(10);
        Assert.Equal(10, buffer.Written.Length);
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.Written.Length);
    }
}
