using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Edge.Appliance.Store;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Edge.Appliance.Screens;

/// <summary>An image kept on the box: its content address (the SHA-256 of the PNG), its size in pixels and bytes.</summary>
public sealed record MediaItem(string Id, int Width, int Height, long Bytes, DateTimeOffset Added)
{
    /// <summary>Where displays and pages load it from.</summary>
    public string Url => $"/media/{Id}.png";
}

/// <summary>An upload the box refuses, with the sentence the timer reads and the HTTP status it answers with.</summary>
public sealed class MediaException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The logo and sponsor images uploaded to the box (<c>&lt;DataDir&gt;/media/</c>). An upload is never kept as sent:
/// it is size-checked while it is read, its pixel count is checked from the header before anything is decoded (a few
/// bytes can claim a picture that needs gigabytes), it is decoded by a managed decoder that knows only PNG, JPEG, GIF
/// and WebP, scaled down to fit a 1080p screen, and written out as a fresh PNG made from its pixels alone (no EXIF,
/// GPS, ICC, text chunks or trailing bytes survive). Files are named by the SHA-256 of that PNG, so a URL never
/// changes meaning and can be cached for good. One image is decoded at a time: the box is a Pi that is also timing.
/// </summary>
public sealed partial class MediaStore
{
    /// <summary>Largest upload taken, in bytes.</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>Largest picture taken, in pixels (width × height as the header states it), before scaling.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>The stored PNG fits in this box; smaller images are kept at their size.</summary>
    public const int MaxWidth = 1920;

    public const int MaxHeight = 1080;

    /// <summary>Most images kept at once, so uploads cannot fill the storage the log needs.</summary>
    public const int MaxItems = 200;

    private readonly string _directory;
    private readonly ILogger<MediaStore> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Configuration _configuration;
    private readonly GifDecoder _gif = new() { DecodingMode = FrameDecodingMode.First, MaxFrames = 1, IgnoreMetadata = true };

