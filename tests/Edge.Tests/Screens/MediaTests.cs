using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text;
using Edge.Appliance.Console;
using Edge.Appliance.Screens;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Edge.Tests.Screens;

/// <summary>Logos and sponsor images: what is taken comes back as a clean PNG within bounds; everything hostile is refused and nothing of it is kept.</summary>
public sealed class MediaTests(ITestOutputHelper output) : IDisposable
{
    private const string Marker = "SECRET-PLACE-51.5N";

    private readonly TestMeet _meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);

    public void Dispose() => _meet.Dispose();

    [Fact]
    public async Task A_png_and_a_large_jpeg_are_reencoded_to_bounded_pngs_and_served_from_the_box()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var png = Png(300, 120);
        // Over the box's 1 MiB body limit, under the upload's own: the upload route raises the limit for itself.
        var jpeg = Jpeg(2400, 1600, noise: true, quality: 90);
        Assert.InRange(jpeg.Length, 1024 * 1024 + 1, MediaStore.MaxBytes);

        foreach (var (name, bytes, type) in new[] { ("logo.png", png, "image/png"), ("sponsor.jpg", jpeg, "image/jpeg") })
        {
            var answer = await timer.PostFileAsync("/admin/media", "/admin/media", "image", name, bytes, type);
            Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{name}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            Assert.Contains("Image stored", Uri.UnescapeDataString(answer.Headers.Location!.OriginalString), StringComparison.Ordinal);
        }

        var items = box.Services.GetRequiredService<MediaStore>().List();
        Assert.Equal(2, items.Count);
        var page = await timer.PageAsync("/admin/media");
        foreach (var item in items)
        {
            Assert.Contains($"<img src=\"{item.Url}\"", page, StringComparison.Ordinal);
            // Served to anyone (a display is not signed in), named by its content, cached for good.
            var served = await box.Http.GetAsync(item.Url);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", served.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
            var bytes = await served.Content.ReadAsByteArrayAsync();
            Assert.Equal(item.Id, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            var info = Image.Identify(bytes, out var format);
            Assert.Equal(PngFormat.Instance, format);
            Assert.InRange(info.Width, 1, MediaStore.MaxWidth);
            Assert.InRange(info.Height, 1, MediaStore.MaxHeight);
            Assert.Equal((item.Width, item.Height), (info.Width, info.Height));
            using var decoded = Image.Load<Rgba32>(bytes);
            Assert.DoesNotContain(Marker, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
            Assert.Null(decoded.Metadata.ExifProfile);
        }

        // The small PNG keeps its size; the 2400×1600 photo is scaled to fit 1920×1080, keeping its shape.
        Assert.Contains(items, i => (i.Width, i.Height) == (300, 120));
        Assert.Contains(items, i => (i.Width, i.Height) == (1620, 1080));

        // Uploading the same picture again keeps one copy; deleting removes it from the box.
        Assert.Equal(HttpStatusCode.Redirect, (await timer.PostFileAsync("/admin/media", "/admin/media", "image", "again.png", png, "image/png")).StatusCode);
        Assert.Equal(2, box.Services.GetRequiredService<MediaStore>().List().Count);
        var logo = items.Single(i => i.Width == 300);
        Assert.Equal("Image deleted.", await timer.DoAsync("/admin/media", "/admin/media/delete", ("id", logo.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync(logo.Url)).StatusCode);
        Assert.Single(box.Services.GetRequiredService<MediaStore>().List());
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync("/media/..%2Fedge.db.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await box.Http.GetAsync($"/media/{logo.Id.ToUpperInvariant()}.png")).StatusCode);
    }

    public static TheoryData<string, string, int, string> Hostile() => new()
    {
        { "over the byte limit", "big.png", 413, "larger than 5 MiB" },
        { "a text file renamed .png", "notes.png", 400, "not a PNG, JPEG, GIF or WebP" },
        { "a truncated PNG", "cut.png", 400, "not a PNG, JPEG, GIF or WebP" },
        { "a PNG whose header claims 50000x50000", "bomb.png", 400, "50000×50000 pixels" },
        { "an SVG with a script", "logo.svg", 400, "not a PNG, JPEG, GIF or WebP" },
        { "a GIF header followed by HTML", "polyglot.gif", 400, "not a PNG, JPEG, GIF or WebP" },
        { "an animated WebP", "moving.webp", 400, "Animated WebP" },
        { "an empty file", "empty.png", 400, "empty" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_hostile_or_wrong_file_is_refused_with_a_message_and_nothing_is_kept(string what, string fileName, int status, string message)
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var answer = await timer.PostFileAsync("/admin/media", "/admin/media", "image", fileName, File(what), "image/png");
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True((int)answer.StatusCode == status, $"{what}: {(int)answer.StatusCode} {body}");
        Assert.Contains(message, WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        AssertNothingKept(box);
        // The box goes on: the page still opens and a good image is still taken.
        Assert.Equal(HttpStatusCode.Redirect, (await timer.PostFileAsync("/admin/media", "/admin/media", "image", "ok.png", Png(40, 40), "image/png")).StatusCode);
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_stopped_by_the_server_with_413()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        // The declared length alone is refused: the body is never sent.
        var answer = await timer.PostFileAsync("/admin/media", "/admin/media", "image", "huge.png", new byte[3 * (int)MediaStore.MaxBytes], "image/png", expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Contains("too large", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertNothingKept(box);
    }

    [Fact]
    public async Task Only_the_timer_can_upload_or_delete_images()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var desk = await timer.PairAsync(ConsoleRoles.Desk);
        using var announcer = await timer.PairAsync(ConsoleRoles.Announcer);
        using var anonymous = new ConsoleClient(box.Http.BaseAddress!);
        var png = Png(64, 64);
        // Each helper has a valid form token from its own page; the role check still refuses.
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostFileAsync("/admin/desk", "/admin/media", "image", "a.png", png, "image/png")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await announcer.PostFileAsync("/admin/timing", "/admin/media", "image", "a.png", png, "image/png")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync("/admin/media")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostFileAsync("/admin/signin", "/admin/media", "image", "a.png", png, "image/png")).StatusCode);
        // Without the form token even the timer's upload is refused.
        using var forged = new MultipartFormDataContent { { new ByteArrayContent(png), "image", "a.png" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await timer.Http.PostAsync("/admin/media", forged)).StatusCode);
        AssertNothingKept(box);

        Assert.Equal(HttpStatusCode.Redirect, (await timer.PostFileAsync("/admin/media", "/admin/media", "image", "a.png", png, "image/png")).StatusCode);
        var id = box.Services.GetRequiredService<MediaStore>().List().Single().Id;
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostFormAsync("/admin/desk", "/admin/media/delete", ("id", id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await announcer.PostFormAsync("/admin/timing", "/admin/media/delete", ("id", id))).StatusCode);
        Assert.Single(box.Services.GetRequiredService<MediaStore>().List());
    }

    [Fact]
    public async Task A_12_megapixel_photo_is_reencoded_in_bounded_time()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        var media = box.Services.GetRequiredService<MediaStore>();
        var jpeg = Jpeg(4000, 3000, noise: false, quality: 85);
        Assert.InRange(jpeg.Length, 1, MediaStore.MaxBytes);
        var started = Stopwatch.GetTimestamp();
        var item = await media.AddAsync(new MemoryStream(jpeg), "camera.jpg", CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"12 MP JPEG ({jpeg.Length / 1024} KiB) re-encoded to {item.Width}x{item.Height} PNG ({item.Bytes / 1024} KiB) in {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal((1440, 1080), (item.Width, item.Height));
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"{elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_picture_just_under_the_pixel_limit_is_still_taken()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        var media = box.Services.GetRequiredService<MediaStore>();
        // 8000×4999 is 39,992,000 pixels: the decoder's memory limits must leave room for the largest picture allowed.
        byte[] png;
        using (var image = new Image<Rgba32>(8000, 4999, new Rgba32(0, 51, 160, 255)))
        using (var stream = new MemoryStream())
        {
            image.SaveAsPng(stream);
            png = stream.ToArray();
        }

        var started = Stopwatch.GetTimestamp();
        var item = await media.AddAsync(new MemoryStream(png), "banner.png", CancellationToken.None);
        output.WriteLine($"40 MP PNG ({png.Length / 1024} KiB) re-encoded to {item.Width}x{item.Height} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        Assert.Equal((1728, 1080), (item.Width, item.Height));
    }

    private static void AssertNothingKept(TestBox box)
    {
        var media = box.Services.GetRequiredService<MediaStore>();
        Assert.Empty(media.List());
        Assert.True(!Directory.Exists(media.Directory) || Directory.GetFiles(media.Directory).Length == 0, "files left in the media folder");
    }

    private static byte[] File(string what) => what switch
    {
        "over the byte limit" => [.. Png(16, 16), .. new byte[MediaStore.MaxBytes]],
        "a text file renamed .png" => Encoding.UTF8.GetBytes("Start list\n101 Ann\n102 Bob\n"),
        "a truncated PNG" => Png(400, 300)[..600],
        "a PNG whose header claims 50000x50000" => ClaimSize(Png(8, 8), 50_000, 50_000),
        "an SVG with a script" => Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(document.cookie)</script><rect width=\"10\" height=\"10\"/></svg>"),
        // A valid GIF header and screen descriptor, then a page: a browser sniffing it would run the script.
        "a GIF header followed by HTML" => [.. "GIF89a"u8, 0x0A, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, .. "<html><body><script>alert(document.cookie)</script></body></html>"u8],
        "an animated WebP" => AnimatedWebpHeader(),
        "an empty file" => [],
        _ => throw new ArgumentException(what),
    };

    private static byte[] Png(int width, int height)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), 128, 255);
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A photo with EXIF that names a place: the stored copy must not carry it.</summary>
    private static byte[] Jpeg(int width, int height, bool noise, int quality)
    {
        using var image = new Image<Rgb24>(width, height);
        var random = new Random(7);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = noise
                    ? new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))
                    : new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) % 256));
            }
        }

        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, Marker);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = quality });
        return stream.ToArray();
    }

    /// <summary>Rewrites a PNG's IHDR to claim another size, with a correct CRC: only the header check can stop it.</summary>
    private static byte[] ClaimSize(byte[] png, int width, int height)
    {
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static byte[] AnimatedWebpHeader()
    {
        // RIFF, WEBP, a VP8X chunk with the animation flag and a 100×100 canvas, an ANIM chunk.
        var file = new List<byte>();
        file.AddRange("RIFF"u8.ToArray());
        file.AddRange(new byte[4]);
        file.AddRange("WEBPVP8X"u8.ToArray());
        file.AddRange([10, 0, 0, 0, 0x02, 0, 0, 0, 99, 0, 0, 99, 0, 0]);
        file.AddRange("ANIM"u8.ToArray());
        file.AddRange([6, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var bytes = file.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