    public MediaStore(IOptions<StoreOptions> store, ILogger<MediaStore> logger, TimeProvider time)
    {
        _directory = Path.Combine(Path.GetFullPath(store.Value.DataDir), "media");
        _logger = logger;
        _time = time;
        // Only the four formats a logo comes in: BMP, TIFF, TGA and PBM decoders are not reachable from an upload.
        _configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(), new WebpConfigurationModule())
        {
            MaxDegreeOfParallelism = 1,
            // A 40-megapixel RGBA picture is 160 MB; no single buffer may go past that, and little is kept pooled afterwards.
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { MaximumPoolSizeMegabytes = 8, AllocationLimitMegabytes = 192 }),
        };
    }

    /// <summary>The folder the images are kept in.</summary>
    public string Directory => _directory;

    /// <summary>Whether <paramref name="id"/> has the shape of an image's id (64 lower-case hex digits).</summary>
    public static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>
    /// Checks, re-encodes and keeps an upload; the same picture uploaded twice is one item. Throws
    /// <see cref="MediaException"/> (413 for too many bytes, 400 for everything else) and keeps nothing when refused.
    /// </summary>
    public async Task<MediaItem> AddAsync(Stream upload, string fileName, CancellationToken ct)
    {
        var name = fileName.Length > 80 ? fileName[..80] : fileName;
        try
        {
            using var sent = await ReadLimitedAsync(upload, ct);
            await _oneAtATime.WaitAsync(ct);
            try
            {
                if (List().Count >= MaxItems)
                {
                    throw new MediaException($"The box already keeps {MaxItems} images: delete some first.");
                }

                var started = _time.GetTimestamp();
                var (png, width, height) = Reencode(sent);
                var id = Convert.ToHexStringLower(SHA256.HashData(png));
                var path = PathOf(id);
                if (!File.Exists(path))
                {
                    System.IO.Directory.CreateDirectory(_directory);
                    var temporary = Path.Combine(_directory, $".{id}.{Guid.NewGuid():N}.tmp");
                    await File.WriteAllBytesAsync(temporary, png, ct);
                    File.Move(temporary, path, overwrite: true);
                }

                LogStored(id, name, width, height, png.Length, (long)_time.GetElapsedTime(started).TotalMilliseconds);
                return new MediaItem(id, width, height, png.Length, _time.GetUtcNow());
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
        catch (MediaException e)
        {
            LogRefused(name, e.Message);
            throw;
        }
    }

    /// <summary>The images kept, newest first.</summary>
    public IReadOnlyList<MediaItem> List()
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            return [];
        }

        var items = new List<MediaItem>();
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*.png"))
        {
            var id = Path.GetFileNameWithoutExtension(file.Name);
            if (IsId(id) && Dimensions(file.FullName) is var (width, height))
            {
                items.Add(new MediaItem(id, width, height, file.Length, file.LastWriteTimeUtc));
            }
        }

        return [.. items.OrderByDescending(i => i.Added).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>The file of image <paramref name="id"/>, or null when there is none.</summary>
    public string? Find(string id) => IsId(id) && File.Exists(PathOf(id)) ? PathOf(id) : null;

    /// <summary>Deletes image <paramref name="id"/>; false when there was none.</summary>
    public bool Delete(string id)
    {
        if (Find(id) is not { } path)
        {
            return false;
        }

        File.Delete(path);
        LogDeleted(id);
        return true;
    }

    private string PathOf(string id) => Path.Combine(_directory, id + ".png");

    /// <summary>Reads at most one byte past the limit: a larger upload is refused without being read to its end.</summary>
    private static async Task<MemoryStream> ReadLimitedAsync(Stream upload, CancellationToken ct)
    {
        var sent = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await upload.ReadAsync(buffer, ct)) > 0)
        {
            if (sent.Length + n > MaxBytes)
            {
                await sent.DisposeAsync();
                throw TooLarge();
            }

            sent.Write(buffer, 0, n);
        }

        if (sent.Length == 0)
        {
            await sent.DisposeAsync();
            throw new MediaException("The file is empty.");
        }

        sent.Position = 0;
        return sent;
    }

    internal static MediaException TooLarge() =>
        new($"The file is larger than {MaxBytes / (1024 * 1024)} MiB: save it smaller (a logo needs no more than {MaxWidth}×{MaxHeight}) and upload it again.", StatusCodes.Status413PayloadTooLarge);

    private (byte[] Png, int Width, int Height) Reencode(MemoryStream sent)
    {
        const string NotAnImage = "The file is not a PNG, JPEG, GIF or WebP image (or it is damaged).";
        try
        {
            if (IsAnimatedWebp(sent.GetBuffer().AsSpan(0, (int)sent.Length)))
            {
                throw new MediaException("Animated WebP images are not taken: upload a still image.");
            }

            var info = Image.Identify(_configuration, sent, out var format);
            if (info is null || format is null)
            {
                throw new MediaException(NotAnImage);
            }

            if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels)
            {
                throw new MediaException($"The image is {info.Width}×{info.Height} pixels, more than the box takes ({MaxPixels / 1_000_000} megapixels): scale it down and upload it again.");
            }

            sent.Position = 0;
            IImageDecoder decoder = format is GifFormat ? _gif : _configuration.ImageFormatsManager.FindDecoder(format);
            using var image = Image.Load<Rgba32>(_configuration, sent, decoder);
            image.Mutate(x =>
            {
                x.AutoOrient();
                if (image.Width > MaxWidth || image.Height > MaxHeight)
                {
                    x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(MaxWidth, MaxHeight), Sampler = KnownResamplers.Lanczos3 });
                }
            });

            // A fresh image from the pixels alone: whatever metadata, profiles or extra frames the upload carried are left behind.
            var pixels = new Rgba32[image.Width * image.Height];
            image.CopyPixelDataTo(pixels);
            using var clean = Image.LoadPixelData<Rgba32>(_configuration, pixels, image.Width, image.Height);
            using var png = new MemoryStream();
            clean.Save(png, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.DefaultCompression });
            return (png.ToArray(), clean.Width, clean.Height);
        }
        catch (MediaException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever a decoder throws on a hostile or broken file is the file's fault, not the box's: refuse it, log what it was.
            LogUndecodable(e.GetType().Name, e.Message);
            throw new MediaException(NotAnImage);
        }
    }

    /// <summary>WebP's extended header (VP8X) flags an animation; each frame would be decoded onto a full canvas.</summary>
    private static bool IsAnimatedWebp(ReadOnlySpan<byte> file) =>
        file.Length >= 21 && file[..4].SequenceEqual("RIFF"u8) && file[8..16].SequenceEqual("WEBPVP8X"u8) && (file[20] & 0x02) != 0;

    /// <summary>A stored PNG's size from its IHDR chunk, or null when the file is not one of ours.</summary>
    private static (int Width, int Height)? Dimensions(string path)
    {
        Span<byte> head = stackalloc byte[24];
        try
        {
            using var file = File.OpenRead(path);
            file.ReadExactly(head);
        }
        catch (IOException)
        {
            // Shorter than a PNG header, or deleted while the list was read.
            return null;
        }

        return head[..8].SequenceEqual(PngSignature) && head[12..16].SequenceEqual("IHDR"u8)
            ? (BinaryPrimitives.ReadInt32BigEndian(head[16..20]), BinaryPrimitives.ReadInt32BigEndian(head[20..24]))
            : null;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex IdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Id} stored from upload {FileName}: {Width}x{Height}, {Bytes} bytes, re-encoded in {Ms} ms")]
    private partial void LogStored(string id, string fileName, int width, int height, int bytes, long ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image upload {FileName} refused: {Reason}")]
    private partial void LogRefused(string fileName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image upload could not be decoded ({Exception}: {Detail})")]
    private partial void LogUndecodable(string exception, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Id} deleted")]
    private partial void LogDeleted(string id);
}
